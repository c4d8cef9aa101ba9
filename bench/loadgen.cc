// bilateral-loadgen: keeps a fixed number of calls in flight against one
// target for a warm-up and then a measured period, and prints one JSON line:
// throughput, latency percentiles, failed calls by status code and the size
// of a response. Built on the async (CompletionQueue) API so that a few
// threads keep many calls in flight without a thread per call, and on the
// generic stub: requests are serialized once, and responses are counted and
// sized but never parsed, so the load generator spends little of the CPU it
// shares with the server.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "bilateral/v1/relationship.grpc.pb.h"
#include "bilateral/v1/trade.grpc.pb.h"
#include "bilateral/v1/visit.grpc.pb.h"
#include "calls.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "host:port of the server");
ABSL_FLAG(std::string, method, "get",
          "get: GetVisit of --name; list: ListVisits; get_trade: GetTradeRecord of --name; "
          "list_trade: ListTradeRecords; relationship: GetRelationship of --name; timeline: "
          "ListTimeline of --name; mixed: "
          "GetVisit of --name, and CreateVisit of a new synthetic visit for --write_percent of "
          "the calls; create: CreateVisit of a new synthetic visit on every call");
ABSL_FLAG(std::string, name, "",
          "the record that get, get_trade, relationship, timeline and mixed ask for; empty: "
          "visits/xi-jinping-kz-2024 (get, mixed) or relationships/CN-KZ (relationship, "
          "timeline); "
          "get_trade needs one");
ABSL_FLAG(int, page_size, 50, "page_size of each list, list_trade or timeline call");
ABSL_FLAG(std::string, filter, "", "filter of each list, list_trade or timeline call");
ABSL_FLAG(std::string, order_by, "", "order_by of each list or list_trade call");
ABSL_FLAG(int, page_depth, 1,
          "list, list_trade, timeline: the page every measured call asks for; pages 1 to N-1 "
          "are walked "
          "one call at a time before the warm-up to get its page token");
ABSL_FLAG(int, write_percent, 5, "mixed: percentage of calls that are writes, 0-100");
ABSL_FLAG(std::string, series_visitor, "",
          "mixed, create: if set, every synthetic visit is this visitor's, to China, on the "
          "days after --series_start_day in the order they are sent: one series that grows at "
          "its end");
ABSL_FLAG(int, series_start_day, 0,
          "with --series_visitor: the first synthetic visit is this many days after "
          "2000-01-01 (past the visits of earlier runs, so that each new one is the latest)");
ABSL_FLAG(std::string, metadata_api_key, "",
          "if set, every call carries it as 'authorization: Bearer <key>'");
ABSL_FLAG(int, concurrency, 64, "calls kept in flight");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "how long to measure");
ABSL_FLAG(int64_t, calls, 0,
          "if set, stop after this many calls (warm-up included), or at the end of "
          "--duration if that comes first; to load a store to a given size");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "how long to run before measuring");
ABSL_FLAG(int, threads, 0, "threads polling completion queues; 0: min(concurrency, cores)");
ABSL_FLAG(int, channels, 0,
          "channels (each its own connection) the calls are spread over; 0: one per thread");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(10), "deadline of each call");
ABSL_FLAG(std::string, label, "", "copied into the output, to tell runs apart");

namespace bilateral::bench {
namespace {

using Clock = std::chrono::steady_clock;

// The source the synthetic visits of --method=mixed cite: one the seed data
// holds, so that writes pass validation on a seeded store.
constexpr char kSyntheticVisitSource[] = "sources/xi-kazakhstan-sco-2024";

// Latencies in nanoseconds, in buckets that split every power of two into 64
// (HDR histogram style): about 1.6% resolution at any magnitude, in a fixed
// few kilobytes however long the run.
class LatencyHistogram {
 public:
  void Record(int64_t nanos) {
    const uint64_t value = nanos < 0 ? 0 : static_cast<uint64_t>(nanos);
    ++counts_[Index(value)];
    ++count_;
    max_ = std::max(max_, value);
  }

  void Merge(const LatencyHistogram& other) {
    for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
    count_ += other.count_;
    max_ = std::max(max_, other.max_);
  }

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }

