// bilateral-echo: a plain gRPC server with VisitService's method shapes that
// answers every GetVisit with one fixed, preloaded visit, and every
// ListVisits with page_size copies of it. It does no storage, validation or
// call guarding, so it is the ceiling bilateral-server's Get is measured
// against (docs/adr/0001-threading-and-storage.md). It uses the callback
// API and the same libraries as the real server.
#include <grpcpp/grpcpp.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "bilateral/v1/visit.grpc.pb.h"
#include "google/protobuf/util/time_util.h"
#include "server/seed.h"
#include "store/hash.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0", "host:port to serve on; port 0 picks a free port");
ABSL_FLAG(std::string, port_file, "",
          "if set, write the bound port to this file once serving");
ABSL_FLAG(int64_t, payload_bytes, -1,
          "serialized size of the visit answered; -1: the size of the seed visit "
          "visits/xi-jinping-kz-2024 as bilateral-server returns it");

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
      const auto now = google::protobuf::util::TimeUtil::GetCurrentTime();
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

class EchoVisitService final : public v1::VisitService::CallbackService {
 public:
  explicit EchoVisitService(v1::Visit visit) : visit_(std::move(visit)) {}

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

  const v1::Visit visit_;
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
  EchoVisitService service(std::move(*visit));
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
      "a plain gRPC server answering VisitService.GetVisit with a fixed visit");
  absl::ParseCommandLine(argc, argv);
  return bilateral::bench::Run();
}
