// End-to-end tests of bilateralctl: the real binary against a real
// bilateral-server on a free loopback port, with its database in a fresh
// temporary directory.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bilateral/v1/visit.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

extern char** environ;

namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

namespace fs = std::filesystem;

constexpr auto kServerStartLimit = std::chrono::seconds(20);

std::string ReadText(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// A process started with stdout and stderr going to files, stdin from
// /dev/null, and the environment of this test plus `env` (which replaces
// variables of the same name).
pid_t Spawn(const std::vector<std::string>& argv, const fs::path& out,
            const fs::path& err, const std::vector<std::string>& env = {}) {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string variable = *entry;
    bool replaced = false;
    for (const std::string& set : env) {
      replaced |= variable.substr(0, variable.find('=')) == set.substr(0, set.find('='));
    }
    // A developer's own endpoint must not leak into the tests.
    if (!replaced && variable.rfind("BILATERAL_ENDPOINT=", 0) != 0) {
      environment.push_back(variable);
    }
  }
  environment.insert(environment.end(), env.begin(), env.end());

  auto pointers = [](std::vector<std::string>& strings) {
    std::vector<char*> result;
    for (std::string& s : strings) result.push_back(s.data());
    result.push_back(nullptr);
    return result;
  };
  std::vector<std::string> args = argv;
  std::vector<char*> arg_pointers = pointers(args);
  std::vector<char*> env_pointers = pointers(environment);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  int error = posix_spawn(&pid, args[0].c_str(), &actions, nullptr,
                          arg_pointers.data(), env_pointers.data());
  posix_spawn_file_actions_destroy(&actions);
  return error == 0 ? pid : -1;
}

