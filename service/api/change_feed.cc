#include "api/change_feed.h"

#include <atomic>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "api/grpc_status.h"
#include "api/request_parsing.h"
#include "bilateral/v1/change.grpc.pb.h"
#include "domain/errors.h"
#include "domain/resources.h"
#include "google/protobuf/any.pb.h"
#include "google/protobuf/util/time_util.h"
#include "store/list_plan.h"

namespace bilateral::api {
namespace {

constexpr CallInfo kWatchInfo = {"bilateral.v1.ChangeService/WatchChanges", Access::kRead};
constexpr absl::string_view kCursorPrefix = "bilateral.v1.cursor:";
// How often a stream whose collections see no changes still reports how far
// it has read, so that its cursor does not fall behind the retained history.
constexpr absl::Duration kCursorOnlyInterval = absl::Seconds(1);
// A message of a change stream holds whole changes up to about this many
// bytes (at least one change, however large).
constexpr size_t kMaxMessageBytes = 64 * 1024;

// A cursor is sealed as page tokens are (store/list_plan.h), so a damaged
// or edited one is refused, and names the database it is a position in, so
// one from another database (or a copy made before it was drawn) is too.
std::string EncodeCursor(const std::string& store_identity, int64_t seq) {
  return store::SealPageToken(absl::StrCat(kCursorPrefix, store_identity, ":", seq));
}

absl::StatusOr<int64_t> DecodeCursor(const std::string& cursor,
                                     const std::string& store_identity) {
  const absl::Status not_ours = domain::InvalidField(
      "cursor", "not a cursor this service issued, or altered; pass a ChangeEvent.cursor "
                "exactly as it came");
  if (cursor.size() > 200) return not_ours;
  auto body = store::UnsealPageToken(cursor);
  if (!body.ok()) return not_ours;
  absl::string_view rest = *body;
  if (!absl::ConsumePrefix(&rest, kCursorPrefix)) return not_ours;
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(rest, absl::MaxSplits(':', 1));
  int64_t seq = 0;
  if (parts.first.empty() || !absl::SimpleAtoi(parts.second, &seq) || seq < 0) return not_ours;
  if (parts.first != store_identity) {
    return domain::InvalidField(
        "cursor", "issued by a server on another database; list the collections again and "
                  "watch from a new cursor");
  }
  return seq;
}

absl::Status CursorExpired(const store::ChangeRange& range) {
  return domain::WithReason(
      absl::FailedPreconditionError(absl::StrCat(
          "the cursor is older than the changes this server retains (the oldest is ",
          EncodeCursor(range.store_identity, range.oldest > 0 ? range.oldest - 1 : 0),
          "); read the collections again with List and watch from a new cursor")),
      "CURSOR_EXPIRED");
}

// A stored row as the full resource message, packed.
using Packer = absl::StatusOr<google::protobuf::Any> (*)(const std::string&, const store::Row&);

template <typename Message>
absl::StatusOr<google::protobuf::Any> Pack(const std::string& collection, const store::Row& row) {
  using google::protobuf::util::TimeUtil;
  Message message;
  if (!message.ParseFromString(row.payload)) {
    return absl::DataLossError(absl::StrCat("stored record ", collection, "/", row.id,
                                            " is unreadable"));
  }
  message.set_name(absl::StrCat(collection, "/", row.id));
  *message.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row.create_time_us);
  *message.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row.update_time_us);
  message.set_etag(row.etag);
  google::protobuf::Any any;
  any.PackFrom(message);
  return any;
}

// Every collection in the feed, with how its records are packed.
const absl::flat_hash_map<std::string, Packer>& Packers() {
  static const auto* packers = [] {
    auto* map = new absl::flat_hash_map<std::string, Packer>();
    domain::ForEachRecordType([&](auto tag) {
      using Message = typename decltype(tag)::type;
      map->emplace(domain::Resource<Message>::Collection().name, &Pack<Message>);
    });
    map->emplace(domain::Resource<v1::Finding>::Collection().name, &Pack<v1::Finding>);
    return map;
  }();
  return *packers;
}

v1::ChangeKind KindOf(store::Change::Kind kind) {
  switch (kind) {
    case store::Change::Kind::kCreated:
      return v1::CHANGE_KIND_CREATED;
    case store::Change::Kind::kUpdated:
      return v1::CHANGE_KIND_UPDATED;
    case store::Change::Kind::kDeleted:
      return v1::CHANGE_KIND_DELETED;
  }
  return v1::CHANGE_KIND_UNSPECIFIED;
}

}  // namespace

