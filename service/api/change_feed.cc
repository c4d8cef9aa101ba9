#include "api/change_feed.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <type_traits>
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
#include "domain/rows.h"
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

absl::StatusOr<int64_t> DecodeCursor(const std::string& cursor, const std::string& store_identity) {
  const absl::Status not_ours = domain::InvalidField(
      "cursor",
      "not a cursor this service issued, or altered; pass a ChangeEvent.cursor "
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
        "cursor",
        "issued by a server on another database; list the collections again and "
        "watch from a new cursor");
  }
  return seq;
}

absl::Status CursorExpired(const std::string& store_identity, int64_t oldest) {
  return domain::WithReason(
      absl::FailedPreconditionError(
          absl::StrCat("the cursor is older than the changes this server retains (the oldest is ",
                       EncodeCursor(store_identity, oldest > 0 ? oldest - 1 : 0),
                       "); read the collections again with List and watch from a new cursor")),
      "CURSOR_EXPIRED");
}

// A stored row as the full resource message, packed.
using Packer = absl::StatusOr<google::protobuf::Any> (*)(const store::Row&);

template <typename Message>
absl::StatusOr<google::protobuf::Any> Pack(const store::Row& row) {
  Message message;
  if (auto status = domain::MessageInto(row, &message); !status.ok()) return status;
  // The feed carries sources as their BASIC view: without the text, which
  // may be megabytes; `text_sha256` tells a reader when it changed.
  if constexpr (std::is_same_v<Message, v1::Source>) message.clear_text();
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

// A change as streams send it, built once for every stream that sends it.
struct FeedEvent {
  int64_t seq = 0;
  std::string collection;
  // Not OK when the stored record is unreadable: a stream that reaches it
  // ends with this status.
  absl::Status status;
  v1::ChangeEvent event;
  size_t bytes = 0;
};

namespace {

std::shared_ptr<const FeedEvent> EventOf(const store::Change& change,
                                         const std::string& store_identity) {
  auto built = std::make_shared<FeedEvent>();
  built->seq = change.seq;
  built->collection = change.collection;
  v1::ChangeEvent& event = built->event;
  event.set_cursor(EncodeCursor(store_identity, change.seq));
  event.set_kind(KindOf(change.kind));
  event.set_name(absl::StrCat(change.collection, "/", change.row.id));
  *event.mutable_commit_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(change.row.update_time_us);
  if (change.kind != store::Change::Kind::kDeleted) {
    event.set_etag(change.row.etag);
    auto packer = Packers().find(change.collection);
    if (packer != Packers().end()) {
      auto record = packer->second(change.row);
      if (record.ok()) {
        *event.mutable_record() = *std::move(record);
      } else {
        built->status = record.status();
      }
    }
  }
  built->bytes = event.ByteSizeLong();
  return built;
}

bool Wanted(const std::vector<std::string>& collections, const std::string& collection) {
  return collections.empty() ||
         std::find(collections.begin(), collections.end(), collection) != collections.end();
}

}  // namespace

// One WatchChanges stream. At most one message is in flight; `Pump` reads
// and writes the next batch, or reports that the stream has caught up.
class WatchReactor final : public grpc::ServerWriteReactor<v1::WatchChangesResponse> {
 public:
  WatchReactor(ChangeFeed& feed, grpc::CallbackServerContext* context,
               const v1::WatchChangesRequest& request)
      : feed_(feed), context_(context), call_(absl::InfiniteFuture(), &feed.stopped_, [context] {
          return context->IsCancelled();
        }) {
    absl::Status status =
        feed_.guard_.Run(context, kWatchInfo, request.ByteSizeLong(),
                         [&](const CallContext& call) { return Start(call, request); });
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

  enum class Step {
    kSent,      // a message is in flight, or the stream has ended
    kCaughtUp,  // nothing past its position yet
    kBehind,    // it needs changes older than the feed's window
  };

  // With no message in flight: writes the next batch, or finishes the
  // stream, or says why it must wait. Reads the store only when
  // `may_read_store` (on the feed thread).
  Step Pump(bool may_read_store) {
    absl::MutexLock lock(&mu_);
    if (finished_) return Step::kSent;
    if (!refusal_.ok()) {
      FinishLocked(ToGrpcStatus(refusal_));
      return Step::kSent;
    }
    if (feed_.stopped_.load()) {
      FinishLocked(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                "the server is shutting down; resume from the last cursor"));
      return Step::kSent;
    }
    const int64_t from = position_.load();
    const int limit = feed_.options_.batch_size;
    FeedSlice slice;
    if (!feed_.FromWindow(from, collections_, limit, &slice)) {
      if (!may_read_store) return Step::kBehind;
      auto read = feed_.FromStore(call_, from, collections_, limit);
      if (!read.ok()) {
        FinishLocked(ToGrpcStatus(read.status()));
        return Step::kSent;
      }
      slice = *std::move(read);
    }
    // Changes this stream had yet to read were dropped: it fell behind.
    if (from + 1 < slice.oldest) {
      FinishLocked(ToGrpcStatus(CursorExpired(slice.store_identity, slice.oldest)));
      return Step::kSent;
    }
    response_.Clear();
    // A stream whose client does not read holds one message: its size, not
    // the batch's count, bounds that memory.
    size_t bytes = 0;
    int64_t included_through = from;
    bool full = false;
    for (const auto& event : slice.events) {
      if (bytes >= kMaxMessageBytes) {
        full = true;
        break;
      }
      if (!event->status.ok()) {
        FinishLocked(ToGrpcStatus(event->status));
        return Step::kSent;
      }
      included_through = event->seq;
      *response_.add_events() = event->event;
      bytes += event->bytes;
    }
    const int64_t through = full ? included_through : slice.scanned_through;
    const bool advanced = through > from;
    position_ = std::max(from, through);
    const absl::Time now = absl::Now();
    if (response_.events_size() > 0 || (advanced && now - last_sent_ >= kCursorOnlyInterval)) {
      response_.set_cursor(EncodeCursor(slice.store_identity, position_.load()));
      last_sent_ = now;
      StartWrite(&response_);
      return Step::kSent;
    }
    return Step::kCaughtUp;
  }

 private:
  // Checks the request and finds where the stream starts; then admits it.
  absl::Status Start(const CallContext& call, const v1::WatchChangesRequest& request) {
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
    auto range = feed_.store_.Changes(call);
    if (!range.ok()) return range.status();
    if (!request.cursor().empty()) {
      auto seq = DecodeCursor(request.cursor(), range->store_identity);
      if (!seq.ok()) return seq.status();
      if (*seq > range->latest) {
        return domain::InvalidField("cursor",
                                    "the cursor is ahead of this server's changes; it was "
                                    "issued by a server on another database");
      }
      if (*seq + 1 < range->oldest) return CursorExpired(range->store_identity, range->oldest);
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
    const Step step = Pump(/*may_read_store=*/false);
    if (step != Step::kSent) feed_.Wait(this, step == Step::kBehind);
  }

  void FinishLocked(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    Finish(status);
  }

  ChangeFeed& feed_;
  grpc::CallbackServerContext* const context_;
  // The stream's reads of the store stop when its client goes or the feed
  // stops.
  const CallContext call_;
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
    for (WatchReactor* reactor : waiting) reactor->Pump(false);
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
    if (waiting_.erase(reactor) > 0) reactor->Pump(false);
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

void ChangeFeed::Wait(WatchReactor* reactor, bool behind) {
  absl::MutexLock lock(&mu_);
  if (stopped_.load()) {
    reactor->Pump(false);  // ends it
    return;
  }
  waiting_.insert(reactor);
  if (behind) urgent_ = true;
}

bool ChangeFeed::FromWindow(int64_t after, const std::vector<std::string>& collections, int limit,
                            FeedSlice* slice) const {
  absl::MutexLock lock(&window_mu_);
  if (window_through_ < 0 || after < window_from_) return false;
  slice->oldest = oldest_;
  slice->store_identity = store_identity_;
  auto it = std::upper_bound(
      window_.begin(), window_.end(), after,
      [](int64_t seq, const std::shared_ptr<const FeedEvent>& event) { return seq < event->seq; });
  for (; it != window_.end(); ++it) {
    if (static_cast<int>(slice->events.size()) == limit) break;
    if (Wanted(collections, (*it)->collection)) slice->events.push_back(*it);
  }
  slice->scanned_through =
      it == window_.end() ? std::max(after, window_through_) : slice->events.back()->seq;
  return true;
}

absl::StatusOr<FeedSlice> ChangeFeed::FromStore(const CallContext& call, int64_t after,
                                                const std::vector<std::string>& collections,
                                                int limit) const {
  auto batch = store_.ReadChanges(call, after, collections, limit);
  if (!batch.ok()) return batch.status();
  auto range = store_.Changes(call);
  if (!range.ok()) return range.status();
  FeedSlice slice;
  slice.oldest = range->oldest;
  slice.store_identity = range->store_identity;
  slice.scanned_through = batch->scanned_through;
  slice.events.reserve(batch->changes.size());
  for (const auto& change : batch->changes) {
    slice.events.push_back(EventOf(change, range->store_identity));
  }
  return slice;
}

bool ChangeFeed::Advance() {
  // The feed's own reads, for no call; they stop when the feed does.
  const CallContext feed(absl::InfiniteFuture(), &stopped_);
  auto range = store_.Changes(feed);
  if (!range.ok()) return false;
  int64_t through;
  {
    absl::MutexLock lock(&window_mu_);
    oldest_ = range->oldest;
    store_identity_ = range->store_identity;
    // Far behind (or never read): start afresh at the end; streams behind
    // the window read the store from their cursors.
    if (window_through_ < 0 || range->latest - window_through_ > options_.window) {
      window_.clear();
      window_from_ = window_through_ = range->latest;
      return false;
    }
    through = window_through_;
  }
  const int chunk = std::max(options_.batch_size, 256);
  bool advanced = false;
  while (through < range->latest && !stopped_.load()) {
    auto batch = store_.ReadChanges(feed, through, {}, chunk);
    if (!batch.ok() || batch->scanned_through <= through) break;
    std::vector<std::shared_ptr<const FeedEvent>> events;
    events.reserve(batch->changes.size());
    for (const auto& change : batch->changes) {
      events.push_back(EventOf(change, range->store_identity));
    }
    absl::MutexLock lock(&window_mu_);
    for (auto& event : events) window_.push_back(std::move(event));
    while (static_cast<int>(window_.size()) > options_.window) {
      window_from_ = window_.front()->seq;
      window_.pop_front();
    }
    through = window_through_ = batch->scanned_through;
    advanced = true;
  }
  return advanced;
}

void ChangeFeed::Poll() {
  auto has_work = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopped_.load() || !waiting_.empty();
  };
  auto woken = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopped_.load() || urgent_; };
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(&has_work));
      if (stopped_.load()) return;
    }
    // One read of the new changes, whatever the number of streams.
    Advance();
    int64_t through;
    {
      absl::MutexLock lock(&window_mu_);
      through = window_through_;
    }
    absl::MutexLock lock(&mu_);
    if (stopped_.load()) return;
    urgent_ = false;
    std::vector<WatchReactor*> behind;
    for (WatchReactor* reactor : waiting_) {
      if (reactor->position() < through) behind.push_back(reactor);
    }
    for (WatchReactor* reactor : behind) {
      waiting_.erase(reactor);
      const WatchReactor::Step step = reactor->Pump(/*may_read_store=*/true);
      if (step != WatchReactor::Step::kSent) waiting_.insert(reactor);
    }
    mu_.AwaitWithTimeout(absl::Condition(&woken), options_.poll_interval);
    if (stopped_.load()) return;
  }
}

}  // namespace bilateral::api
