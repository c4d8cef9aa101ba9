// bilateral-loadgen: keeps a fixed number of VisitService calls in flight
// against one target for a warm-up and then a measured period, and prints
// one JSON line: throughput, latency percentiles and failed calls by status
// code. Built on the async (CompletionQueue) API so that a few threads keep
// many calls in flight without a thread per call.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "bilateral/v1/visit.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "host:port of the server");
ABSL_FLAG(std::string, method, "get", "get: GetVisit of --name; list: ListVisits");
ABSL_FLAG(std::string, name, "visits/xi-jinping-kz-2024", "the visit that get asks for");
ABSL_FLAG(int, page_size, 50, "page_size of each list call");
ABSL_FLAG(std::string, filter, "", "filter of each list call");
ABSL_FLAG(int, concurrency, 64, "calls kept in flight");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "how long to measure");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "how long to run before measuring");
ABSL_FLAG(int, threads, 0, "threads polling completion queues; 0: min(concurrency, cores)");
ABSL_FLAG(int, channels, 0,
          "channels (each its own connection) the calls are spread over; 0: one per thread");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(10), "deadline of each call");
ABSL_FLAG(std::string, label, "", "copied into the output, to tell runs apart");

namespace bilateral::bench {
namespace {

using Clock = std::chrono::steady_clock;

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
    const auto rank =
        std::max<uint64_t>(1, static_cast<uint64_t>(quantile * static_cast<double>(count_) + 0.5));
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

const char* StatusCodeName(int code) {
  static constexpr const char* kNames[] = {
      "OK",        "CANCELLED",          "UNKNOWN",        "INVALID_ARGUMENT",
      "DEADLINE_EXCEEDED", "NOT_FOUND",  "ALREADY_EXISTS", "PERMISSION_DENIED",
      "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL",       "UNAVAILABLE",    "DATA_LOSS",
      "UNAUTHENTICATED"};
  if (code < 0 || code > 16) return "UNKNOWN";
  return kNames[code];
}

struct Settings {
  bool list = false;
  v1::GetVisitRequest get;
  v1::ListVisitsRequest list_request;
  Clock::time_point measure_start;
  Clock::time_point measure_end;
  std::chrono::nanoseconds deadline{};
};

// What one thread saw within the measured period.
struct Tally {
  LatencyHistogram latency;
  std::map<int, uint64_t> errors;  // by status code
};

// One call in flight; restarted as soon as it completes.
struct Slot {
  v1::VisitService::Stub* stub = nullptr;
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::Visit>> get_reader;
  std::unique_ptr<grpc::ClientAsyncResponseReader<v1::ListVisitsResponse>> list_reader;
  v1::Visit visit;
  v1::ListVisitsResponse page;
  grpc::Status status;
  Clock::time_point start;
};

void StartCall(const Settings& settings, grpc::CompletionQueue* queue, Slot* slot) {
  slot->context = std::make_unique<grpc::ClientContext>();
  slot->start = Clock::now();
  // gRPC takes deadlines on the system clock only.
  slot->context->set_deadline(std::chrono::system_clock::now() + settings.deadline);
  if (settings.list) {
    slot->list_reader =
        slot->stub->PrepareAsyncListVisits(slot->context.get(), settings.list_request, queue);
    slot->list_reader->StartCall();
    slot->list_reader->Finish(&slot->page, &slot->status, slot);
  } else {
    slot->get_reader = slot->stub->PrepareAsyncGetVisit(slot->context.get(), settings.get, queue);
    slot->get_reader->StartCall();
    slot->get_reader->Finish(&slot->visit, &slot->status, slot);
  }
}

// Keeps `slots` busy until the measured period ends, then waits for the
// calls still in flight and leaves what it measured in `tally`.
void Drive(const Settings& settings, std::vector<Slot>* slots, Tally* tally) {
  grpc::CompletionQueue queue;
  for (Slot& slot : *slots) StartCall(settings, &queue, &slot);
  size_t outstanding = slots->size();
  void* tag = nullptr;
  bool ok = false;
  while (outstanding > 0 && queue.Next(&tag, &ok)) {
    auto* slot = static_cast<Slot*>(tag);
    const Clock::time_point now = Clock::now();
    if (now >= settings.measure_start && now < settings.measure_end) {
      if (slot->status.ok()) {
        tally->latency.Record(
            std::chrono::duration_cast<std::chrono::nanoseconds>(now - slot->start).count());
      } else {
        ++tally->errors[slot->status.error_code()];
      }
    }
    if (now < settings.measure_end) {
      StartCall(settings, &queue, slot);
    } else {
      --outstanding;
    }
  }
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
}

int Run() {
  const std::string method = absl::GetFlag(FLAGS_method);
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  if (method != "get" && method != "list") {
    std::cerr << "bilateral-loadgen: --method must be get or list\n";
    return 2;
  }
  if (concurrency < 1) {
    std::cerr << "bilateral-loadgen: --concurrency must be at least 1\n";
    return 2;
  }
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  int threads = absl::GetFlag(FLAGS_threads);
  if (threads <= 0) threads = std::min(concurrency, cores);
  threads = std::min(threads, concurrency);
  int channel_count = absl::GetFlag(FLAGS_channels);
  if (channel_count <= 0) channel_count = threads;

  // A local subchannel pool gives each channel a connection of its own.
  const std::string target = absl::GetFlag(FLAGS_target);
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<v1::VisitService::Stub>> stubs;
  for (int i = 0; i < channel_count; ++i) {
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel =
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), arguments);
    if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      std::cerr << "bilateral-loadgen: cannot connect to " << target << "\n";
      return 1;
    }
    stubs.push_back(v1::VisitService::NewStub(channel));
    channels.push_back(std::move(channel));
  }

  Settings settings;
  settings.list = method == "list";
  settings.get.set_name(absl::GetFlag(FLAGS_name));
  settings.list_request.set_page_size(absl::GetFlag(FLAGS_page_size));
  settings.list_request.set_filter(absl::GetFlag(FLAGS_filter));
  settings.deadline = absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_deadline));
  const absl::Duration duration = absl::GetFlag(FLAGS_duration);
  settings.measure_start = Clock::now() + absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_warmup));
  settings.measure_end = settings.measure_start + absl::ToChronoNanoseconds(duration);

  // Calls are dealt round-robin to threads, and to channels.
  std::vector<std::vector<Slot>> slots(threads);
  for (int i = 0; i < concurrency; ++i) {
    Slot slot;
    slot.stub = stubs[i % channel_count].get();
    slots[i % threads].push_back(std::move(slot));
  }
  std::vector<Tally> tallies(threads);
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back(Drive, std::cref(settings), &slots[i], &tallies[i]);
  }
  for (auto& worker : workers) worker.join();

  Tally total;
  for (const Tally& tally : tallies) {
    total.latency.Merge(tally.latency);
    for (const auto& [code, count] : tally.errors) total.errors[code] += count;
  }
  const double seconds = absl::ToDoubleSeconds(duration);
  const auto micros = [&](double quantile) {
    return absl::StrFormat("%.1f", static_cast<double>(total.latency.Quantile(quantile)) / 1e3);
  };
  std::vector<std::string> errors;
  for (const auto& [code, count] : total.errors) {
    errors.push_back(absl::StrFormat("\"%s\":%d", StatusCodeName(code), count));
  }
  std::cout << absl::StrFormat(
                   "{\"label\":\"%s\",\"target\":\"%s\",\"method\":\"%s\",\"concurrency\":%d,"
                   "\"threads\":%d,\"channels\":%d,\"duration_s\":%.3f,\"ok\":%d,"
                   "\"qps\":%.1f,\"latency_us\":{\"p50\":%s,\"p90\":%s,\"p99\":%s,"
                   "\"p99_9\":%s,\"max\":%s},\"errors\":{%s}}",
                   absl::CEscape(absl::GetFlag(FLAGS_label)), absl::CEscape(target), method,
                   concurrency, threads, channel_count, seconds, total.latency.count(),
                   static_cast<double>(total.latency.count()) / seconds, micros(0.5),
                   micros(0.9), micros(0.99), micros(0.999), micros(1.0),
                   absl::StrJoin(errors, ","))
            << std::endl;
  return 0;
}

}  // namespace
}  // namespace bilateral::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "keeps --concurrency VisitService calls in flight and prints one JSON line");
  absl::ParseCommandLine(argc, argv);
  return bilateral::bench::Run();
}