// A fresh directory under the test temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::path(::testing::TempDir()) / "bilateralctl_test.XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// A bilateral-server child process, stopped with SIGTERM when destroyed, so
// that no server outlives its test even when an assertion fails.
class ServerProcess {
 public:
  // Starts a server with its files in `dir` (which must exist) and waits
  // until it has written its port. Null with the reason in `error` on failure.
  static std::unique_ptr<ServerProcess> Start(const fs::path& dir,
                                              const std::vector<std::string>& flags,
                                              std::string* error) {
    fs::path port_file = dir / "port";
    std::vector<std::string> argv = {BILATERAL_SERVER_PATH, "--listen=127.0.0.1:0",
                                     "--database=" + (dir / "t.db").string(),
                                     "--port_file=" + port_file.string()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    fs::path log = dir / "server.log";
    auto server = std::unique_ptr<ServerProcess>(new ServerProcess(Spawn(argv, log, log)));
    if (server->pid_ < 0) {
      *error = "cannot start " BILATERAL_SERVER_PATH;
      return nullptr;
    }
    const auto limit = std::chrono::steady_clock::now() + kServerStartLimit;
    while (std::chrono::steady_clock::now() < limit) {
      // The server writes the file in one go once it serves, but it can be
      // seen empty in between, so only a whole number counts.
      std::string text = ReadText(port_file);
      if (!text.empty() && text.back() == '\n') {
        server->endpoint_ = "127.0.0.1:" + text.substr(0, text.size() - 1);
        return server;
      }
      int status = 0;
      if (waitpid(server->pid_, &status, WNOHANG) == server->pid_) {
        server->pid_ = -1;
        *error = "bilateral-server exited early:\n" + ReadText(log);
        return nullptr;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    *error = "bilateral-server wrote no port file in time:\n" + ReadText(log);
    return nullptr;
  }

  ~ServerProcess() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }

  const std::string& endpoint() const { return endpoint_; }

 private:
  explicit ServerProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  std::string endpoint_;
};

struct RunResult {
  int exit_code = -1;  // -1 when the process did not exit normally
  std::string out;
  std::string err;
};

// Prints the whole run in failure messages.
std::ostream& operator<<(std::ostream& os, const RunResult& run) {
  return os << "exit " << run.exit_code << "\n--- stdout\n"
            << run.out << "--- stderr\n"
            << run.err;
}

class BilateralctlTest : public ::testing::Test {
 protected:
  // One seeded server for the suite: the tests below change only records
  // of their own, so they cannot disturb one another.
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    fs::create_directory(dir_->path() / "seeded");
    server_ = ServerProcess::Start(dir_->path() / "seeded", {}, &start_error_);
  }
  static void TearDownTestSuite() {
    server_.reset();
    dir_.reset();
  }
  void SetUp() override {
    ASSERT_FALSE(dir_->path().empty()) << "cannot create a temporary directory";
    ASSERT_NE(server_, nullptr) << start_error_;
  }

  // Runs bilateralctl with `args` (and `env`), without --endpoint.
  RunResult RunRaw(const std::vector<std::string>& args,
                   const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv = {BILATERALCTL_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    fs::path out = dir_->path() / "ctl.out";
    fs::path err = dir_->path() / "ctl.err";
    RunResult run;
    pid_t pid = Spawn(argv, out, err, env);
    if (pid < 0) return run;
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
    run.out = ReadText(out);
    run.err = ReadText(err);
    return run;
  }

  // Runs bilateralctl against `server` (the suite's seeded server by default).
  RunResult Run(std::vector<std::string> args, const ServerProcess* server = nullptr) {
    args.insert(args.begin(), "--endpoint=" + (server ? server->endpoint() : Endpoint()));
    return RunRaw(args);
  }

  static const fs::path& Dir() { return dir_->path(); }
  static const std::string& Endpoint() { return server_->endpoint(); }

 private:
  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<ServerProcess> server_;
  static inline std::string start_error_;
};

const std::vector<std::string> kKazakhstanInDateOrder = {
    "visits/xi-jinping-kz-2013", "visits/xi-jinping-kz-2022-09",
    "visits/xi-jinping-kz-2024"};

TEST_F(BilateralctlTest, ListPrintsFilteredVisitsInOrderWithCitations) {
  RunResult run = Run({"visits", "list", "--filter", "host_country=\"countries/KZ\"",
                       "--order-by", "start_date"});
  ASSERT_EQ(run.exit_code, 0) << run;
  size_t previous = 0;
  for (const std::string& name : kKazakhstanInDateOrder) {
    size_t at = run.out.find(name);
    ASSERT_NE(at, std::string::npos) << name << " missing\n" << run;
    EXPECT_GT(at, previous) << name << " out of order\n" << run;
    previous = at;
  }
  EXPECT_THAT(run.out, AllOf(HasSubstr("NAME"), HasSubstr("VISITOR COUNTRY"),
                             HasSubstr("2022-09"), Not(HasSubstr("tokayev"))));
  EXPECT_THAT(run.out, AllOf(HasSubstr("first proposed the Silk Road Economic Belt"),
                             HasSubstr("new 30-golden-years of cooperation"),
                             HasSubstr("arrived in Kazakhstan for a state visit"),
                             HasSubstr("— sources/xi-kazakhstan-sco-2024 (Gulnar "
                                       "Shaimergenova)")));
}

TEST_F(BilateralctlTest, ListAsJsonParsesAsListResponseAcrossPages) {
  // One visit per page: the output must still hold every page.
  RunResult run = Run({"--output", "json", "visits", "list", "--filter",
                       "host_country=\"countries/KZ\"", "--order-by=start_date",
                       "--page-size", "1"});
  ASSERT_EQ(run.exit_code, 0) << run;
  bilateral::v1::ListVisitsResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(run.out, &response).ok()) << run;
  ASSERT_EQ(response.visits_size(), 3) << run;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(response.visits(i).name(), kKazakhstanInDateOrder[i]);
  }
  EXPECT_THAT(run.out, HasSubstr("\"hostCountry\""));
}

TEST_F(BilateralctlTest, MalformedFilterIsInvalidArgument) {
  RunResult run = Run({"visits", "list", "--filter", "host_country=("});
  EXPECT_EQ(run.exit_code, 1) << run;
  // The server names the token after which the filter went wrong.
  EXPECT_THAT(run.err, AllOf(HasSubstr("error: INVALID_ARGUMENT: "),
                             HasSubstr("\n  filter: "), HasSubstr("'=' at position 13")))
      << run;
  EXPECT_EQ(run.out, "");
}

