// End-to-end with the real binary: settings and start-up refusals, the keys
// command, SIGHUP reloading keys, and SIGTERM draining calls in flight.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "bilateral/v1/visit.grpc.pb.h"
#include "child_process.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "temp_dir.h"

namespace bilateral {
namespace {

using ::testing::HasSubstr;

constexpr absl::Duration kStartTimeout = absl::Seconds(60);
constexpr absl::Duration kExitTimeout = absl::Seconds(60);

class ProcessTest : public ::testing::Test {
 protected:
  // Runs the binary to completion; returns its exit code.
  int Run(const std::vector<std::string>& args, std::string* output = nullptr,
          std::string* errors = nullptr, const std::vector<std::string>& environment = {}) {
    test::ChildProcess process(BILATERAL_SERVER_PATH, args, dir_.File("run.out"),
                               dir_.File("run.err"), environment);
    EXPECT_TRUE(process.started());
    auto code = process.WaitExit(kExitTimeout);
    if (output != nullptr) *output = process.Output();
    if (errors != nullptr) *errors = process.Errors();
    return code.value_or(-1);
  }

  // Starts a server on a free loopback port over `database` (a file of the
  // test's directory) with `args` added; waits until it serves.
  std::unique_ptr<test::ChildProcess> Serve(const std::vector<std::string>& args,
                                            const std::string& database = "server.db") {
    const std::string port_file = dir_.File("port");
    std::remove(port_file.c_str());
    std::vector<std::string> all = {"--listen=127.0.0.1:0", "--port_file=" + port_file,
                                    "--database=" + dir_.File(database),
                                    "--sqlite_synchronous=NORMAL"};
    all.insert(all.end(), args.begin(), args.end());
    auto process = std::make_unique<test::ChildProcess>(
        BILATERAL_SERVER_PATH, all, dir_.File("server.out"),
        dir_.File(absl::StrCat("server-", ++servers_, ".err")));
    port_ = test::WaitForPort(*process, port_file, kStartTimeout);
    EXPECT_GT(port_, 0) << process->Errors();
    return process;
  }

  std::shared_ptr<grpc::Channel> Channel() const {
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port_),
                               grpc::InsecureChannelCredentials());
  }

  // A new key made with the keys command.
  std::string CreateKey(const std::string& id, const std::string& role) {
    std::string output, errors;
    EXPECT_EQ(Run({"keys", "create", "--keys_file=" + keys_file(), "--id=" + id, "--role=" + role},
                  &output, &errors),
              0)
        << errors;
    return std::string(absl::StripAsciiWhitespace(output));
  }

  std::string keys_file() const { return dir_.File("keys"); }

  test::TempDir dir_;
  int port_ = 0;
  int servers_ = 0;
};

grpc::Status ListVisits(const std::shared_ptr<grpc::Channel>& channel, const std::string& key,
                        int page_size = 50) {
  auto stub = v1::VisitService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  if (!key.empty()) context.AddMetadata("authorization", "Bearer " + key);
  v1::ListVisitsRequest request;
  request.set_page_size(page_size);
  v1::ListVisitsResponse response;
  return stub->ListVisits(&context, request, &response);
}