// One WatchChanges stream. At most one message is in flight; `Pump` reads
// and writes the next batch, or reports that the stream has caught up.
class WatchReactor final : public grpc::ServerWriteReactor<v1::WatchChangesResponse> {
 public:
  WatchReactor(ChangeFeed& feed, grpc::CallbackServerContext* context,
               const v1::WatchChangesRequest& request)
      : feed_(feed), context_(context) {
    absl::Status status = feed_.guard_.Run(context, kWatchInfo, request.ByteSizeLong(),
                                           [&] { return Start(request); });
    if (!status.ok()) {
      absl::MutexLock lock(&mu_);
      FinishLocked(ToGrpcStatus(status));
      return;
    }
    // Tells the client the stream is live: every change committed after
    // it has the initial metadata will be delivered.
    StartSendInitialMetadata();
    Continue();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      absl::MutexLock lock(&mu_);
      FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the stream was closed"));
      return;
    }
    Continue();
  }

  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    FinishLocked(grpc::Status(grpc::StatusCode::CANCELLED, "the client cancelled"));
  }

  void OnDone() override {
    if (registered_) feed_.Unregister(this);
    { absl::MutexLock lock(&mu_); }  // whoever finished the stream has let go of it
    delete this;
  }

  // Checks the stream's caller against the keys in use now; a caller no
  // longer authorized is refused any further message.
  bool Reauthorize() {
    absl::Status access = feed_.guard_.Reauthorize(context_, kWatchInfo);
    if (access.ok()) return true;
    absl::MutexLock lock(&mu_);
    refusal_ = absl::IsUnauthenticated(access)
                   ? absl::UnauthenticatedError(
                         "the API key of this stream is no longer accepted; watch again "
                         "with a valid key from the last cursor")
                   : access;
    return false;
  }

  // The position the stream has read up to.
  int64_t position() const { return position_.load(); }

  // With no message in flight: writes the next batch, or finishes the
  // stream; true when it has caught up and should wait for changes.
  bool Pump() {
    absl::MutexLock lock(&mu_);
    if (finished_) return false;
    if (!refusal_.ok()) {
      FinishLocked(ToGrpcStatus(refusal_));
      return false;
    }
    if (feed_.stopped_.load()) {
      FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                "the server is shutting down; resume from the last cursor"));
      return false;
    }
    const int64_t from = position_.load();
    auto batch = feed_.store_.ReadChanges(from, collections_, feed_.options_.batch_size);
    absl::StatusOr<store::ChangeRange> range =
        batch.ok() ? feed_.store_.Changes() : absl::StatusOr<store::ChangeRange>(batch.status());
    if (!range.ok()) {
      FinishLocked(ToGrpcStatus(range.status()));
      return false;
    }
    // Changes this stream had yet to read were dropped: it fell behind.
    if (from + 1 < range->oldest) {
      FinishLocked(ToGrpcStatus(CursorExpired(*range)));
      return false;
    }
    response_.Clear();
    // A stream whose client does not read holds one message: its size, not
    // the batch's count, bounds that memory.
    size_t bytes = 0;
    int64_t included_through = from;
    bool full = false;
    for (const auto& change : batch->changes) {
      if (bytes >= kMaxMessageBytes) {
        full = true;
        break;
      }
      included_through = change.seq;
      auto* event = response_.add_events();
      event->set_cursor(EncodeCursor(range->store_identity, change.seq));
      event->set_kind(KindOf(change.kind));
      event->set_name(absl::StrCat(change.collection, "/", change.row.id));
      *event->mutable_commit_time() =
          google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(change.row.update_time_us);
      if (change.kind == store::Change::Kind::kDeleted) continue;
      event->set_etag(change.row.etag);
      auto packer = Packers().find(change.collection);
      if (packer == Packers().end()) continue;
      auto record = packer->second(change.collection, change.row);
      if (!record.ok()) {
        FinishLocked(ToGrpcStatus(record.status()));
        return false;
      }
      *event->mutable_record() = *std::move(record);
      bytes += event->ByteSizeLong();
    }
    const int64_t through = full ? included_through : batch->scanned_through;
    const bool advanced = through > from;
    position_ = std::max(from, through);
    const absl::Time now = absl::Now();
    if (response_.events_size() > 0 || (advanced && now - last_sent_ >= kCursorOnlyInterval)) {
      response_.set_cursor(EncodeCursor(range->store_identity, position_.load()));
      last_sent_ = now;
      StartWrite(&response_);
      return false;
    }
    return true;
  }

 private:
  // Checks the request and finds where the stream starts; then admits it.
  absl::Status Start(const v1::WatchChangesRequest& request) {
    domain::Violations violations;
    for (int i = 0; i < request.collections_size(); ++i) {
      const std::string& name = request.collections(i);
      if (!Packers().contains(name)) {
        violations.Add(absl::StrCat("collections[", i, "]"),
                       absl::StrCat("unknown collection '", name.substr(0, 64),
                                    "'; collections are named as in resource names, "
                                    "e.g. 'visits' or 'tradeRecords'"));
      }
      collections_.push_back(name);
    }
    if (auto status = violations.ToStatus(); !status.ok()) return status;
    auto range = feed_.store_.Changes();
    if (!range.ok()) return range.status();
    if (!request.cursor().empty()) {
      auto seq = DecodeCursor(request.cursor(), range->store_identity);
      if (!seq.ok()) return seq.status();
      if (*seq > range->latest) {
        return domain::InvalidField("cursor",
                                    "the cursor is ahead of this server's changes; it was "
                                    "issued by a server on another database");
      }
      if (*seq + 1 < range->oldest) return CursorExpired(*range);
      position_ = *seq;
    } else if (request.start() == v1::WATCH_START_OLDEST) {
      position_ = range->oldest > 0 ? range->oldest - 1 : range->latest;
    } else {
      position_ = range->latest;
    }
    if (auto status = feed_.Register(this); !status.ok()) return status;
    registered_ = true;
    return absl::OkStatus();
  }

  void Continue() {
    if (Pump()) feed_.Wait(this);
  }

  void FinishLocked(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

  ChangeFeed& feed_;
  grpc::CallbackServerContext* const context_;
  absl::Mutex mu_;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status refusal_ ABSL_GUARDED_BY(mu_);  // set when the caller's key is revoked
  bool registered_ = false;
  std::vector<std::string> collections_;
  std::atomic<int64_t> position_{0};
  absl::Time last_sent_ = absl::Now();
  v1::WatchChangesResponse response_;
};