  // The highest value of the bucket holding the `quantile`-th value, capped
  // at the largest value seen; 0 when nothing was recorded.
  uint64_t Quantile(double quantile) const {
    if (count_ == 0) return 0;
    const auto rank = std::max<uint64_t>(
        1, static_cast<uint64_t>(std::llround(quantile * static_cast<double>(count_))));
    uint64_t seen = 0;
    for (size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(UpperBound(static_cast<int>(i)), max_);
    }
    return max_;
  }

 private:
  static constexpr int kSubBits = 6;
  static constexpr int kSub = 1 << kSubBits;

  // Values below 2*kSub have a bucket each; above, value >> shift falls in
  // [kSub, 2*kSub) and the buckets of each shift follow the previous ones.
  static int Index(uint64_t value) {
    if (value < 2 * kSub) return static_cast<int>(value);
    const int shift = 63 - __builtin_clzll(value) - kSubBits;
    return shift * kSub + static_cast<int>(value >> shift);
  }
  static uint64_t UpperBound(int index) {
    if (index < 2 * kSub) return static_cast<uint64_t>(index);
    const int shift = index / kSub - 1;
    const auto mantissa = static_cast<uint64_t>(index - shift * kSub);
    return ((mantissa + 1) << shift) - 1;
  }

  std::array<uint64_t, 64 * kSub> counts_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

// What the measured calls send, and how each call is set up.
struct Workload {
  std::string read_rpc;
  grpc::ByteBuffer read_request;
  // Percentage of calls that are CreateVisit of a new synthetic visit; the
  // rest are reads.
  int write_percent = 0;
  std::string api_key;
  std::chrono::nanoseconds deadline{};
  Clock::time_point measure_start;
  Clock::time_point measure_end;
  // Makes the ids of this run's synthetic visits unlike any earlier run's.
  uint64_t run_id = 0;
  // Set: the synthetic visits are one visitor's series (--series_visitor),
  // dated from this day after 2000-01-01 on.
  std::string series_visitor;
  int series_start_day = 0;
  // Calls still to start; unlimited when null (--calls).
  std::atomic<int64_t>* calls_left = nullptr;
};

void SetUpContext(const Workload& workload, grpc::ClientContext* context) {
  // gRPC takes deadlines on the system clock only.
  context->set_deadline(std::chrono::system_clock::now() + workload.deadline);
  if (!workload.api_key.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", workload.api_key));
  }
}

// A CreateVisit of a plainly synthetic visit: a Kazakh official's working
// visit to China on some day of 2024, whose visitor, occasion and citation
// say that it is not a real one. `id` is its visit_id and request_id.
v1::CreateVisitRequest SyntheticVisitRequest(const std::string& id, uint64_t number,
                                             const std::string& series_visitor,
                                             int series_start_day) {
  v1::CreateVisitRequest request;
  request.set_visit_id(id);
  request.set_request_id(id);
  v1::Visit* visit = request.mutable_visit();
  visit->mutable_visitor()->set_name(absl::StrCat("Synthetic Visitor ", number));
  visit->mutable_visitor()->set_office("Deputy Minister of Trade and Integration (synthetic)");
  visit->mutable_visitor()->set_country("countries/KZ");
  visit->set_host_country("countries/CN");
  visit->mutable_start_date()->set_year(2024);
  visit->mutable_start_date()->set_month(static_cast<int>(number % 12) + 1);
  visit->mutable_start_date()->set_day(static_cast<int>(number % 28) + 1);
  if (!series_visitor.empty()) {
    // Day `number` after 2000-01-01, so that each visit is its series' latest.
    const absl::CivilDay day =
        absl::CivilDay(2000, 1, 1) + series_start_day + static_cast<int64_t>(number);
    visit->mutable_visitor()->set_name(series_visitor);
    visit->mutable_start_date()->set_year(static_cast<int>(day.year()));
    visit->mutable_start_date()->set_month(day.month());
    visit->mutable_start_date()->set_day(day.day());
  }
  visit->set_kind(v1::VISIT_KIND_WORKING);
  visit->add_cities("Beijing");
  visit->add_occasions("Synthetic benchmark visit written by bilateral-loadgen; not a real event");
  v1::Citation* citation = visit->add_citations();
  citation->set_source(kSyntheticVisitSource);
  // The source holds its text, which every quote of it must be in; the
  // occasion above says the visit is not real.
  citation->set_quote("for a state visit");
  return request;
}

enum Kind { kRead = 0, kWrite = 1 };

// What one thread saw of one kind of call.
struct KindTally {
  LatencyHistogram latency;           // of the successful calls measured
  std::map<int, uint64_t> errors;     // failed calls measured, by status code
  size_t response_bytes = 0;          // of the latest successful call, measured or not
  Clock::time_point response_time{};  // when that call completed

