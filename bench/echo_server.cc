// bilateral-echo: a plain gRPC server with VisitService's method shapes that
// answers every GetVisit with one fixed, preloaded visit, and every
// ListVisits with page_size copies of it, optionally padded to a given page
// size in bytes. It does no storage, validation or call guarding, so it is
// the ceiling bilateral-server's Get and List are measured against
// (docs/adr/0001-threading-and-storage.md). It uses the callback API and the
// same libraries as the real server.
#include <grpcpp/grpcpp.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "bilateral/v1/visit.grpc.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/util/time_util.h"
#include "server/seed.h"
#include "store/hash.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0", "host:port to serve on; port 0 picks a free port");
ABSL_FLAG(std::string, port_file, "", "if set, write the bound port to this file once serving");
ABSL_FLAG(int64_t, payload_bytes, -1,
          "serialized size of the visit answered; -1: the size of the seed visit "
          "visits/xi-jinping-kz-2024 as bilateral-server returns it");
ABSL_FLAG(int64_t, list_response_bytes, -1,
          "serialized size of each ListVisits response: its page_size visits are padded "
          "alike to add up to it; -1: page_size copies of the visit GetVisit answers");

namespace bilateral::bench {
namespace {

constexpr char kSeedVisit[] = "visits/xi-jinping-kz-2024";
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;

// The seed visit with the fields the server fills in on a stored record
// (ordinal, timestamps, etag), so that its size is the size of a real answer.
absl::StatusOr<v1::Visit> StoredSeedVisit() {
  for (const auto& [file, text] : server::EmbeddedSeedFiles()) {
    auto dataset = server::ParseDataset(text, file);
    if (!dataset.ok()) return dataset.status();
    for (const v1::Visit& visit : dataset->visits()) {
      if (visit.name() != kSeedVisit) continue;
      v1::Visit stored = visit;
      stored.set_computed_ordinal(visit.reported_ordinal());
      // Microseconds, as the store keeps them: a timestamp without a
      // fraction would serialize 6 bytes shorter.
      const auto now = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
          absl::ToUnixMicros(absl::Now()));
      *stored.mutable_create_time() = now;
      *stored.mutable_update_time() = now;
      stored.set_etag(store::MakeEtag(stored.SerializeAsString(), 1));
      return stored;
    }
  }
  return absl::NotFoundError(absl::StrCat(kSeedVisit, " is not in the seed data"));
}

// `visit` grown or shrunk to `target` serialized bytes: shrinking keeps only
// the name, growing pads one extra outcome. Exact except when `target` is
// below the size of the name alone, or one byte past a size reachable.
v1::Visit Resized(v1::Visit visit, size_t target) {
  if (visit.ByteSizeLong() > target) {
    v1::Visit named;
    named.set_name(visit.name());
    visit = std::move(named);
  }
  if (visit.ByteSizeLong() >= target) return visit;
  std::string* padding = visit.add_outcomes();
  // The length prefix grows with the padding, so settle in two passes.
  while (visit.ByteSizeLong() < target) padding->append(target - visit.ByteSizeLong(), 'x');
  while (visit.ByteSizeLong() > target && !padding->empty()) padding->pop_back();
  return visit;
}

// The largest serialized visit that, as one entry of a repeated field (a tag
// byte and a length prefix besides), takes at most `entry_bytes`.
size_t VisitBytesInEntry(size_t entry_bytes) {
  size_t visit_bytes = entry_bytes > 2 ? entry_bytes - 2 : 0;
  while (visit_bytes > 0 &&
         1 + google::protobuf::io::CodedOutputStream::VarintSize64(visit_bytes) + visit_bytes >
             entry_bytes) {
    --visit_bytes;
  }
  return visit_bytes;
}

// A page of `count` copies of `visit`, each padded or trimmed so that the
// page serializes to `target` bytes: within a byte or so when every visit
// can be that size, more when `target` is too small for `count` names.
v1::ListVisitsResponse PageOfSize(const v1::Visit& visit, int count, size_t target) {
  const size_t entry_bytes = target / static_cast<size_t>(count);
  const size_t longer_entries = target % static_cast<size_t>(count);
  const v1::Visit shorter = Resized(visit, VisitBytesInEntry(entry_bytes));
  const v1::Visit longer = Resized(visit, VisitBytesInEntry(entry_bytes + 1));
  v1::ListVisitsResponse page;
  page.mutable_visits()->Reserve(count);
  for (int i = 0; i < count; ++i) {
    *page.add_visits() = static_cast<size_t>(i) < longer_entries ? longer : shorter;
  }
  return page;
}

class EchoVisitService final : public v1::VisitService::CallbackService {
 public:
  // `list_response_bytes` < 0: ListVisits answers plain copies of `visit`.
  EchoVisitService(v1::Visit visit, int64_t list_response_bytes)
      : visit_(std::move(visit)), list_response_bytes_(list_response_bytes) {}

