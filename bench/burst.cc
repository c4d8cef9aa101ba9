// bilateral-burst: an overload that must heal. Starts --calls calls at once,
// round-robin GetRelationship of --pair, ListTimeline of --pair and Search
// of --query, each with --deadline, and counts how each one ended. While the
// burst runs, a channel of its own checks the server's health every 20 ms
// and another Gets --visit every 50 ms. When the last call of the burst has
// completed, a Get of --visit on a fresh channel is timed, and the server's
// resident memory (VmRSS of /proc/PID/status of --server_pid) is sampled
// every 100 ms for --settle. Prints one JSON line per round: status codes
// by method, answers later than their deadline, health latency and
// failures, how soon Gets answer again, and RSS idle, at its peak and after
// --settle, and how long it took to come back within 1.5x of idle.
//
// The burst runs on the async (CompletionQueue) API and the generic stub,
// as bilateral-loadgen does: requests are serialized once and responses are
// never parsed, so the client spends little of the CPU it shares with the
// server.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "bilateral/v1/relationship.grpc.pb.h"
#include "bilateral/v1/search.grpc.pb.h"
#include "bilateral/v1/visit.grpc.pb.h"
#include "calls.h"
#include "grpc/health/v1/health.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "host:port of the server");
ABSL_FLAG(int, calls, 3000, "calls started at once in each burst");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(20), "deadline of each call of the burst");
ABSL_FLAG(int, server_pid, 0, "process id of the server, for its resident memory; 0: not measured");
ABSL_FLAG(std::string, pair, "relationships/CN-KZ",
          "the relationship whose dossier (GetRelationship) and timeline (ListTimeline) the "
          "burst asks for");
ABSL_FLAG(std::string, query, "Kazakhstan", "the query of the burst's Search calls");
ABSL_FLAG(std::string, visit, "visits/xi-jinping-kz-2024",
          "the visit that the Gets during and after the burst ask for");
ABSL_FLAG(int, rounds, 1, "bursts, one after another, each followed by --settle");
ABSL_FLAG(int, channels, 16, "connections the burst's calls are spread over");
ABSL_FLAG(absl::Duration, settle, absl::Seconds(10),
          "after each burst, how long resident memory is sampled (every 100 ms)");
ABSL_FLAG(absl::Duration, get_deadline, absl::Seconds(60),
          "deadline of the Get issued when the burst ends");
ABSL_FLAG(std::string, label, "", "copied into the output, to tell runs apart");

namespace bilateral::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kHealthInterval = std::chrono::milliseconds(20);
constexpr auto kHealthDeadline = std::chrono::seconds(2);
constexpr auto kProbeInterval = std::chrono::milliseconds(50);
constexpr auto kRssInterval = std::chrono::milliseconds(100);
// A Get answers "at once" again when it takes less than this.
constexpr auto kFastGet = std::chrono::milliseconds(100);
// Resident memory has come back when it is at most this many times idle.
constexpr double kRssBack = 1.5;

double Millis(Clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}
double Seconds(Clock::duration duration) { return std::chrono::duration<double>(duration).count(); }

std::chrono::system_clock::time_point In(Clock::duration duration) {
  // gRPC takes deadlines on the system clock only.
  return std::chrono::system_clock::now() +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(duration);
}

// A figure with `digits` decimals, or null when there is none.
std::string JsonNumber(std::optional<double> value, int digits) {
  return value ? absl::StrFormat("%.*f", digits, *value) : "null";
}

// VmRSS of process `pid` in KiB; nothing when it cannot be read.
std::optional<int64_t> RssKib(int pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream file(absl::StrCat("/proc/", pid, "/status"));
  std::string key;
  while (file >> key) {
    if (key == "VmRSS:") {
      int64_t kib = 0;
      if (file >> kib) return kib;
      return std::nullopt;
    }
    std::string rest;
    std::getline(file, rest);
  }
  return std::nullopt;
}

double Mib(int64_t kib) { return static_cast<double>(kib) / 1024; }