// Calls ListVisits with `key` until it returns `code`, for at most a minute:
// a reload is asynchronous to the signal that asks for it.
bool EventuallyListVisitsReturns(const std::shared_ptr<grpc::Channel>& channel,
                                 const std::string& key, grpc::StatusCode code) {
  const absl::Time give_up = absl::Now() + absl::Minutes(1);
  while (absl::Now() < give_up) {
    if (ListVisits(channel, key).error_code() == code) return true;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return false;
}

TEST_F(ProcessTest, HelpListsEverySettingAndExitsZero) {
  std::string output;
  EXPECT_EQ(Run({"--help"}, &output), 0);
  EXPECT_THAT(output, HasSubstr("--listen  (BILATERAL_LISTEN)  default: 127.0.0.1:50051"));
  EXPECT_THAT(output, HasSubstr("--keys_file"));
  EXPECT_THAT(output, HasSubstr("keys create"));
}

TEST_F(ProcessTest, AnInvalidSettingStopsStartUpNamingIt) {
  std::string errors;
  EXPECT_EQ(Run({"--max_in_flight=many", "--database=" + dir_.File("a.db")}, nullptr, &errors), 2);
  EXPECT_THAT(errors, HasSubstr("max_in_flight"));
  EXPECT_EQ(
      Run({"--database=" + dir_.File("a.db")}, nullptr, &errors, {"BILATERAL_LOG_LEVEL=loud"}), 2);
  EXPECT_THAT(errors, HasSubstr("BILATERAL_LOG_LEVEL"));
  EXPECT_EQ(Run({"--no_such_setting=1"}, nullptr, &errors), 2);
  EXPECT_THAT(errors, HasSubstr("no_such_setting"));
}

TEST_F(ProcessTest, RefusesToServeBeyondLoopbackWithNeitherKeysNorTls) {
  std::string errors;
  EXPECT_EQ(Run({"--listen=0.0.0.0:0", "--database=" + dir_.File("public.db")}, nullptr, &errors),
            2);
  EXPECT_THAT(errors, HasSubstr("allow_insecure_public"));
  EXPECT_THAT(errors, HasSubstr("0.0.0.0:0"));
}

TEST_F(ProcessTest, KeysCommandCreatesListsAndRevokes) {
  const std::string key = CreateKey("loader", "writer");
  EXPECT_THAT(key, ::testing::StartsWith("bk_loader."));
  EXPECT_THAT(test::ReadWholeFile(keys_file()), ::testing::Not(HasSubstr(key)));
  std::string output, errors;
  EXPECT_EQ(Run({"keys", "list", "--keys_file=" + keys_file()}, &output), 0);
  EXPECT_EQ(output, "loader\twriter\n");
  EXPECT_EQ(Run({"keys", "create", "--keys_file=" + keys_file(), "--id=loader", "--role=reader"},
                nullptr, &errors),
            1);
  EXPECT_THAT(errors, HasSubstr("already exists"));
  EXPECT_EQ(Run({"keys", "create", "--keys_file=" + keys_file(), "--id=x", "--role=root"}), 2);
  EXPECT_EQ(Run({"keys", "revoke", "--keys_file=" + keys_file(), "--id=loader"}), 0);
  EXPECT_EQ(Run({"keys", "list", "--keys_file=" + keys_file()}, &output), 0);
  EXPECT_EQ(output, "");
}

TEST_F(ProcessTest, SighupReloadsKeysWithoutDroppingCalls) {
  const std::string first = CreateKey("first", "reader");
  auto server = Serve({"--keys_file=" + keys_file()});
  ASSERT_GT(port_, 0);
  auto channel = Channel();
  ASSERT_TRUE(ListVisits(channel, first).ok());
  EXPECT_EQ(ListVisits(channel, "").error_code(), grpc::StatusCode::UNAUTHENTICATED);

  const std::string second = CreateKey("second", "reader");
  EXPECT_EQ(ListVisits(channel, second).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  server->Signal(SIGHUP);
  EXPECT_TRUE(EventuallyListVisitsReturns(channel, second, grpc::StatusCode::OK));

  ASSERT_EQ(Run({"keys", "revoke", "--keys_file=" + keys_file(), "--id=first"}), 0);
  server->Signal(SIGHUP);
  EXPECT_TRUE(EventuallyListVisitsReturns(channel, first, grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_TRUE(ListVisits(channel, second).ok());

  // A broken file is refused; the keys in use stay.
  { std::ofstream(keys_file()) << "not a keys file\n"; }
  server->Signal(SIGHUP);
  EXPECT_TRUE(ListVisits(channel, second).ok());
  channel.reset();
  server->Signal(SIGTERM);
  EXPECT_EQ(server->WaitExit(kExitTimeout), 0);
  EXPECT_THAT(server->Errors(), HasSubstr("API keys not reloaded"));
  EXPECT_THAT(server->Errors(), ::testing::Not(HasSubstr(first)));
  EXPECT_THAT(server->Errors(), ::testing::Not(HasSubstr(second)));
  EXPECT_THAT(server->Errors(), HasSubstr("\"key_id\":\"second\""));
}

TEST_F(ProcessTest, SigintStopsCleanly) {
  auto server = Serve({});
  ASSERT_GT(port_, 0);
  server->Signal(SIGINT);
  EXPECT_EQ(server->WaitExit(kExitTimeout), 0);
  EXPECT_THAT(server->Errors(), HasSubstr("\"signal\":\"SIGINT\""));
  EXPECT_THAT(server->Errors(), HasSubstr("\"message\":\"stopped\""));
}

v1::Visit NewVisit() {
  v1::Visit visit;
  visit.mutable_visitor()->set_name("Kassym-Jomart Tokayev");
  visit.mutable_visitor()->set_country("KZ");
  visit.set_host_country("CN");
  visit.mutable_start_date()->set_year(2019);
  auto* citation = visit.add_citations();
  citation->set_source("sources/xi-kazakhstan-sco-2024");
  citation->set_quote("During Tokayev’s visit to China in 2019");
  return visit;
}

// Threads list and create visits without pause while SIGTERM arrives. A
// call in flight at that moment must finish; a call that comes after must
// be refused before it starts. So every call ends OK or UNAVAILABLE, and an
// UNAVAILABLE create stored nothing, while an OK one is stored: checked by
// restarting the server on the same database.
TEST_F(ProcessTest, SigtermDrainsCallsInFlightAndExitsZero) {
  auto server = Serve({"--shutdown_grace=60s"});
  ASSERT_GT(port_, 0);
  auto channel = Channel();
  constexpr int kListers = 3;
  constexpr int kCreators = 3;
  constexpr int kMaxCallsPerThread = 5000;
  std::atomic<int> succeeded{0};
  std::vector<std::vector<grpc::StatusCode>> list_codes(kListers);
  std::vector<std::map<std::string, grpc::StatusCode>> create_codes(kCreators);
  std::vector<std::thread> threads;
  for (int t = 0; t < kListers; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kMaxCallsPerThread; ++i) {
        grpc::StatusCode code = ListVisits(channel, "", 1000).error_code();
        list_codes[t].push_back(code);
        if (code != grpc::StatusCode::OK) break;
        ++succeeded;
      }
    });
  }
  for (int t = 0; t < kCreators; ++t) {
    threads.emplace_back([&, t] {
      auto stub = v1::VisitService::NewStub(channel);
      for (int i = 0; i < kMaxCallsPerThread; ++i) {
        const std::string id = absl::StrCat("drain-", t, "-", i);
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        v1::CreateVisitRequest request;
        *request.mutable_visit() = NewVisit();
        request.set_visit_id(id);
        v1::Visit response;
        grpc::StatusCode code = stub->CreateVisit(&context, request, &response).error_code();
        create_codes[t][id] = code;
        if (code != grpc::StatusCode::OK) break;
        ++succeeded;
      }
    });
  }
  const absl::Time give_up = absl::Now() + absl::Minutes(1);
  while (succeeded < 60 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
  server->Signal(SIGTERM);
  for (auto& thread : threads) thread.join();
  // An idle client answers the server's final pings late; let it go.
  channel.reset();
  EXPECT_EQ(server->WaitExit(kExitTimeout), 0) << server->Errors();
  EXPECT_THAT(server->Errors(), HasSubstr("\"message\":\"drained\""));

  for (const auto& codes : list_codes) {
    ASSERT_FALSE(codes.empty());
    for (size_t i = 0; i + 1 < codes.size(); ++i) EXPECT_EQ(codes[i], grpc::StatusCode::OK);
    EXPECT_EQ(codes.back(), grpc::StatusCode::UNAVAILABLE);
  }
  auto restarted = Serve({"--seed=false"});
  ASSERT_GT(port_, 0);
  auto stub = v1::VisitService::NewStub(Channel());
  int stored = 0;
  for (const auto& codes : create_codes) {
    ASSERT_FALSE(codes.empty());
    for (const auto& [id, code] : codes) {
      ASSERT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::UNAVAILABLE)
          << id << " ended with code " << code;
      grpc::ClientContext context;
      v1::GetVisitRequest request;
      request.set_name("visits/" + id);
      v1::Visit visit;
      grpc::StatusCode found = stub->GetVisit(&context, request, &visit).error_code();
      if (code == grpc::StatusCode::OK) {
        EXPECT_EQ(found, grpc::StatusCode::OK) << id << " was acknowledged but not stored";
        ++stored;
      } else {
        EXPECT_EQ(found, grpc::StatusCode::NOT_FOUND) << id << " was refused but stored";
      }
    }
  }
  EXPECT_GT(stored, 0);
  stub.reset();
  restarted->Signal(SIGTERM);
  EXPECT_EQ(restarted->WaitExit(kExitTimeout), 0);
}

}  // namespace
}  // namespace bilateral
