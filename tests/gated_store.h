// A store that passes every call to another store, and can hold reads at a
// gate: while the gate is closed, each record read (Get, GetMany, List,
// Count, Search) waits inside the store until it opens. It notes the id or
// query of every read that reached it, so tests can see what never did, and
// counts the reads of the change feed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "store/store.h"

namespace bilateral::test {

class GatedStore final : public store::Store {
 public:
  explicit GatedStore(std::unique_ptr<store::Store> inner) : inner_(std::move(inner)) {}

  void Close() {
    absl::MutexLock lock(&mu_);
    open_ = false;
  }
  void Open() {
    absl::MutexLock lock(&mu_);
    open_ = true;
  }
  // Reads waiting at the closed gate now.
  int waiting() const {
    absl::MutexLock lock(&mu_);
    return waiting_;
  }
  // Waits until `count` reads wait at the gate; false if that does not
  // happen within `timeout`.
  bool AwaitWaiting(int count, absl::Duration timeout) const {
    absl::MutexLock lock(&mu_);
    auto reached = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return waiting_ >= count; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }
  // What each read that reached the store asked for: "collection/id" for
  // Get, the collection for List and Count, "search:text" for Search,
  // "timeline:CN-KZ" and "pair:CN-KZ" for a pair's timeline and dossier.
  std::vector<std::string> reads() const {
    absl::MutexLock lock(&mu_);
    return reads_;
  }
  // Reads of the change feed (never held at the gate).
  int change_reads() const {
    absl::MutexLock lock(&mu_);
    return change_reads_;
  }

  absl::StatusOr<store::Row> Get(const CallContext& call, const store::Collection& collection,
                                 absl::string_view id) override {
    Pass(absl::StrCat(collection.name, "/", id));
    return inner_->Get(call, collection, id);
  }
  absl::StatusOr<std::vector<store::Row>> GetMany(const CallContext& call,
                                                  const store::Collection& collection,
                                                  const std::vector<std::string>& ids) override {
    Pass(collection.name);
    return inner_->GetMany(call, collection, ids);
  }
  absl::StatusOr<store::Page> List(const CallContext& call, const store::Collection& collection,
                                   const store::ListQuery& query) override {
    Pass(collection.name);
    return inner_->List(call, collection, query);
  }
  absl::StatusOr<int64_t> Count(const CallContext& call,
                                const store::Collection& collection) override {
    Pass(collection.name);
    return inner_->Count(call, collection);
  }
  absl::StatusOr<store::SearchPage> Search(const CallContext& call,
                                           const store::SearchQuery& query) override {
    Pass(absl::StrCat("search:", query.text));
    return inner_->Search(call, query);
  }

  absl::StatusOr<store::TimelinePage> ReadTimeline(const CallContext& call,
                                                   const store::TimelineQuery& query) override {
    Pass(absl::StrCat("timeline:", query.pair));
    return inner_->ReadTimeline(call, query);
  }
  absl::StatusOr<store::PairResult> ReadPair(const CallContext& call,
                                             const store::PairQuery& query) override {
    Pass(absl::StrCat("pair:", query.pair));
    return inner_->ReadPair(call, query);
  }
  absl::Status RebuildPairViews(const std::vector<const store::Collection*>& collections) override {
    return inner_->RebuildPairViews(collections);
  }

  absl::StatusOr<store::Row> Insert(const CallContext& call, const store::Collection& collection,
                                    store::Row row, const store::RequestKey& request) override {
    return inner_->Insert(call, collection, std::move(row), request);
  }
  absl::StatusOr<std::vector<absl::Status>> InsertMany(const CallContext& call,
                                                       const store::Collection& collection,
                                                       std::vector<store::Row> rows) override {
    return inner_->InsertMany(call, collection, std::move(rows));
  }
  absl::StatusOr<std::vector<absl::Status>> Restore(const CallContext& call,
                                                    const store::Collection& collection,
                                                    std::vector<store::Row> rows) override {
    return inner_->Restore(call, collection, std::move(rows));
  }
  absl::StatusOr<store::Row> Update(const CallContext& call, const store::Collection& collection,
                                    store::Row row, absl::string_view expected_etag) override {
    return inner_->Update(call, collection, std::move(row), expected_etag);
  }
  absl::Status Delete(const CallContext& call, const store::Collection& collection,
                      absl::string_view id, absl::string_view expected_etag) override {
    return inner_->Delete(call, collection, id, expected_etag);
  }
  absl::StatusOr<store::ChangeBatch> ReadChanges(const CallContext& call, int64_t after,
                                                 const std::vector<std::string>& collections,
                                                 int limit) override {
    {
      absl::MutexLock lock(&mu_);
      ++change_reads_;
    }
    return inner_->ReadChanges(call, after, collections, limit);
  }
  absl::StatusOr<store::ChangeRange> Changes(const CallContext& call) override {
    return inner_->Changes(call);
  }
  absl::Status Ping() override { return inner_->Ping(); }
  absl::StatusOr<std::vector<std::string>> PendingReindex() override {
    return inner_->PendingReindex();
  }
  absl::Status Reindex(
      const store::Collection& collection,
      const std::function<absl::StatusOr<store::Row>(const store::Row&)>& derive) override {
    return inner_->Reindex(collection, derive);
  }

 private:
  void Pass(std::string what) {
    absl::MutexLock lock(&mu_);
    reads_.push_back(std::move(what));
    ++waiting_;
    mu_.Await(absl::Condition(&open_));
    --waiting_;
  }

  std::unique_ptr<store::Store> inner_;
  mutable absl::Mutex mu_;
  bool open_ ABSL_GUARDED_BY(mu_) = true;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  int change_reads_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::string> reads_ ABSL_GUARDED_BY(mu_);
};

}  // namespace bilateral::test