double Percentile(std::vector<double> values, double quantile) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<size_t>(std::ceil(quantile * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

// One of the burst's kinds of call.
struct Method {
  std::string name;
  std::string rpc;
  grpc::ByteBuffer request;
};

// One call of a burst.
struct Call {
  int method = 0;
  // Before the reader, which lives in the memory of the call the context
  // holds, so that the reader is released first.
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  grpc::ByteBuffer response;
  grpc::Status status;
  Clock::time_point start;
  Clock::time_point deadline;
  Clock::time_point end;
};

struct BurstResult {
  Clock::time_point start;
  Clock::time_point end;                  // when the last call completed
  double issue_ms = 0;                    // how long starting every call took
  std::vector<std::map<int, int>> codes;  // by method, then status code
  std::vector<double> max_ms;             // by method
  int late = 0;        // DEADLINE_EXCEEDED, or any answer after the call's deadline
  int unexpected = 0;  // neither OK nor RESOURCE_EXHAUSTED
};

// Starts `count` calls at once, dealt round-robin to `methods` and to
// `stubs`, and waits until every one has completed.
BurstResult Burst(const std::vector<std::unique_ptr<grpc::GenericStub>>& stubs,
                  const std::vector<Method>& methods, int count, Clock::duration deadline) {
  grpc::CompletionQueue queue;
  std::vector<Call> calls(static_cast<size_t>(count));
  std::thread poller([&queue, count] {
    for (int done = 0; done < count; ++done) {
      void* tag = nullptr;
      bool ok = false;
      if (!queue.Next(&tag, &ok)) break;
      static_cast<Call*>(tag)->end = Clock::now();
    }
  });
  BurstResult result;
  result.start = Clock::now();
  for (int i = 0; i < count; ++i) {
    Call& call = calls[static_cast<size_t>(i)];
    call.method = i % static_cast<int>(methods.size());
    call.context = std::make_unique<grpc::ClientContext>();
    call.start = Clock::now();
    call.deadline = call.start + deadline;
    call.context->set_deadline(In(deadline));
    const Method& method = methods[static_cast<size_t>(call.method)];
    call.reader = stubs[static_cast<size_t>(i) % stubs.size()]->PrepareUnaryCall(
        call.context.get(), method.rpc, method.request, &queue);
    call.reader->StartCall();
    call.reader->Finish(&call.response, &call.status, &call);
  }
  result.issue_ms = Millis(Clock::now() - result.start);
  poller.join();
  queue.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (queue.Next(&tag, &ok)) {
  }

  result.codes.resize(methods.size());
  result.max_ms.resize(methods.size());
  result.end = result.start;
  for (const Call& call : calls) {
    const auto method = static_cast<size_t>(call.method);
    const grpc::StatusCode code = call.status.error_code();
    ++result.codes[method][code];
    result.max_ms[method] = std::max(result.max_ms[method], Millis(call.end - call.start));
    result.end = std::max(result.end, call.end);
    if (code == grpc::StatusCode::DEADLINE_EXCEEDED || call.end > call.deadline) ++result.late;
    if (code != grpc::StatusCode::OK && code != grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++result.unexpected;
    }
  }
  return result;
}

// Runs `step` on a thread of its own every `interval` (start to start; at
// once after a step that took longer) until stopped.
class Every {
 public:
  template <typename Step>
  Every(Clock::duration interval, Step step)
      : thread_([this, interval, step]() mutable {
          while (!stop_.load()) {
            const Clock::time_point start = Clock::now();
            step(start);
            absl::MutexLock lock(&mu_);
            mu_.AwaitWithTimeout(absl::Condition(&stopping_),
                                 absl::FromChrono(interval - (Clock::now() - start)));
          }
        }) {}
  ~Every() { Stop(); }
  Every(const Every&) = delete;
  Every& operator=(const Every&) = delete;

  void Stop() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }

 private:
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;  // last: it starts once the rest is set up
};

// One timed call of a probe.
struct Sample {
  Clock::time_point start;
  Clock::time_point end;
  bool ok = false;
};

std::shared_ptr<grpc::Channel> Connect(const std::string& target) {
  grpc::ChannelArguments arguments;
  // A connection of its own, not shared with the other channels.
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments);
}