  void Merge(const KindTally& other) {
    latency.Merge(other.latency);
    for (const auto& [code, count] : other.errors) errors[code] += count;
    if (other.response_time > response_time) {
      response_bytes = other.response_bytes;
      response_time = other.response_time;
    }
  }
};

using Tally = std::array<KindTally, 2>;  // by Kind

// One call in flight; restarted as soon as it completes.
struct Slot {
  grpc::GenericStub* stub = nullptr;
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  grpc::ByteBuffer response;
  grpc::Status status;
  Kind kind = kRead;
  Clock::time_point start;
  bool in_flight = false;
};

// Keeps its slots busy on one completion queue until the measured period
// ends, then cancels the calls still in flight and waits for them.
class Worker {
 public:
  // Worker `index` of `count`.
  Worker(const Workload& workload, int index, int count, std::vector<Slot> slots)
      : workload_(workload),
        index_(index),
        count_(count),
        slots_(std::move(slots)),
        random_(workload.run_id + static_cast<uint64_t>(index)) {}

  void Run() {
    size_t in_flight = 0;
    for (Slot& slot : slots_) {
      if (!TakeCall()) break;
      Start(slot);
      ++in_flight;
    }
    bool ended = false;
    while (in_flight > 0) {
      void* tag = nullptr;
      bool ok = false;
      if (ended) {
        if (!queue_.Next(&tag, &ok)) break;
      } else {
        // Wakes at the end of the period even when no call completes, so
        // that a server that stops answering cannot hold the run.
        const auto wake = std::chrono::system_clock::now() + (workload_.measure_end - Clock::now());
        const auto next = queue_.AsyncNext(&tag, &ok, wake);
        if (next == grpc::CompletionQueue::SHUTDOWN) break;
        if (next == grpc::CompletionQueue::TIMEOUT) {
          if (Clock::now() >= workload_.measure_end) {
            ended = true;
            CancelInFlight();
          }
          continue;
        }
      }
      Slot& slot = *static_cast<Slot*>(tag);
      slot.in_flight = false;
      --in_flight;
      const Clock::time_point now = Clock::now();
      Count(slot, now);
      if (now < workload_.measure_end && TakeCall()) {
        Start(slot);
        ++in_flight;
      } else if (!ended) {
        ended = true;
        CancelInFlight();
      }
    }
    queue_.Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (queue_.Next(&tag, &ok)) {
    }
  }

  const Tally& tally() const { return tally_; }

 private:
  // Whether another call may start (--calls).
  bool TakeCall() {
    return workload_.calls_left == nullptr || workload_.calls_left->fetch_sub(1) > 0;
  }

  void Start(Slot& slot) {
    // The reader lives in the memory of the call its context holds, so it
    // goes first.
    slot.reader.reset();
    slot.context = std::make_unique<grpc::ClientContext>();
    SetUpContext(workload_, slot.context.get());
    const bool write = workload_.write_percent > 0 && percent_(random_) < workload_.write_percent;
    slot.kind = write ? kWrite : kRead;
    slot.start = Clock::now();
    if (write) {
      slot.reader = slot.stub->PrepareUnaryCall(slot.context.get(), create_visit_rpc_,
                                                Serialize(NextSyntheticVisit()), &queue_);
    } else {
      slot.reader = slot.stub->PrepareUnaryCall(slot.context.get(), workload_.read_rpc,
                                                workload_.read_request, &queue_);
    }
    slot.in_flight = true;
    slot.reader->StartCall();
    slot.reader->Finish(&slot.response, &slot.status, &slot);
  }

  // Numbered 1, 2, 3... across the workers of a run.
  v1::CreateVisitRequest NextSyntheticVisit() {
    const uint64_t number = writes_++ * static_cast<uint64_t>(count_) + index_ + 1;
    return SyntheticVisitRequest(absl::StrFormat("synthetic-%016x-%d", workload_.run_id, number),
                                 number, workload_.series_visitor, workload_.series_start_day);
  }

