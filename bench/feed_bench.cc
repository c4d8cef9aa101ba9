// bilateral-feedbench: what the change feed costs the server per write.
// Opens --watchers WatchChanges streams that read everything, and
// --idle_streams more that never read; then creates --writes sources one at a
// time and waits until every watcher has seen every one. Prints one JSON
// line: the server's CPU time per write (from /proc/PID/stat of
// --server_pid), the write latency and the delivery lag (from a write's
// acknowledgement to its arrival at the last watcher).
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bilateral/v1/change.grpc.pb.h"
#include "bilateral/v1/source.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "host:port of the server");
ABSL_FLAG(int, server_pid, 0, "process id of the server, for its CPU time");
ABSL_FLAG(int, watchers, 64, "streams that read every change");
ABSL_FLAG(int, idle_streams, 0, "streams opened that never read");
ABSL_FLAG(int, writes, 300, "sources created, one at a time");
ABSL_FLAG(std::string, label, "", "copied into the output, to tell runs apart");

namespace {

namespace v1 = bilateral::v1;

// User plus system CPU time of a process so far.
absl::Duration CpuTime(int pid) {
  std::ifstream file(absl::StrCat("/proc/", pid, "/stat"));
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  // Fields after the command name, which is in parentheses and may hold spaces.
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; rest >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) {
      stime = std::stoll(field);
      break;
    }
  }
  return absl::Seconds(static_cast<double>(utime + stime) / sysconf(_SC_CLK_TCK));
}

double Percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(q * values.size()))];
}

// A stream of the sources' changes that reads everything and notes when
// each change arrived.
class Watcher {
 public:
  Watcher(v1::ChangeService::Stub& stub, int expected) : arrivals_(expected) {
    v1::WatchChangesRequest request;
    request.add_collections("sources");
    reader_ = stub.WatchChanges(&context_, request);
    reader_->WaitForInitialMetadata();
    thread_ = std::thread([this] { Read(); });
  }
  ~Watcher() {
    context_.TryCancel();
    thread_.join();
  }
  int received() const { return received_.load(); }
  absl::Time arrival(int i) const { return arrivals_[i]; }

 private:
  void Read() {
    v1::WatchChangesResponse response;
    while (reader_->Read(&response)) {
      const absl::Time now = absl::Now();
      for (int i = 0; i < response.events_size(); ++i) {
        const int n = received_.load();
        if (n < static_cast<int>(arrivals_.size())) arrivals_[n] = now;
        received_.store(n + 1);
      }
    }
    reader_->Finish();
  }

  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::WatchChangesResponse>> reader_;
  std::vector<absl::Time> arrivals_;
  std::atomic<int> received_{0};
  std::thread thread_;
};

// A stream that is opened and never read.
struct IdleStream {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::WatchChangesResponse>> reader;
};

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("the server's CPU time per write with change streams open");
  absl::ParseCommandLine(argc, argv);
  const int pid = absl::GetFlag(FLAGS_server_pid);
  const int writes = absl::GetFlag(FLAGS_writes);
  if (pid <= 0 || writes <= 0) {
    std::cerr << "feedbench: --server_pid and a positive --writes are required\n";
    return 2;
  }
  std::vector<std::unique_ptr<v1::ChangeService::Stub>> stubs;
  for (int i = 0; i < 8; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.channel_id", i);  // a connection each
    stubs.push_back(v1::ChangeService::NewStub(grpc::CreateCustomChannel(
        absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials(), args)));
  }
  std::vector<std::unique_ptr<IdleStream>> idle;
  for (int i = 0; i < absl::GetFlag(FLAGS_idle_streams); ++i) {
    auto stream = std::make_unique<IdleStream>();
    stream->reader =
        stubs[i % stubs.size()]->WatchChanges(&stream->context, v1::WatchChangesRequest());
    stream->reader->WaitForInitialMetadata();
    idle.push_back(std::move(stream));
  }
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int i = 0; i < absl::GetFlag(FLAGS_watchers); ++i) {
    watchers.push_back(std::make_unique<Watcher>(*stubs[i % stubs.size()], writes));
  }
  absl::SleepFor(absl::Milliseconds(500));  // every stream waits

  auto sources = v1::SourceService::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials()));
  const absl::Duration cpu_before = CpuTime(pid);
  const absl::Time start = absl::Now();
  std::vector<absl::Time> acknowledged(writes);
  std::vector<double> write_ms;
  int failed = 0;
  for (int i = 0; i < writes; ++i) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    v1::CreateSourceRequest request;
    request.mutable_source()->set_title(absl::StrCat("feed benchmark ", i));
    request.mutable_source()->set_description(std::string(1000, 'a' + i % 26));
    v1::Source created;
    const absl::Time before = absl::Now();
    if (!sources->CreateSource(&context, request, &created).ok()) ++failed;
    acknowledged[i] = absl::Now();
    write_ms.push_back(absl::ToDoubleMilliseconds(acknowledged[i] - before));
  }
  const absl::Time give_up = absl::Now() + absl::Minutes(5);
  auto delivered = [&] {
    for (const auto& watcher : watchers) {
      if (watcher->received() < writes - failed) return false;
    }
    return true;
  };
  while (!delivered() && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(2));
  const absl::Duration elapsed = absl::Now() - start;
  const absl::Duration cpu = CpuTime(pid) - cpu_before;
  std::vector<double> lag_ms;
  for (int i = 0; i < writes - failed && !watchers.empty(); ++i) {
    absl::Time last = absl::InfinitePast();
    for (const auto& watcher : watchers) {
      if (watcher->received() > i) last = std::max(last, watcher->arrival(i));
    }
    lag_ms.push_back(absl::ToDoubleMilliseconds(last - acknowledged[i]));
  }
  std::cout << absl::StrFormat(
      "{\"label\": \"%s\", \"watchers\": %d, \"idle_streams\": %d, \"writes\": %d, "
      "\"failed_writes\": %d, \"delivered\": %s, \"elapsed_s\": %.3f, "
      "\"cpu_ms_per_write\": %.3f, \"write_ms_p50\": %.3f, \"lag_ms_p50\": %.3f, "
      "\"lag_ms_max\": %.3f}\n",
      absl::GetFlag(FLAGS_label), static_cast<int>(watchers.size()), static_cast<int>(idle.size()),
      writes, failed, delivered() ? "true" : "false", absl::ToDoubleSeconds(elapsed),
      absl::ToDoubleMilliseconds(cpu) / writes, Percentile(write_ms, 0.5), Percentile(lag_ms, 0.5),
      Percentile(lag_ms, 1.0));
  for (auto& stream : idle) stream->context.TryCancel();
  return failed == 0 && delivered() ? 0 : 1;
}