// A Get of `visit` on `stub`, timed.
Sample GetVisit(v1::VisitService::Stub& stub, const std::string& visit, Clock::duration deadline,
                grpc::StatusCode* code = nullptr) {
  grpc::ClientContext context;
  context.set_deadline(In(deadline));
  v1::GetVisitRequest request;
  request.set_name(visit);
  v1::Visit response;
  Sample sample;
  sample.start = Clock::now();
  const grpc::Status status = stub.GetVisit(&context, request, &response);
  sample.end = Clock::now();
  sample.ok = status.ok();
  if (code != nullptr) *code = status.error_code();
  return sample;
}

// One call of each kind, one at a time, so that a wrong name or query fails
// the run before the burst rather than showing up as its errors.
bool WarmUp(const std::shared_ptr<grpc::Channel>& channel, const std::string& pair,
            const std::string& query, const std::string& visit) {
  auto check = [](const char* what, const grpc::Status& status) {
    if (status.ok()) return true;
    std::cerr << "bilateral-burst: " << what << " failed: " << StatusCodeName(status.error_code())
              << ": " << status.error_message() << "\n";
    return false;
  };
  auto relationships = v1::RelationshipService::NewStub(channel);
  auto search = v1::SearchService::NewStub(channel);
  auto visits = v1::VisitService::NewStub(channel);
  constexpr auto kPatience = std::chrono::seconds(30);
  {
    grpc::ClientContext context;
    context.set_deadline(In(kPatience));
    v1::GetRelationshipRequest request;
    request.set_name(pair);
    v1::Relationship response;
    if (!check("GetRelationship", relationships->GetRelationship(&context, request, &response))) {
      return false;
    }
  }
  {
    grpc::ClientContext context;
    context.set_deadline(In(kPatience));
    v1::ListTimelineRequest request;
    request.set_parent(pair);
    v1::ListTimelineResponse response;
    if (!check("ListTimeline", relationships->ListTimeline(&context, request, &response))) {
      return false;
    }
  }
  {
    grpc::ClientContext context;
    context.set_deadline(In(kPatience));
    v1::SearchRequest request;
    request.set_query(query);
    v1::SearchResponse response;
    if (!check("Search", search->Search(&context, request, &response))) return false;
    if (response.results_size() == 0) {
      std::cerr << "bilateral-burst: Search of '" << query << "' finds nothing\n";
      return false;
    }
  }
  grpc::StatusCode code = grpc::StatusCode::OK;
  GetVisit(*visits, visit, kPatience, &code);
  return check("GetVisit", grpc::Status(code, ""));
}

std::string CodesJson(const std::vector<Method>& methods, const BurstResult& burst) {
  std::vector<std::string> by_method;
  for (size_t i = 0; i < methods.size(); ++i) {
    std::vector<std::string> codes;
    for (const auto& [code, count] : burst.codes[i]) {
      codes.push_back(absl::StrFormat("\"%s\":%d", StatusCodeName(code), count));
    }
    by_method.push_back(absl::StrFormat("\"%s\":{%s}", methods[i].name, absl::StrJoin(codes, ",")));
  }
  return absl::StrCat("{", absl::StrJoin(by_method, ","), "}");
}

std::string MaxMsJson(const std::vector<Method>& methods, const BurstResult& burst) {
  std::vector<std::string> fields;
  for (size_t i = 0; i < methods.size(); ++i) {
    fields.push_back(absl::StrFormat("\"%s\":%.1f", methods[i].name, burst.max_ms[i]));
  }
  return absl::StrCat("{", absl::StrJoin(fields, ","), "}");
}