TEST_F(BilateralctlTest, GetShowsFieldsOrNotFound) {
  RunResult found = Run({"visits", "get", "xi-jinping-kz-2024"});
  ASSERT_EQ(found.exit_code, 0) << found;
  EXPECT_THAT(found.out, AllOf(HasSubstr("name:"), HasSubstr("visits/xi-jinping-kz-2024"),
                               HasSubstr("kind:"), HasSubstr("STATE"),
                               HasSubstr("reported ordinal:"),
                               HasSubstr("> This is Xi’s fifth visit to Kazakhstan")));

  RunResult missing = Run({"visits", "get", "visits/nope"});
  EXPECT_EQ(missing.exit_code, 1) << missing;
  EXPECT_THAT(missing.err, HasSubstr("error: NOT_FOUND: ")) << missing;

  RunResult source = Run({"sources", "list"});
  ASSERT_EQ(source.exit_code, 0) << source;
  EXPECT_THAT(source.out, AllOf(HasSubstr("TITLE"), HasSubstr("sources/xi-kazakhstan-sco-2024"),
                                HasSubstr("NEWS_ARTICLE")));
}

TEST_F(BilateralctlTest, UsageErrorsExitTwo) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {},
           {"planets", "list"},
           {"visits"},
           {"visits", "frobnicate"},
           {"visits", "get"},
           {"visits", "get", "a", "b"},
           {"visits", "list", "--bogus"},
           {"visits", "list", "--filter"},
           {"visits", "get", "a", "--filter", "x"},
           {"visits", "list", "--page-size", "many"},
           {"--output", "xml", "visits", "list"},
           {"--timeout", "0", "visits", "list"},
           {"load"},
           {"visits", "create"},
           {"visits", "create", "--json", "{}", "--file", "x.json"},
       }) {
    RunResult run = Run(args);
    EXPECT_EQ(run.exit_code, 2) << ::testing::PrintToString(args) << "\n" << run;
    EXPECT_THAT(run.err, Not(HasSubstr("error: UNAVAILABLE"))) << run;
  }
}

TEST_F(BilateralctlTest, HelpListsCommandsAndExitCodes) {
  RunResult run = RunRaw({"visits", "--help"});
  ASSERT_EQ(run.exit_code, 0) << run;
  for (const char* text :
       {"visits list", "visits get NAME", "visits create", "visits update NAME",
        "visits delete NAME", "sources list", "sources get NAME", "sources create",
        "load FILE...", "--endpoint", "--output", "--timeout", "--update-mask",
        "Exit codes", "3  local I/O error"}) {
    EXPECT_THAT(run.out, HasSubstr(text));
  }
}

TEST_F(BilateralctlTest, CreateUpdateDeleteLifecycle) {
  RunResult invalid = Run({"visits", "create", "--id", "test-invalid", "--json",
                           R"({"visitor":{"name":"Test Person","country":"countries/FR"},)"
                           R"("startDate":{"year":2020}})"});
  EXPECT_EQ(invalid.exit_code, 1) << invalid;
  EXPECT_THAT(invalid.err, AllOf(HasSubstr("error: INVALID_ARGUMENT: "),
                                 HasSubstr("\n  visit.host_country: "),
                                 HasSubstr("\n  reason: FIELD_VIOLATION")))
      << invalid;

  const std::string body =
      R"({"visitor":{"name":"Test Person","country":"countries/FR"},)"
      R"("hostCountry":"countries/DE","startDate":{"year":2020},)"
      R"("citations":[{"source":"sources/xi-kazakhstan-sco-2024","quote":"x"}]})";
  RunResult created = Run({"visits", "create", "--json", body, "--id", "test-visit",
                           "--request-id", "test-request", "--output", "json"});
  ASSERT_EQ(created.exit_code, 0) << created;
  bilateral::v1::Visit visit;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(created.out, &visit).ok()) << created;
  EXPECT_EQ(visit.name(), "visits/test-visit");
  const std::string first_etag = visit.etag();
  ASSERT_FALSE(first_etag.empty());

  RunResult got = Run({"visits", "get", "visits/test-visit"});
  ASSERT_EQ(got.exit_code, 0) << got;
  EXPECT_THAT(got.out, AllOf(HasSubstr("Test Person"), HasSubstr("countries/DE")));

  // A current etag lets the update through and changes the etag ...
  RunResult updated = Run({"visits", "update", "test-visit", "--json",
                           R"({"kind":"VISIT_KIND_WORKING"})", "--update-mask", "kind",
                           "--etag", first_etag, "--output", "json"});
  ASSERT_EQ(updated.exit_code, 0) << updated;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(updated.out, &visit).ok());
  EXPECT_EQ(visit.kind(), bilateral::v1::VISIT_KIND_WORKING);
  EXPECT_NE(visit.etag(), first_etag);

  // ... so the first one is now stale.
  RunResult stale = Run({"visits", "update", "visits/test-visit", "--json",
                         R"({"kind":"VISIT_KIND_STATE"})", "--update-mask", "kind",
                         "--etag", first_etag});
  EXPECT_EQ(stale.exit_code, 1) << stale;
  EXPECT_THAT(stale.err, HasSubstr("error: ABORTED: ")) << stale;

  RunResult deleted = Run({"visits", "delete", "test-visit"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted;
  EXPECT_THAT(deleted.out, HasSubstr("deleted visits/test-visit"));
  RunResult gone = Run({"visits", "get", "test-visit"});
  EXPECT_EQ(gone.exit_code, 1) << gone;
  EXPECT_THAT(gone.err, HasSubstr("NOT_FOUND")) << gone;
}

TEST_F(BilateralctlTest, LoadCountsRecordsAlreadyPresent) {
  RunResult run = Run({"load", BILATERAL_SEED_FILE});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out, "created 0, already present 5\n");
}

