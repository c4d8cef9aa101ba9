// A fault-injecting, in-process stand-in for a bilateral server, for the
// SDK's tests: VisitService, TradeRecordService.ImportTradeRecords and the
// read-only FindingService on a free loopback port. It answers from fixed
// lists of visits and findings, fails the calls a test scripts it to fail,
// and records what each call brought.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bilateral/v1/finding.grpc.pb.h"
#include "bilateral/v1/trade.grpc.pb.h"
#include "bilateral/v1/visit.grpc.pb.h"

namespace bilateral::testing {

// Unsets the environment variables the SDK reads, so that a developer's
// own settings cannot reach a test.
inline void ClearSdkEnvironment() {
  for (const char* name : {"BILATERAL_ENDPOINT", "BILATERAL_API_KEY", "BILATERAL_TLS_CA_FILE",
                           "BILATERAL_TLS_CERT_FILE", "BILATERAL_TLS_KEY_FILE"}) {
    unsetenv(name);
  }
}

// What one call brought to the fake.
struct ReceivedCall {
  std::string method;                             // "GetVisit", "ListVisits", ...
  std::string authorization;                      // the metadata's value; "" when absent
  std::string user_agent;                         // the user-agent metadata's value
  std::string request_id;                         // of a CreateVisit
  std::string page_token;                         // of a ListVisits or ListFindings
  std::string filter;                             // of a ListFindings
  std::string peer_common_name;                   // of the client certificate under mutual TLS
  std::chrono::system_clock::duration time_left;  // until the call's deadline
};

class FakeVisitService final : public v1::VisitService::Service,
                               public v1::TradeRecordService::Service,
                               public v1::FindingService::Service {
 public:
  // Visits "visits/v0" .. "visits/v{count-1}", and as many findings
  // "findings/f0" .., listed two per page.
  static constexpr int kVisitCount = 5;
  static constexpr int kPageSize = 2;

  // The next calls, whatever their method, fail with `codes` in order (OK
  // lets a call through); later calls succeed.
  void Script(std::vector<grpc::StatusCode> codes) {
    absl::MutexLock lock(&mu_);
    script_.assign(codes.begin(), codes.end());
  }
  // The next `count` calls fail with `code`.
  void FailNext(int count, grpc::StatusCode code) {
    Script(std::vector<grpc::StatusCode>(static_cast<size_t>(count), code));
  }

  std::vector<ReceivedCall> calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

  grpc::Status GetVisit(grpc::ServerContext* context, const v1::GetVisitRequest* request,
                        v1::Visit* response) override {
    if (auto failed = Receive("GetVisit", context); !failed.ok()) return failed;
    response->set_name(request->name());
    return grpc::Status::OK;
  }

  grpc::Status ListVisits(grpc::ServerContext* context, const v1::ListVisitsRequest* request,
                          v1::ListVisitsResponse* response) override {
    if (auto failed = Receive("ListVisits", context,
                              [&](ReceivedCall& call) { call.page_token = request->page_token(); });
        !failed.ok()) {
      return failed;
    }
    FillPage(request->page_token(), "visits/v", *response->mutable_visits(), response);
    return grpc::Status::OK;
  }

  grpc::Status CreateVisit(grpc::ServerContext* context, const v1::CreateVisitRequest* request,
                           v1::Visit* response) override {
    if (auto failed = Receive("CreateVisit", context,
                              [&](ReceivedCall& call) { call.request_id = request->request_id(); });
        !failed.ok()) {
      return failed;
    }
    *response = request->visit();
    response->set_name(absl::StrCat("visits/", request->visit_id()));
    return grpc::Status::OK;
  }

  grpc::Status UpdateVisit(grpc::ServerContext* context, const v1::UpdateVisitRequest* request,
                           v1::Visit* response) override {
    if (auto failed = Receive("UpdateVisit", context); !failed.ok()) return failed;
    *response = request->visit();
    return grpc::Status::OK;
  }

  grpc::Status DeleteVisit(grpc::ServerContext* context, const v1::DeleteVisitRequest*,
                           google::protobuf::Empty*) override {
    return Receive("DeleteVisit", context);
  }

  // "findings/f0" .. exist; any other name is NOT_FOUND.
  grpc::Status GetFinding(grpc::ServerContext* context, const v1::GetFindingRequest* request,
                          v1::Finding* response) override {
    if (auto failed = Receive("GetFinding", context); !failed.ok()) return failed;
    for (int i = 0; i < kVisitCount; ++i) {
      if (request->name() == absl::StrCat("findings/f", i)) {
        response->set_name(request->name());
        return grpc::Status::OK;
      }
    }
    return grpc::Status(grpc::StatusCode::NOT_FOUND, absl::StrCat("no finding ", request->name()));
  }

  grpc::Status ListFindings(grpc::ServerContext* context, const v1::ListFindingsRequest* request,
                            v1::ListFindingsResponse* response) override {
    if (auto failed = Receive("ListFindings", context,
                              [&](ReceivedCall& call) {
                                call.page_token = request->page_token();
                                call.filter = request->filter();
                              });
        !failed.ok()) {
      return failed;
    }
    FillPage(request->page_token(), "findings/f", *response->mutable_findings(), response);
    return grpc::Status::OK;
  }

  grpc::Status ImportTradeRecords(grpc::ServerContext* context,
                                  grpc::ServerReader<v1::ImportTradeRecordsRequest>* reader,
                                  v1::ImportTradeRecordsResponse* response) override {
    if (auto failed = Receive("ImportTradeRecords", context); !failed.ok()) return failed;
    v1::ImportTradeRecordsRequest chunk;
    while (reader->Read(&chunk)) {
      response->set_received_count(response->received_count() + chunk.trade_records_size());
    }
    response->set_stored_count(response->received_count());
    return grpc::Status::OK;
  }

 private:
  // The page of a List that `token` names: the token is the index of the
  // page's first record, and the records are named `prefix` and their index.
  template <typename Record, typename Response>
  static void FillPage(const std::string& token, const std::string& prefix,
                       google::protobuf::RepeatedPtrField<Record>& records, Response* response) {
    int first = token.empty() ? 0 : std::stoi(token);
    for (int i = first; i < first + kPageSize && i < kVisitCount; ++i) {
      records.Add()->set_name(absl::StrCat(prefix, i));
    }
    if (first + kPageSize < kVisitCount) {
      response->set_next_page_token(std::to_string(first + kPageSize));
    }
  }

  // Records the call; returns the status the script gives it.
  template <typename Fill = void (*)(ReceivedCall&)>
  grpc::Status Receive(
      const std::string& method, grpc::ServerContext* context, Fill fill = [](ReceivedCall&) {}) {
    ReceivedCall call;
    call.method = method;
    auto metadata = context->client_metadata().find("authorization");
    if (metadata != context->client_metadata().end()) {
      call.authorization.assign(metadata->second.data(), metadata->second.size());
    }
    auto agent = context->client_metadata().find("user-agent");
    if (agent != context->client_metadata().end()) {
      call.user_agent.assign(agent->second.data(), agent->second.size());
    }
    auto auth = context->auth_context();
    if (auth != nullptr) {
      for (const auto& name : auth->FindPropertyValues("x509_common_name")) {
        call.peer_common_name.assign(name.data(), name.size());
      }
    }
    call.time_left = context->deadline() - std::chrono::system_clock::now();
    fill(call);
    absl::MutexLock lock(&mu_);
    calls_.push_back(call);
    if (script_.empty()) return grpc::Status::OK;
    grpc::StatusCode code = script_.front();
    script_.pop_front();
    if (code == grpc::StatusCode::OK) return grpc::Status::OK;
    return grpc::Status(code, absl::StrCat("scripted failure of ", method));
  }

  mutable absl::Mutex mu_;
  std::deque<grpc::StatusCode> script_ ABSL_GUARDED_BY(mu_);
  std::vector<ReceivedCall> calls_ ABSL_GUARDED_BY(mu_);
};

// The fake, served on 127.0.0.1 at a free port until destroyed.
class FakeServer {
 public:
  explicit FakeServer(
      std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials()) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", std::move(credentials), &port_);
    builder.RegisterService(static_cast<v1::VisitService::Service*>(&service_));
    builder.RegisterService(static_cast<v1::TradeRecordService::Service*>(&service_));
    builder.RegisterService(static_cast<v1::FindingService::Service*>(&service_));
    server_ = builder.BuildAndStart();
  }
  ~FakeServer() {
    if (server_ != nullptr) server_->Shutdown(std::chrono::system_clock::now());
  }
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;

  // False when the server could not start.
  bool ok() const { return server_ != nullptr && port_ > 0; }
  std::string endpoint() const { return absl::StrCat("127.0.0.1:", port_); }
  FakeVisitService& service() { return service_; }

 private:
  FakeVisitService service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace bilateral::testing