int Run() {
  const std::string target = absl::GetFlag(FLAGS_target);
  const int count = absl::GetFlag(FLAGS_calls);
  const int rounds = absl::GetFlag(FLAGS_rounds);
  const int channel_count = absl::GetFlag(FLAGS_channels);
  const int pid = absl::GetFlag(FLAGS_server_pid);
  const std::string pair = absl::GetFlag(FLAGS_pair);
  const std::string query = absl::GetFlag(FLAGS_query);
  const std::string visit = absl::GetFlag(FLAGS_visit);
  const auto deadline = absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_deadline));
  const auto settle = absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_settle));
  const auto get_deadline = absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_get_deadline));
  if (count < 1 || rounds < 1 || channel_count < 1) {
    std::cerr << "bilateral-burst: --calls, --rounds and --channels must be at least 1\n";
    return 2;
  }
  if (pid > 0 && !RssKib(pid)) {
    std::cerr << "bilateral-burst: cannot read the resident memory of process " << pid << "\n";
    return 2;
  }

  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (int i = 0; i < channel_count; ++i) {
    auto channel = Connect(target);
    if (!channel->WaitForConnected(In(std::chrono::seconds(10)))) {
      std::cerr << "bilateral-burst: cannot connect to " << target << "\n";
      return 1;
    }
    stubs.push_back(std::make_unique<grpc::GenericStub>(channel));
    channels.push_back(std::move(channel));
  }
  if (!WarmUp(channels[0], pair, query, visit)) return 1;

  std::vector<Method> methods(3);
  {
    methods[0].name = "GetRelationship";
    methods[0].rpc = RpcPath<v1::RelationshipService>("GetRelationship");
    v1::GetRelationshipRequest request;
    request.set_name(pair);
    methods[0].request = Serialize(request);
  }
  {
    methods[1].name = "ListTimeline";
    methods[1].rpc = RpcPath<v1::RelationshipService>("ListTimeline");
    v1::ListTimelineRequest request;
    request.set_parent(pair);
    methods[1].request = Serialize(request);
  }
  {
    methods[2].name = "Search";
    methods[2].rpc = RpcPath<v1::SearchService>("Search");
    v1::SearchRequest request;
    request.set_query(query);
    methods[2].request = Serialize(request);
  }

  // Idle: after the warm-up calls, once the server has had a moment.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const std::optional<int64_t> idle_kib = RssKib(pid);

  for (int round = 1; round <= rounds; ++round) {
    absl::Mutex mu;
    std::vector<double> health_ms;
    int health_failures = 0;
    std::vector<Sample> probes;
    std::vector<std::pair<Clock::time_point, int64_t>> rss;

    // Connected before the burst, so that their first calls time no handshake.
    auto health_channel = Connect(target);
    auto probe_channel = Connect(target);
    if (!health_channel->WaitForConnected(In(std::chrono::seconds(10))) ||
        !probe_channel->WaitForConnected(In(std::chrono::seconds(10)))) {
      std::cerr << "bilateral-burst: cannot connect to " << target << "\n";
      return 1;
    }
    auto health = grpc::health::v1::Health::NewStub(health_channel);
    auto probe_visits = v1::VisitService::NewStub(probe_channel);
    const Clock::time_point round_start = Clock::now();
    auto rss_sampler = std::make_unique<Every>(kRssInterval, [&](Clock::time_point now) {
      const std::optional<int64_t> kib = RssKib(pid);
      absl::MutexLock lock(&mu);
      if (kib) rss.emplace_back(now, *kib);
    });
    auto health_checker = std::make_unique<Every>(kHealthInterval, [&](Clock::time_point) {
      grpc::ClientContext context;
      context.set_deadline(In(kHealthDeadline));
      grpc::health::v1::HealthCheckRequest request;  // service "": the server as a whole
      grpc::health::v1::HealthCheckResponse response;
      const Clock::time_point start = Clock::now();
      const grpc::Status status = health->Check(&context, request, &response);
      const double ms = Millis(Clock::now() - start);
      absl::MutexLock lock(&mu);
      health_ms.push_back(ms);
      if (!status.ok() || response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
        ++health_failures;
      }
    });
    auto prober = std::make_unique<Every>(kProbeInterval, [&](Clock::time_point) {
      const Sample sample = GetVisit(*probe_visits, visit, deadline);
      absl::MutexLock lock(&mu);
      probes.push_back(sample);
    });

    const BurstResult burst = Burst(stubs, methods, count, deadline);
    // The burst is over: health is measured through it only, and a Get on a
    // new connection (its handshake included) shows how soon the server
    // answers again.
    health_checker->Stop();
    grpc::StatusCode get_code = grpc::StatusCode::OK;
    const Sample get_after = [&] {
      auto visits = v1::VisitService::NewStub(Connect(target));
      return GetVisit(*visits, visit, get_deadline, &get_code);
    }();
    std::this_thread::sleep_until(burst.end + settle);
    rss_sampler->Stop();
    prober->Stop();

    absl::MutexLock lock(&mu);
    // Gets during and after the burst: when the first one answered, and how
    // soon after the burst one started that answered within kFastGet.
    std::optional<double> first_get_ok_s;
    std::optional<double> fast_again_s;
    for (const Sample& sample : probes) {
      if (!sample.ok) continue;
      if (sample.start >= burst.start && !first_get_ok_s) {
        first_get_ok_s = Seconds(sample.end - burst.start);
      }
      if (sample.start >= burst.end && sample.end - sample.start < kFastGet && !fast_again_s) {
        fast_again_s = Seconds(sample.end - burst.end);
      }
    }
    // The get after the burst counts as a probe too.
    if (get_after.ok && get_after.end - get_after.start < kFastGet) {
      const double s = Seconds(get_after.end - burst.end);
      if (!fast_again_s || s < *fast_again_s) fast_again_s = s;
    }
    std::optional<double> peak_mib;
    std::optional<double> settled_mib;
    std::optional<double> back_s;
    for (const auto& [when, kib] : rss) {
      peak_mib = std::max(peak_mib.value_or(0), Mib(kib));
      if (when < burst.end || when > burst.end + settle) continue;
      settled_mib = Mib(kib);  // the last sample within --settle
      if (idle_kib && !back_s &&
          static_cast<double>(kib) <= kRssBack * static_cast<double>(*idle_kib)) {
        back_s = Seconds(when - burst.end);
      }
    }
    const std::optional<double> idle_mib =
        idle_kib ? std::optional<double>(Mib(*idle_kib)) : std::nullopt;
    std::cout << absl::StrFormat(
                     "{\"label\":%s,\"target\":%s,\"round\":%d,\"calls\":%d,\"channels\":%d,"
                     "\"deadline_s\":%.3f,\"issue_ms\":%.1f,\"burst_s\":%.3f,\"codes\":%s,"
                     "\"max_ms\":%s,\"late\":%d,\"unexpected\":%d,\"health_checks\":%d,"
                     "\"health_failures\":%d,\"health_max_ms\":%.1f,\"health_p99_ms\":%.1f,"
                     "\"get_after_burst_ms\":%.1f,\"get_after_burst_code\":\"%s\","
                     "\"first_get_ok_s\":%s,\"gets_fast_again_s\":%s,\"probes\":%d,"
                     "\"rss_idle_mib\":%s,\"rss_peak_mib\":%s,\"rss_settled_mib\":%s,"
                     "\"settle_s\":%.1f,\"rss_back_s\":%s,\"round_s\":%.1f}",
                     JsonString(absl::GetFlag(FLAGS_label)), JsonString(target), round, count,
                     channel_count, Seconds(deadline), burst.issue_ms,
                     Seconds(burst.end - burst.start), CodesJson(methods, burst),
                     MaxMsJson(methods, burst), burst.late, burst.unexpected,
                     static_cast<int>(health_ms.size()), health_failures,
                     health_ms.empty() ? 0 : *std::max_element(health_ms.begin(), health_ms.end()),
                     Percentile(health_ms, 0.99), Millis(get_after.end - get_after.start),
                     StatusCodeName(get_code), JsonNumber(first_get_ok_s, 3),
                     JsonNumber(fast_again_s, 3), static_cast<int>(probes.size()),
                     JsonNumber(idle_mib, 1), JsonNumber(peak_mib, 1), JsonNumber(settled_mib, 1),
                     Seconds(settle), JsonNumber(back_s, 1), Seconds(Clock::now() - round_start))
              << std::endl;
  }
  return 0;
}

}  // namespace
}  // namespace bilateral::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "starts --calls dossier, timeline and search calls at once and prints, as one JSON line, "
      "how they ended and how the server recovered");
  absl::ParseCommandLine(argc, argv);
  return bilateral::bench::Run();
}