class ChangeFeed::Service final : public v1::ChangeService::CallbackService {
 public:
  explicit Service(ChangeFeed& feed) : feed_(feed) {}

  grpc::ServerWriteReactor<v1::WatchChangesResponse>* WatchChanges(
      grpc::CallbackServerContext* context, const v1::WatchChangesRequest* request) override {
    return new WatchReactor(feed_, context, *request);
  }

 private:
  ChangeFeed& feed_;
};

ChangeFeed::ChangeFeed(store::Store* store, CallGuard* guard, ChangeFeedOptions options)
    : store_(*store), guard_(*guard), options_(options) {
  poller_ = std::thread([this] { Poll(); });
}

ChangeFeed::~ChangeFeed() { Stop(); }

std::unique_ptr<grpc::Service> ChangeFeed::MakeService() {
  return CheckRequestParsing(std::make_unique<Service>(*this),
                             v1::ChangeService::service_full_name(), &guard_);
}

void ChangeFeed::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopped_.exchange(true)) return;
    // Streams that wait end now; the others end when their write is done.
    std::set<WatchReactor*> waiting;
    waiting.swap(waiting_);
    for (WatchReactor* reactor : waiting) reactor->Pump();
  }
  poller_.join();
}

int ChangeFeed::open_streams() const {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(streams_.size());
}

int ChangeFeed::EndStreamsNoLongerAuthorized() {
  absl::MutexLock lock(&mu_);
  int ended = 0;
  for (WatchReactor* reactor : streams_) {
    if (reactor->Reauthorize()) continue;
    ++ended;
    // A waiting stream has no message in flight: it ends now. Any other
    // ends when its write is done and it pumps again.
    if (waiting_.erase(reactor) > 0) reactor->Pump();
  }
  return ended;
}

absl::Status ChangeFeed::Register(WatchReactor* reactor) {
  absl::MutexLock lock(&mu_);
  if (stopped_.load()) {
    return absl::UnavailableError("the server is shutting down; retry, another replica will serve");
  }
  if (static_cast<int>(streams_.size()) >= options_.max_streams) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the server has ", options_.max_streams, " change streams open, its limit; retry later"));
  }
  streams_.insert(reactor);
  return absl::OkStatus();
}

void ChangeFeed::Unregister(WatchReactor* reactor) {
  absl::MutexLock lock(&mu_);
  streams_.erase(reactor);
  waiting_.erase(reactor);
}

void ChangeFeed::Wait(WatchReactor* reactor) {
  absl::MutexLock lock(&mu_);
  if (stopped_.load()) {
    reactor->Pump();  // ends it
    return;
  }
  waiting_.insert(reactor);
}

void ChangeFeed::Poll() {
  auto has_work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopped_.load() || !waiting_.empty();
  };
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(&has_work));
      if (stopped_.load()) return;
    }
    auto range = store_.Changes();
    {
      absl::MutexLock lock(&mu_);
      if (stopped_.load()) return;
      if (range.ok()) {
        std::vector<WatchReactor*> behind;
        for (WatchReactor* reactor : waiting_) {
          if (reactor->position() < range->latest) behind.push_back(reactor);
        }
        for (WatchReactor* reactor : behind) {
          waiting_.erase(reactor);
          if (reactor->Pump()) waiting_.insert(reactor);
        }
      }
      auto stopped = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopped_.load(); };
      mu_.AwaitWithTimeout(absl::Condition(&stopped), options_.poll_interval);
      if (stopped_.load()) return;
    }
  }
}

}  // namespace bilateral::api