  void Count(const Slot& slot, Clock::time_point now) {
    KindTally& tally = tally_[slot.kind];
    if (slot.status.ok()) {
      tally.response_bytes = slot.response.Length();
      tally.response_time = now;
    }
    if (now < workload_.measure_start || now >= workload_.measure_end) return;
    if (slot.status.ok()) {
      tally.latency.Record(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - slot.start).count());
    } else {
      ++tally.errors[slot.status.error_code()];
    }
  }

  void CancelInFlight() {
    for (Slot& slot : slots_) {
      if (slot.in_flight) slot.context->TryCancel();
    }
  }

  const Workload& workload_;
  const int index_;
  const int count_;
  const std::string create_visit_rpc_ = RpcPath<v1::VisitService>("CreateVisit");
  // Before the slots, so that their calls are released before it is.
  grpc::CompletionQueue queue_;
  std::vector<Slot> slots_;
  std::mt19937_64 random_;
  std::uniform_int_distribution<int> percent_{0, 99};
  uint64_t writes_ = 0;
  Tally tally_;
};

// Makes one call and waits for it: for the page walk, not for measuring.
template <typename Request, typename Response>
grpc::Status CallAndWait(const Workload& workload, grpc::GenericStub& stub, const std::string& rpc,
                         const Request& request, Response* response) {
  grpc::CompletionQueue queue;
  grpc::ClientContext context;
  SetUpContext(workload, &context);
  grpc::ByteBuffer buffer;
  grpc::Status status;
  auto reader = stub.PrepareUnaryCall(&context, rpc, Serialize(request), &queue);
  reader->StartCall();
  reader->Finish(&buffer, &status, nullptr);
  void* tag = nullptr;
  bool ok = false;
  queue.Next(&tag, &ok);
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (status.ok()) status = grpc::SerializationTraits<Response>::Deserialize(&buffer, response);
  return status;
}

// Follows next_page_token from the first page, one call at a time, and
// returns the token of page `depth` ("" for page 1). OUT_OF_RANGE when the
// listing has fewer pages.
template <typename Response, typename Request>
absl::StatusOr<std::string> PageToken(const Workload& workload, grpc::GenericStub& stub,
                                      const std::string& rpc, Request request, int depth) {
  for (int page = 1; page < depth; ++page) {
    Response response;
    const grpc::Status status = CallAndWait(workload, stub, rpc, request, &response);
    if (!status.ok()) {
      return absl::UnavailableError(absl::StrFormat("page %d failed: %s: %s", page,
                                                    StatusCodeName(status.error_code()),
                                                    status.error_message()));
    }
    if (response.next_page_token().empty()) {
      return absl::OutOfRangeError(
          absl::StrFormat("the listing has %d pages of at most %d, fewer than --page_depth %d",
                          page, request.page_size(), depth));
    }
    request.set_page_token(response.next_page_token());
  }
  return request.page_token();
}

// The request every measured list call sends: page `depth` of `request`.
template <typename Response, typename Request>
absl::Status SetListRequest(Workload& workload, grpc::GenericStub& stub, Request request,
                            int depth) {
  request.set_page_size(absl::GetFlag(FLAGS_page_size));
  request.set_filter(absl::GetFlag(FLAGS_filter));
  if constexpr (!std::is_same_v<Request, v1::ListTimelineRequest>) {
    request.set_order_by(absl::GetFlag(FLAGS_order_by));
  }
  auto token = PageToken<Response>(workload, stub, workload.read_rpc, request, depth);
  if (!token.ok()) return token.status();
  request.set_page_token(*token);
  workload.read_request = Serialize(request);
  return absl::OkStatus();
}

// A latency quantile in microseconds, for the output.
std::string Micros(const LatencyHistogram& latency, double quantile) {
  return absl::StrFormat("%.1f", static_cast<double>(latency.Quantile(quantile)) / 1e3);
}

// Failed calls as a JSON object keyed by status code name.
std::string ErrorsJson(const std::map<int, uint64_t>& errors) {
  std::vector<std::string> fields;
  for (const auto& [code, count] : errors) {
    fields.push_back(absl::StrFormat("\"%s\":%d", StatusCodeName(code), count));
  }
  return absl::StrCat("{", absl::StrJoin(fields, ","), "}");
}

// The figures of one kind of call, for the output of --method=mixed.
std::string KindJson(const KindTally& tally, double seconds) {
  return absl::StrFormat(
      "{\"ok\":%d,\"qps\":%.1f,\"latency_us\":{\"p50\":%s,\"p99\":%s},\"errors\":%s,"
      "\"response_bytes\":%d}",
      tally.latency.count(), static_cast<double>(tally.latency.count()) / seconds,
      Micros(tally.latency, 0.5), Micros(tally.latency, 0.99), ErrorsJson(tally.errors),
      tally.response_bytes);
}

int Run() {
  const std::string method = absl::GetFlag(FLAGS_method);
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  const int page_depth = absl::GetFlag(FLAGS_page_depth);
  const bool list = method == "list" || method == "list_trade" || method == "timeline";
  const bool create = method == "create";
  const bool mixed = method == "mixed" || create;
  std::string name = absl::GetFlag(FLAGS_name);
  if (name.empty()) {
    if (method == "get" || mixed) name = "visits/xi-jinping-kz-2024";
    if (method == "relationship" || method == "timeline") name = "relationships/CN-KZ";
  }
  if (method != "get" && method != "get_trade" && method != "relationship" && !list && !mixed) {
    std::cerr << "bilateral-loadgen: --method must be get, list, get_trade, list_trade, "
                 "relationship, timeline, mixed or create\n";
    return 2;
  }
  if (method == "get_trade" && name.empty()) {
    std::cerr << "bilateral-loadgen: --method get_trade needs --name tradeRecords/...\n";
    return 2;
  }
  if (concurrency < 1) {
    std::cerr << "bilateral-loadgen: --concurrency must be at least 1\n";
    return 2;
  }
  if (page_depth < 1 || (page_depth > 1 && !list)) {
    std::cerr << "bilateral-loadgen: --page_depth must be at least 1, and above 1 only for "
                 "list, list_trade and timeline\n";
    return 2;
  }
  const int write_percent = absl::GetFlag(FLAGS_write_percent);
  if (write_percent < 0 || write_percent > 100) {
    std::cerr << "bilateral-loadgen: --write_percent must be 0-100\n";
    return 2;
  }
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  int threads = absl::GetFlag(FLAGS_threads);
  if (threads <= 0) threads = std::min(concurrency, cores);
  threads = std::min(threads, concurrency);
  int channel_count = absl::GetFlag(FLAGS_channels);
  if (channel_count <= 0) channel_count = threads;
  channel_count = std::min(channel_count, concurrency);

  // A local subchannel pool gives each channel a connection of its own.
  const std::string target = absl::GetFlag(FLAGS_target);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (int i = 0; i < channel_count; ++i) {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      std::cerr << "bilateral-loadgen: cannot connect to " << target << "\n";
      return 1;
    }
    stubs.push_back(std::make_unique<grpc::GenericStub>(channel));
    channels.push_back(std::move(channel));
  }