TEST_F(BilateralctlTest, LoadCreatesRecordsInEmptyServer) {
  fs::path dir = Dir() / "empty";
  ASSERT_TRUE(fs::create_directory(dir));
  std::string error;
  auto empty = ServerProcess::Start(dir, {"--seed=false"}, &error);
  ASSERT_NE(empty, nullptr) << error;

  RunResult run = Run({"load", BILATERAL_SEED_FILE}, empty.get());
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out, "created 5, already present 0\n");
  RunResult list = Run({"visits", "list", "--output", "json"}, empty.get());
  ASSERT_EQ(list.exit_code, 0) << list;
  bilateral::v1::ListVisitsResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(list.out, &response).ok());
  EXPECT_EQ(response.visits_size(), 4);
}

TEST_F(BilateralctlTest, LoadStopsAtRejectedRecordAndNamesIt) {
  fs::path file = Dir() / "bad-dataset.json";
  std::ofstream(file) << R"({"visits":[{"name":"visits/bad-record",)"
                         R"("visitor":{"name":"A","country":"countries/FR"}}]})";
  RunResult run = Run({"load", file.string()});
  EXPECT_EQ(run.exit_code, 1) << run;
  EXPECT_THAT(run.err, AllOf(HasSubstr("INVALID_ARGUMENT"), HasSubstr("visit.host_country"),
                             HasSubstr("record: visits/bad-record in " + file.string())))
      << run;
}

TEST_F(BilateralctlTest, UnreadableFileExitsThreeAndBadJsonExitsTwo) {
  RunResult missing = Run({"visits", "create", "--file", (Dir() / "missing.json").string()});
  EXPECT_EQ(missing.exit_code, 3) << missing;
  EXPECT_THAT(missing.err, HasSubstr("cannot read")) << missing;
  EXPECT_EQ(Run({"load", (Dir() / "missing.json").string()}).exit_code, 3);

  fs::path bad = Dir() / "bad.json";
  std::ofstream(bad) << "{not json";
  RunResult bad_file = Run({"visits", "create", "--file", bad.string()});
  EXPECT_EQ(bad_file.exit_code, 2) << bad_file;
  EXPECT_THAT(bad_file.err, HasSubstr("is not a bilateral.v1.Visit")) << bad_file;
  EXPECT_EQ(Run({"visits", "create", "--json", R"({"nosuchfield":1})"}).exit_code, 2);
}

TEST_F(BilateralctlTest, EndpointComesFromEnvironmentAndUnreachableIsUnavailable) {
  // The suite's server address, given only through the environment.
  RunResult via_env = RunRaw({"sources", "get", "xi-kazakhstan-sco-2024"},
                             {"BILATERAL_ENDPOINT=" + Endpoint()});
  EXPECT_EQ(via_env.exit_code, 0) << via_env;
  EXPECT_THAT(via_env.out, HasSubstr("publication date:"));

  RunResult unreachable = RunRaw({"--endpoint", "127.0.0.1:1", "--timeout", "5",
                                  "visits", "list"});
  EXPECT_EQ(unreachable.exit_code, 1) << unreachable;
  EXPECT_THAT(unreachable.err, HasSubstr("error: UNAVAILABLE: ")) << unreachable;
}

}  // namespace