  grpc::ServerUnaryReactor* GetVisit(grpc::CallbackServerContext* context,
                                     const v1::GetVisitRequest* request,
                                     v1::Visit* response) override {
    *response = visit_;
    return Finish(context);
  }

  grpc::ServerUnaryReactor* ListVisits(grpc::CallbackServerContext* context,
                                       const v1::ListVisitsRequest* request,
                                       v1::ListVisitsResponse* response) override {
    int count = request->page_size() > 0 ? request->page_size() : kDefaultPageSize;
    if (count > kMaxPageSize) count = kMaxPageSize;
    if (list_response_bytes_ >= 0) {
      *response = SizedPage(count);
      return Finish(context);
    }
    response->mutable_visits()->Reserve(count);
    for (int i = 0; i < count; ++i) *response->add_visits() = visit_;
    return Finish(context);
  }

 private:
  static grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  // The page of `count` visits that is list_response_bytes_ long, made on
  // the first request for that many.
  const v1::ListVisitsResponse& SizedPage(int count) {
    {
      absl::ReaderMutexLock lock(&pages_mu_);
      auto it = pages_.find(count);
      if (it != pages_.end()) return *it->second;
    }
    absl::MutexLock lock(&pages_mu_);
    auto& page = pages_[count];
    if (page == nullptr) {
      page = std::make_unique<const v1::ListVisitsResponse>(
          PageOfSize(visit_, count, static_cast<size_t>(list_response_bytes_)));
      std::cerr << "bilateral-echo: a page of " << count << " visits is " << page->ByteSizeLong()
                << " bytes (" << list_response_bytes_ << " asked)\n";
    }
    return *page;
  }

  const v1::Visit visit_;
  const int64_t list_response_bytes_;
  absl::Mutex pages_mu_;
  // Pages never change once made, so references to them outlive the lock.
  std::map<int, std::unique_ptr<const v1::ListVisitsResponse>> pages_ ABSL_GUARDED_BY(pages_mu_);
};

int Run() {
  auto visit = StoredSeedVisit();
  if (!visit.ok()) {
    std::cerr << "bilateral-echo: " << visit.status() << "\n";
    return 1;
  }
  const int64_t payload_bytes = absl::GetFlag(FLAGS_payload_bytes);
  if (payload_bytes >= 0) *visit = Resized(std::move(*visit), static_cast<size_t>(payload_bytes));

  // Signals are taken by sigwait below; gRPC's threads inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const size_t answer_bytes = visit->ByteSizeLong();
  EchoVisitService service(std::move(*visit), absl::GetFlag(FLAGS_list_response_bytes));
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen), grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::cerr << "bilateral-echo: cannot listen on " << absl::GetFlag(FLAGS_listen) << "\n";
    return 1;
  }
  std::cerr << "bilateral-echo: serving on port " << port << ", visit of " << answer_bytes
            << " bytes\n";

  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty()) {
    // Written whole under another name first, so a reader never sees half.
    const std::string temp = absl::StrCat(port_file, ".tmp");
    std::ofstream(temp) << port << "\n";
    std::rename(temp.c_str(), port_file.c_str());
  }

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  server->Shutdown();
  server->Wait();
  return 0;
}

}  // namespace
}  // namespace bilateral::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "a plain gRPC server answering VisitService.GetVisit and ListVisits with fixed visits");
  absl::ParseCommandLine(argc, argv);
  return bilateral::bench::Run();
}