  Workload workload;
  workload.api_key = absl::GetFlag(FLAGS_metadata_api_key);
  workload.deadline = absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_deadline));
  workload.write_percent = create ? 100 : mixed ? write_percent : 0;
  workload.series_visitor = absl::GetFlag(FLAGS_series_visitor);
  workload.series_start_day = absl::GetFlag(FLAGS_series_start_day);
  std::atomic<int64_t> calls_left{absl::GetFlag(FLAGS_calls)};
  if (calls_left.load() > 0) workload.calls_left = &calls_left;
  std::random_device entropy;
  workload.run_id = (static_cast<uint64_t>(entropy()) << 32) | entropy();
  const Clock::time_point walk_start = Clock::now();
  absl::Status prepared = absl::OkStatus();
  if (method == "get" || mixed) {
    workload.read_rpc = RpcPath<v1::VisitService>("GetVisit");
    v1::GetVisitRequest request;
    request.set_name(name);
    workload.read_request = Serialize(request);
  } else if (method == "get_trade") {
    workload.read_rpc = RpcPath<v1::TradeRecordService>("GetTradeRecord");
    v1::GetTradeRecordRequest request;
    request.set_name(name);
    workload.read_request = Serialize(request);
  } else if (method == "relationship") {
    workload.read_rpc = RpcPath<v1::RelationshipService>("GetRelationship");
    v1::GetRelationshipRequest request;
    request.set_name(name);
    workload.read_request = Serialize(request);
  } else if (method == "list") {
    workload.read_rpc = RpcPath<v1::VisitService>("ListVisits");
    prepared = SetListRequest<v1::ListVisitsResponse>(workload, *stubs[0], v1::ListVisitsRequest(),
                                                      page_depth);
  } else if (method == "timeline") {
    workload.read_rpc = RpcPath<v1::RelationshipService>("ListTimeline");
    v1::ListTimelineRequest request;
    request.set_parent(name);
    prepared = SetListRequest<v1::ListTimelineResponse>(workload, *stubs[0], request, page_depth);
  } else {
    workload.read_rpc = RpcPath<v1::TradeRecordService>("ListTradeRecords");
    prepared = SetListRequest<v1::ListTradeRecordsResponse>(
        workload, *stubs[0], v1::ListTradeRecordsRequest(), page_depth);
  }
  if (!prepared.ok()) {
    std::cerr << "bilateral-loadgen: cannot reach page " << page_depth << " of " << method << ": "
              << prepared.message() << "\n";
    return 1;
  }
  const double walk_seconds = std::chrono::duration<double>(Clock::now() - walk_start).count();

  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  workload.measure_start = Clock::now() + absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_warmup));
  workload.measure_end = workload.measure_start + absl::ToChronoNanoseconds(duration);

  // Calls are dealt round-robin to threads, and to channels.
  std::vector<std::vector<Slot>> slots(threads);
  for (int i = 0; i < concurrency; ++i) {
    Slot slot;
    slot.stub = stubs[i % channel_count].get();
    slots[i % threads].push_back(std::move(slot));
  }
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < threads; ++i) {
    workers.push_back(std::make_unique<Worker>(workload, i, threads, std::move(slots[i])));
  }
  std::vector<std::thread> running;
  for (auto& worker : workers) running.emplace_back(&Worker::Run, worker.get());
  for (auto& thread : running) thread.join();

  Tally tally;
  KindTally total;
  for (const auto& worker : workers) {
    for (int kind : {kRead, kWrite}) {
      tally[kind].Merge(worker->tally()[kind]);
      total.Merge(worker->tally()[kind]);
    }
  }

  const double seconds = absl::ToDoubleSeconds(duration);
  const LatencyHistogram& latency = total.latency;
  std::string out = absl::StrFormat(
      "{\"label\":%s,\"target\":%s,\"method\":\"%s\",\"concurrency\":%d,"
      "\"threads\":%d,\"channels\":%d,\"duration_s\":%.3f,\"ok\":%d,"
      "\"qps\":%.1f,\"latency_us\":{\"p50\":%s,\"p90\":%s,\"p99\":%s,"
      "\"p99_9\":%s,\"max\":%s},\"errors\":%s,\"response_bytes\":%d",
      JsonString(absl::GetFlag(FLAGS_label)), JsonString(target), method, concurrency, threads,
      channel_count, seconds, latency.count(), static_cast<double>(latency.count()) / seconds,
      Micros(latency, 0.5), Micros(latency, 0.9), Micros(latency, 0.99), Micros(latency, 0.999),
      Micros(latency, 1.0), ErrorsJson(total.errors), total.response_bytes);
  if (list) {
    absl::StrAppendFormat(&out,
                          ",\"page_size\":%d,\"filter\":%s,\"order_by\":%s,\"page_depth\":%d,"
                          "\"page_walk_s\":%.3f",
                          absl::GetFlag(FLAGS_page_size), JsonString(absl::GetFlag(FLAGS_filter)),
                          JsonString(absl::GetFlag(FLAGS_order_by)), page_depth, walk_seconds);
  } else {
    absl::StrAppend(&out, ",\"name\":", JsonString(name));
  }
  if (mixed) {
    absl::StrAppend(&out, ",\"write_percent\":", workload.write_percent,
                    ",\"reads\":", KindJson(tally[kRead], seconds),
                    ",\"writes\":", KindJson(tally[kWrite], seconds));
  }
  std::cout << out << "}" << std::endl;
  return 0;
}

}  // namespace
}  // namespace bilateral::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "keeps --concurrency calls of --method in flight and prints one JSON line");
  absl::ParseCommandLine(argc, argv);
  return bilateral::bench::Run();
}
