// End-to-end tests of bilateralctl: the real binary against a real
// bilateral-server on a free loopback port, with its database in a fresh
// temporary directory.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "bilateral/v1/common.pb.h"
#include "bilateral/v1/dataset.pb.h"
#include "bilateral/v1/finding.pb.h"
#include "bilateral/v1/relationship.pb.h"
#include "bilateral/v1/search.pb.h"
#include "bilateral/v1/source.pb.h"
#include "bilateral/v1/trade.pb.h"
#include "bilateral/v1/visit.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

extern char** environ;

namespace {

using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

namespace fs = std::filesystem;

constexpr auto kServerStartLimit = std::chrono::seconds(20);

std::string ReadText(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// A process started with stdout and stderr going to files (or terminals),
// stdin from /dev/null, and the environment of this test without its
// BILATERAL_* variables, plus `env`.
pid_t Spawn(const std::vector<std::string>& argv, const fs::path& out, const fs::path& err,
            const std::vector<std::string>& env = {}) {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string variable = *entry;
    bool replaced = false;
    for (const std::string& set : env) {
      replaced |= variable.substr(0, variable.find('=')) == set.substr(0, set.find('='));
    }
    // A developer's own settings (endpoint, API key, TLS files) must not
    // reach the tests, nor the servers they start.
    if (!replaced && variable.rfind("BILATERAL_", 0) != 0) {
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
                                   O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY, 0644);
  pid_t pid = -1;
  int error = posix_spawn(&pid, args[0].c_str(), &actions, nullptr, arg_pointers.data(),
                          env_pointers.data());
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
  return os << "exit " << run.exit_code << "\n--- stdout\n" << run.out << "--- stderr\n" << run.err;
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
  RunResult RunRaw(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
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

  // Runs bilateralctl against the suite's server with its stderr on a new
  // pseudo-terminal; `err` is what the terminal received.
  RunResult RunOnTerminal(std::vector<std::string> args) {
    RunResult run;
    int terminal = posix_openpt(O_RDWR | O_NOCTTY);
    if (terminal < 0) return run;
    if (grantpt(terminal) != 0 || unlockpt(terminal) != 0) {
      close(terminal);
      return run;
    }
    const std::string device = ptsname(terminal);
    // Held open here too, so that the terminal stays readable after the
    // process has exited.
    int device_fd = open(device.c_str(), O_RDWR | O_NOCTTY);
    std::vector<std::string> argv = {BILATERALCTL_PATH, "--endpoint=" + Endpoint()};
    argv.insert(argv.end(), args.begin(), args.end());
    fs::path out = dir_->path() / "ctl.out";
    pid_t pid = Spawn(argv, out, device);
    auto drain = [&](int timeout_ms) {
      char buffer[4096];
      pollfd ready{terminal, POLLIN, 0};
      while (poll(&ready, 1, timeout_ms) > 0) {
        ssize_t count = read(terminal, buffer, sizeof buffer);
        if (count <= 0) break;
        run.err.append(buffer, static_cast<size_t>(count));
      }
    };
    int status = 0;
    // A terminal buffers little, so it is read while the process runs.
    while (pid > 0 && waitpid(pid, &status, WNOHANG) == 0) drain(50);
    drain(0);
    if (pid > 0 && WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
    run.out = ReadText(out);
    if (device_fd >= 0) close(device_fd);
    close(terminal);
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
    "visits/xi-jinping-kz-2013", "visits/xi-jinping-kz-2022-09", "visits/xi-jinping-kz-2024"};

TEST_F(BilateralctlTest, ListPrintsFilteredVisitsInOrderWithCitations) {
  RunResult run = Run(
      {"visits", "list", "--filter", "host_country=\"countries/KZ\"", "--order-by", "start_date"});
  ASSERT_EQ(run.exit_code, 0) << run;
  size_t previous = 0;
  for (const std::string& name : kKazakhstanInDateOrder) {
    size_t at = run.out.find(name);
    ASSERT_NE(at, std::string::npos) << name << " missing\n" << run;
    EXPECT_GT(at, previous) << name << " out of order\n" << run;
    previous = at;
  }
  EXPECT_THAT(run.out, AllOf(HasSubstr("NAME"), HasSubstr("VISITOR COUNTRY"), HasSubstr("2022-09"),
                             Not(HasSubstr("tokayev"))));
  // Both ordinals: the 2024 visit is called the fifth and is the third
  // stored; the 2013 one states none and is the first.
  EXPECT_THAT(run.out, AllOf(HasSubstr("STATED ORDINAL"), HasSubstr("COMPUTED ORDINAL")));
  EXPECT_THAT(run.out, ContainsRegex("visits/xi-jinping-kz-2024 [^\n]* 5 +3 *\n"));
  EXPECT_THAT(run.out, ContainsRegex("visits/xi-jinping-kz-2013 [^\n]* - +1 *\n"));
  EXPECT_THAT(run.out, AllOf(HasSubstr("first proposed the Silk Road Economic Belt"),
                             HasSubstr("new 30-golden-years of cooperation"),
                             HasSubstr("arrived in Kazakhstan for a state visit"),
                             HasSubstr("— sources/xi-kazakhstan-sco-2024 (Gulnar "
                                       "Shaimergenova)")));
}

TEST_F(BilateralctlTest, ListAsJsonParsesAsListResponseAcrossPages) {
  // One visit per page: the output must still hold every page.
  RunResult run =
      Run({"--output", "json", "visits", "list", "--filter", "host_country=\"countries/KZ\"",
           "--order-by=start_date", "--page-size", "1"});
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
  EXPECT_THAT(run.err, AllOf(HasSubstr("error: INVALID_ARGUMENT: "), HasSubstr("\n  filter: "),
                             HasSubstr("'=' at position 13")))
      << run;
  EXPECT_EQ(run.out, "");
}

TEST_F(BilateralctlTest, GetShowsFieldsOrNotFound) {
  RunResult found = Run({"visits", "get", "xi-jinping-kz-2024"});
  ASSERT_EQ(found.exit_code, 0) << found;
  EXPECT_THAT(found.out,
              AllOf(HasSubstr("name:"), HasSubstr("visits/xi-jinping-kz-2024"), HasSubstr("kind:"),
                    HasSubstr("STATE"), HasSubstr("reported ordinal:"),
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
           {"trade", "batch-get"},
           {"trade", "import"},
           {"trade", "import", "a.ndjson", "b.ndjson"},
           {"trade", "import", "a.ndjson", "--chunk-size", "0"},
           {"trade", "list", "--use-names"},
           {"countries", "create", "--json", "{}"},
           {"countries", "delete", "KZ"},
           {"findings", "create", "--json", "{}"},
           {"findings", "batch-get", "findings/x"},
           {"findings", "import", "a.ndjson"},
           {"search"},
           {"search", "wind", "farm"},
           {"relationships", "list"},
           {"relationships", "get"},
           {"relationships", "timeline", "relationships/CN-KZ", "--order-by", "date"},
           {"exchanges", "update", "x"},
           {"visits", "export", "a", "b"},
           {"visits", "import"},
           {"visits", "import", "a.ndjson", "--format", "csv"},
           {"trade", "import", "a.csv", "--format", "xlsx"},
           {"--output", "yaml", "visits", "export"},
           {"--tls-cert-file", "client.pem", "visits", "list"},
           {"--tls-key-file", "client.key", "visits", "list"},
       }) {
    RunResult run = Run(args);
    EXPECT_EQ(run.exit_code, 2) << ::testing::PrintToString(args) << "\n" << run;
    EXPECT_THAT(run.err, Not(HasSubstr("error: UNAVAILABLE"))) << run;
  }
}

TEST_F(BilateralctlTest, HelpListsCommandsAndExitCodes) {
  RunResult run = RunRaw({"visits", "--help"});
  ASSERT_EQ(run.exit_code, 0) << run;
  for (const char* text : {"visits list",
                           "visits get NAME",
                           "visits create",
                           "visits update NAME",
                           "visits delete NAME",
                           "sources list",
                           "sources get NAME",
                           "sources create",
                           "load FILE...",
                           "--endpoint",
                           "--output",
                           "--timeout",
                           "--update-mask",
                           "Exit codes",
                           "3  local I/O error",
                           "trade import FILE",
                           "countries get NAME",
                           "--chunk-size",
                           "--format ndjson|csv|comtrade",
                           "--api-key KEY",
                           "--tls-ca-file FILE",
                           "--tls-cert-file FILE",
                           "--tls-key-file FILE",
                           "table|json|ndjson",
                           "BILATERAL_API_KEY",
                           "visits export [FILE]",
                           "visits import FILE",
                           "countries export [FILE]",
                           "findings list [--filter F] [--order-by O] [--page-size N]",
                           "findings get NAME",
                           "findings export [FILE]",
                           "'state = OPEN'",
                           "search QUERY [--collections A,B] [--page-size N]",
                           "relationships get NAME",
                           "relationships timeline NAME [--filter F] [--page-size N]",
                           "'kind = VISIT'"}) {
    EXPECT_THAT(run.out, HasSubstr(text));
  }
  for (const char* word : {"sources", "visits", "partnerships", "trade", "infrastructure",
                           "exchanges", "observations"}) {
    for (const char* verb : {" list", " get NAME", " batch-get NAME...", " create", " update NAME",
                             " delete NAME", " export [FILE]", " import FILE"}) {
      EXPECT_THAT(run.out, HasSubstr(std::string("\n  ") + word + verb)) << word << verb;
    }
  }
  EXPECT_THAT(run.out, Not(HasSubstr("countries create")));
  EXPECT_THAT(run.out, Not(HasSubstr("countries import")));
  EXPECT_THAT(run.out, Not(HasSubstr("findings create")));
  EXPECT_THAT(run.out, Not(HasSubstr("findings delete")));
}

TEST_F(BilateralctlTest, CreateUpdateDeleteLifecycle) {
  RunResult invalid = Run({"visits", "create", "--id", "test-invalid", "--json",
                           R"({"visitor":{"name":"Test Person","country":"countries/FR"},)"
                           R"("startDate":{"year":2020}})"});
  EXPECT_EQ(invalid.exit_code, 1) << invalid;
  EXPECT_THAT(invalid.err,
              AllOf(HasSubstr("error: INVALID_ARGUMENT: "), HasSubstr("\n  visit.host_country: "),
                    HasSubstr("\n  reason: FIELD_VIOLATION")))
      << invalid;

  const std::string body =
      R"({"visitor":{"name":"Test Person","country":"countries/FR"},)"
      R"("hostCountry":"countries/DE","startDate":{"year":2020},)"
      R"("citations":[{"source":"sources/xi-kazakhstan-sco-2024","quote":"x"}]})";
  RunResult created = Run({"visits", "create", "--json", body, "--id", "test-visit", "--request-id",
                           "test-request", "--output", "json"});
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
  RunResult updated =
      Run({"visits", "update", "test-visit", "--json", R"({"kind":"VISIT_KIND_WORKING"})",
           "--update-mask", "kind", "--etag", first_etag, "--output", "json"});
  ASSERT_EQ(updated.exit_code, 0) << updated;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(updated.out, &visit).ok());
  EXPECT_EQ(visit.kind(), bilateral::v1::VISIT_KIND_WORKING);
  EXPECT_NE(visit.etag(), first_etag);

  // ... so the first one is now stale.
  RunResult stale =
      Run({"visits", "update", "visits/test-visit", "--json", R"({"kind":"VISIT_KIND_STATE"})",
           "--update-mask", "kind", "--etag", first_etag});
  EXPECT_EQ(stale.exit_code, 1) << stale;
  EXPECT_THAT(stale.err, HasSubstr("error: ABORTED: ")) << stale;

  RunResult deleted = Run({"visits", "delete", "test-visit"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted;
  EXPECT_THAT(deleted.out, HasSubstr("deleted visits/test-visit"));
  RunResult gone = Run({"visits", "get", "test-visit"});
  EXPECT_EQ(gone.exit_code, 1) << gone;
  EXPECT_THAT(gone.err, HasSubstr("NOT_FOUND")) << gone;
}

// The seed data set, which the suite's server was started with.
bilateral::v1::Dataset SeedDataset() {
  bilateral::v1::Dataset dataset;
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(ReadText(BILATERAL_SEED_FILE), &dataset).ok());
  return dataset;
}

int RecordCount(const bilateral::v1::Dataset& dataset) {
  return dataset.sources_size() + dataset.visits_size() + dataset.partnerships_size() +
         dataset.trade_records_size() + dataset.infrastructure_projects_size() +
         dataset.exchanges_size() + dataset.observations_size();
}

// The word of each record kind, in Dataset order.
const std::vector<std::string> kRecordWords = {
    "sources", "visits", "partnerships", "trade", "infrastructure", "exchanges", "observations"};

TEST_F(BilateralctlTest, SourcesTakeTheirTextFromAFileAndQuotesAreCheckedAgainstIt) {
  // A server of its own: the shared one's record counts stay as seeded.
  fs::path dir = Dir() / "text-file";
  ASSERT_TRUE(fs::create_directory(dir));
  std::string error;
  auto server = ServerProcess::Start(dir, {"--seed=false"}, &error);
  ASSERT_NE(server, nullptr) << error;
  const std::string text_file = (dir / "text.txt").string();
  std::ofstream(text_file) << "Opening.\nThe delegation signed three agreements.\n";
  RunResult created = Run({"sources", "create", "--json", R"({"title":"With a text"})",
                           "--text-file", text_file, "--id", "cli-text", "--output", "json"},
                          server.get());
  ASSERT_EQ(created.exit_code, 0) << created;
  EXPECT_THAT(created.out, HasSubstr("\"textSha256\"")) << created;

  const std::string visit =
      R"({"visitor":{"name":"Test Person","country":"countries/FR"},)"
      R"("hostCountry":"countries/DE","startDate":{"year":2020},)"
      R"("citations":[{"source":"sources/cli-text","quote":"signed four agreements"}]})";
  RunResult refused = Run({"visits", "create", "--json", visit}, server.get());
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_THAT(refused.err,
              AllOf(HasSubstr("visit.citations[0].quote"), HasSubstr("signed three agreements.")))
      << refused;

  // A new text from the file alone; the quote now holds.
  std::ofstream(text_file) << "The delegation signed four agreements.\n";
  RunResult updated =
      Run({"sources", "update", "cli-text", "--text-file", text_file}, server.get());
  ASSERT_EQ(updated.exit_code, 0) << updated;
  RunResult accepted = Run({"visits", "create", "--json", visit, "--output", "json"}, server.get());
  ASSERT_EQ(accepted.exit_code, 0) << accepted;
  EXPECT_THAT(accepted.out, HasSubstr("CITATION_VERIFICATION_VERIFIED")) << accepted;
}

TEST_F(BilateralctlTest, LoadCountsRecordsAlreadyPresent) {
  RunResult run = Run({"load", BILATERAL_SEED_FILE});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out,
            "created 0, already present " + std::to_string(RecordCount(SeedDataset())) + "\n");
}

TEST_F(BilateralctlTest, LoadCreatesEveryKindInEmptyServer) {
  fs::path dir = Dir() / "empty";
  ASSERT_TRUE(fs::create_directory(dir));
  std::string error;
  auto empty = ServerProcess::Start(dir, {"--seed=false"}, &error);
  ASSERT_NE(empty, nullptr) << error;

  bilateral::v1::Dataset seed = SeedDataset();
  RunResult run = Run({"load", BILATERAL_SEED_FILE}, empty.get());
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out, "created " + std::to_string(RecordCount(seed)) + ", already present 0\n");

  // Each List response in JSON ({"visits": [...]}, {"tradeRecords": [...]})
  // uses the field names of Dataset, so every listing merges into one.
  bilateral::v1::Dataset listed;
  for (const std::string& word : kRecordWords) {
    RunResult list = Run({word, "list", "--output", "json"}, empty.get());
    ASSERT_EQ(list.exit_code, 0) << list;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;  // nextPageToken
    bilateral::v1::Dataset page;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(list.out, &page, options).ok()) << list;
    listed.MergeFrom(page);
  }
  EXPECT_EQ(listed.sources_size(), seed.sources_size());
  EXPECT_EQ(listed.visits_size(), seed.visits_size());
  EXPECT_EQ(listed.partnerships_size(), seed.partnerships_size());
  EXPECT_EQ(listed.trade_records_size(), seed.trade_records_size());
  EXPECT_EQ(listed.infrastructure_projects_size(), seed.infrastructure_projects_size());
  EXPECT_EQ(listed.exchanges_size(), seed.exchanges_size());
  EXPECT_EQ(listed.observations_size(), seed.observations_size());
  // The seed's sources take their texts from data/sources, beside data/seed.
  for (const auto& source : listed.sources()) {
    if (source.name() == "sources/xi-kazakhstan-sco-2024") {
      EXPECT_EQ(source.text_sha256().size(), 64u) << source.DebugString();
    }
  }
}

TEST_F(BilateralctlTest, LoadGivesSourcesTheirTextsAndTheQuotesAreChecked) {
  fs::path dir = Dir() / "load-texts";
  ASSERT_TRUE(fs::create_directories(dir / "set"));
  ASSERT_TRUE(fs::create_directories(dir / "texts"));
  std::string error;
  auto server = ServerProcess::Start(dir, {"--seed=false"}, &error);
  ASSERT_NE(server, nullptr) << error;
  const std::string file = (dir / "set" / "records.json").string();
  std::ofstream(file)
      << R"({"sources":[{"name":"sources/with-text","title":"A report"},)"
         R"({"name":"sources/without-text","title":"Another"}],)"
         R"("visits":[{"name":"visits/checked","visitor":{"name":"A B","country":"countries/FR"},)"
         R"("hostCountry":"countries/DE","startDate":{"year":2020},)"
         R"("citations":[{"source":"sources/with-text","quote":"signed two agreements"},)"
         R"({"source":"sources/without-text","quote":"anything"}]}]})";
  std::ofstream(dir / "texts" / "with-text.txt")
      << "The visit was short.\nThe ministers signed two agreements. They met again.\n";

  // Without --texts there is no sources/ beside the file or its directory.
  RunResult run = Run({"load", file, "--texts", (dir / "texts").string()}, server.get());
  ASSERT_EQ(run.exit_code, 0) << run;
  RunResult visit = Run({"visits", "get", "checked", "--output", "json"}, server.get());
  ASSERT_EQ(visit.exit_code, 0) << visit;
  EXPECT_THAT(visit.out, AllOf(HasSubstr("CITATION_VERIFICATION_VERIFIED"),
                               HasSubstr("CITATION_VERIFICATION_SOURCE_HAS_NO_TEXT")))
      << visit;

  // The evidence: each citation's state, offsets and sentence.
  RunResult evidence = Run({"visits", "get", "checked", "--evidence"}, server.get());
  ASSERT_EQ(evidence.exit_code, 0) << evidence;
  EXPECT_THAT(evidence.out,
              AllOf(HasSubstr("citations[0]  sources/with-text  VERIFIED  code points 35-56"),
                    HasSubstr("The ministers [signed two agreements]."),
                    HasSubstr("citations[1]  sources/without-text  SOURCE_HAS_NO_TEXT"),
                    HasSubstr("> anything (the source has no text)")))
      << evidence;
  RunResult as_json =
      Run({"visits", "get", "checked", "--evidence", "--output", "json"}, server.get());
  ASSERT_EQ(as_json.exit_code, 0) << as_json;
  EXPECT_THAT(as_json.out,
              AllOf(HasSubstr(R"("passage": "The ministers [signed two agreements].")"),
                    HasSubstr(R"("passageStart": 21)"), HasSubstr(R"("name": "visits/checked")")))
      << as_json;

  // The audit of one source, then of all.
  RunResult one = Run({"sources", "verify", "with-text"}, server.get());
  ASSERT_EQ(one.exit_code, 0) << one;
  EXPECT_THAT(one.out, AllOf(ContainsRegex("visits/checked +citations\\[0\\] +sources/with-text "
                                           "+VERIFIED +35-56"),
                             Not(HasSubstr("without-text")),
                             HasSubstr("verified 1, ambiguous 0, not in source 0")))
      << one;
  RunResult all = Run({"sources", "verify", "--output", "ndjson"}, server.get());
  ASSERT_EQ(all.exit_code, 0) << all;
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 2) << all;
  EXPECT_THAT(all.out, HasSubstr(R"("verification":"CITATION_VERIFICATION_SOURCE_HAS_NO_TEXT")"))
      << all;
  RunResult missing = Run({"sources", "verify", "no-such-source"}, server.get());
  EXPECT_EQ(missing.exit_code, 1) << missing;
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND")) << missing;
}

// Every citation in `message`, at any depth, that cites `source`.
int CitationsOf(const google::protobuf::Message& message, const std::string& source) {
  int count = 0;
  const auto* reflection = message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const auto* field : fields) {
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    auto visit = [&](const google::protobuf::Message& value) {
      if (value.GetDescriptor() == bilateral::v1::Citation::descriptor()) {
        count += static_cast<const bilateral::v1::Citation&>(value).source() == source;
      } else {
        count += CitationsOf(value, source);
      }
    };
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        visit(reflection->GetRepeatedMessage(message, field, i));
      }
    } else {
      visit(reflection->GetMessage(message, field));
    }
  }
  return count;
}

TEST_F(BilateralctlTest, EveryCitationOfTheSeedArticleVerifies) {
  const int expected = CitationsOf(SeedDataset(), "sources/xi-kazakhstan-sco-2024");
  ASSERT_GT(expected, 20);
  RunResult run = Run({"sources", "verify", "xi-kazakhstan-sco-2024", "--output", "json"});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_THAT(run.out, AllOf(HasSubstr("\"verified\": " + std::to_string(expected)),
                             HasSubstr("\"notInSource\": 0"), HasSubstr("\"ambiguous\": 0"),
                             HasSubstr("\"notChecked\": 0")))
      << run;
  // A seed visit's evidence points into the article.
  RunResult evidence = Run({"visits", "get", "xi-jinping-kz-2013", "--evidence"});
  ASSERT_EQ(evidence.exit_code, 0) << evidence;
  EXPECT_THAT(evidence.out,
              AllOf(ContainsRegex("citations\\[0\\]  sources/xi-kazakhstan-sco-2024  VERIFIED  "
                                  "code points [0-9]+-[0-9]+"),
                    HasSubstr("[In 2013, during his visit to Kazakhstan, Xi first proposed the "
                              "Silk Road Economic Belt initiative.]")))
      << evidence;
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
  RunResult via_env =
      RunRaw({"sources", "get", "xi-kazakhstan-sco-2024"}, {"BILATERAL_ENDPOINT=" + Endpoint()});
  EXPECT_EQ(via_env.exit_code, 0) << via_env;
  EXPECT_THAT(via_env.out, HasSubstr("publication date:"));

  RunResult unreachable = RunRaw({"--endpoint", "127.0.0.1:1", "--timeout", "5", "visits", "list"});
  EXPECT_EQ(unreachable.exit_code, 1) << unreachable;
  EXPECT_THAT(unreachable.err, HasSubstr("error: UNAVAILABLE: ")) << unreachable;
}

TEST_F(BilateralctlTest, HealthSaysWhetherTheServerServes) {
  RunResult server = Run({"health"});
  EXPECT_EQ(server.exit_code, 0) << server;
  EXPECT_EQ(server.out, "server: SERVING\n");

  RunResult json = Run({"--output", "json", "health"});
  EXPECT_EQ(json.exit_code, 0) << json;
  EXPECT_THAT(json.out, HasSubstr("\"status\": \"SERVING\""));

  // The server reports on itself as a whole, not service by service.

  RunResult unknown = Run({"health", "bilateral.v1.NoSuchService"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown;
  EXPECT_THAT(unknown.err, HasSubstr("error: NOT_FOUND")) << unknown;

  RunResult unreachable = RunRaw({"--endpoint", "127.0.0.1:1", "--timeout", "5", "health"});
  EXPECT_EQ(unreachable.exit_code, 1) << unreachable;
  EXPECT_THAT(unreachable.err, HasSubstr("error: UNAVAILABLE: ")) << unreachable;
}

// One record kind as the verbs below exercise it: two bodies to create, and
// an update with its mask and a text the updated record's JSON then holds.
struct RecordCase {
  std::string word;        // the command line word, e.g. "trade"
  std::string collection;  // the name prefix, e.g. "tradeRecords"
  std::string header;      // a column of its table
  std::string first;       // bodies in protobuf JSON; both cite the seeded
  std::string second;      // source, so the test does not rely on other seeds
  std::string update;
  std::string update_mask;
  std::string updated_text;
};

std::ostream& operator<<(std::ostream& os, const RecordCase& record_case) {
  return os << record_case.word;
}

const std::string kCitations =
    R"("citations":[{"source":"sources/xi-kazakhstan-sco-2024","quote":"for a state visit"}])";

const std::vector<RecordCase> kRecordCases = {
    {"sources", "sources", "PUBLISHER",
     R"({"title":"Test source one","kind":"SOURCE_KIND_REPORT","publisher":"Test Press",)" +
         kCitations + "}",
     R"({"title":"Test source two","kind":"SOURCE_KIND_NEWS_ARTICLE"})",
     R"({"publisher":"Other Press"})", "publisher", R"("publisher": "Other Press")"},
    {"visits", "visits", "VISITOR COUNTRY",
     R"({"visitor":{"name":"Test Person","country":"countries/FR"},)"
     R"("hostCountry":"countries/DE","startDate":{"year":2020},)" +
         kCitations + "}",
     R"({"visitor":{"name":"Test Person","country":"countries/FR"},)"
     R"("hostCountry":"countries/DE","startDate":{"year":2021},)" +
         kCitations + "}",
     R"({"kind":"VISIT_KIND_WORKING"})", "kind", R"("kind": "VISIT_KIND_WORKING")"},
    {"partnerships", "partnerships", "TIER",
     R"({"countries":["countries/FR","countries/DE"],"milestones":[{"date":{"year":1963},)"
     R"("kind":"MILESTONE_KIND_ELEVATION","label":"Test partnership",)"
     R"("tier":"PARTNERSHIP_TIER_STRATEGIC",)" +
         kCitations + "}]," + kCitations + "}",
     R"({"countries":["countries/FR","countries/IT"],)" + kCitations + "}",
     R"({"milestones":[{"date":{"year":2019},"kind":"MILESTONE_KIND_ELEVATION",)"
     R"("label":"Renewed partnership","tier":"PARTNERSHIP_TIER_STRATEGIC",)" +
         kCitations + "}]}",
     "milestones", R"("label": "Renewed partnership")"},
    {"trade", "tradeRecords", "REPORTER",
     R"({"reporter":"countries/FR","partner":"countries/DE","period":{"year":2020},)"
     R"("flow":"TRADE_FLOW_TOTAL","value":{"currencyCode":"EUR","units":"1000"},)" +
         kCitations + "}",
     R"({"reporter":"countries/FR","partner":"countries/DE","period":{"year":2021},)"
     R"("flow":"TRADE_FLOW_TOTAL","value":{"currencyCode":"EUR","units":"2000"},)" +
         kCitations + "}",
     R"({"partnerRank":2})", "partner_rank", R"("partnerRank": 2)"},
    {"infrastructure", "infrastructureProjects", "CAPACITY",
     R"({"displayName":"Test wind farm","kind":"INFRASTRUCTURE_KIND_WIND_FARM",)"
     R"("hostCountry":"countries/FR","partnerCountries":["countries/DE"],)"
     R"("status":"PROJECT_STATUS_PLANNED",)" +
         kCitations + "}",
     R"({"displayName":"Test railway","kind":"INFRASTRUCTURE_KIND_RAILWAY",)"
     R"("hostCountry":"countries/FR","partnerCountries":["countries/DE"],)" +
         kCitations + "}",
     R"({"status":"PROJECT_STATUS_OPERATIONAL"})", "status",
     R"("status": "PROJECT_STATUS_OPERATIONAL")"},
    {"exchanges", "exchanges", "TITLE",
     R"({"kind":"EXCHANGE_KIND_CULTURAL_CENTRE","countries":["countries/FR","countries/DE"],)"
     R"("title":"Test cultural centre","date":{"year":2020},)" +
         kCitations + "}",
     R"({"kind":"EXCHANGE_KIND_FILM_CO_PRODUCTION","countries":["countries/FR","countries/DE"],)"
     R"("title":"Test film",)" +
         kCitations + "}",
     R"({"title":"Renamed centre"})", "title", R"("title": "Renamed centre")"},
    {"observations", "observations", "PROJECTION",
     R"({"metric":"test_trips","countries":["countries/FR","countries/DE"],)"
     R"("period":{"year":2020},"value":1000,"unit":"trips",)" +
         kCitations + "}",
     R"({"metric":"test_trips","countries":["countries/FR","countries/DE"],)"
     R"("period":{"year":2021},"value":2000,"unit":"trips",)" +
         kCitations + "}",
     R"({"projection":true})", "projection", R"("projection": true)"},
};

// The etag of a record printed as JSON; "" when there is none.
std::string EtagOf(const std::string& json) {
  std::smatch match;
  static const std::regex kEtag(R"re("etag": "([^"]+)")re");
  return std::regex_search(json, match, kEtag) ? match[1].str() : "";
}

class RecordVerbsTest : public BilateralctlTest,
                        public ::testing::WithParamInterface<RecordCase> {};

// Every verb of one record kind on records the test creates itself.
TEST_P(RecordVerbsTest, ListGetBatchGetUpdateDelete) {
  const RecordCase& c = GetParam();
  const std::string first = c.collection + "/test-first";
  const std::string second = c.collection + "/test-second";

  RunResult created =
      Run({c.word, "create", "--json", c.first, "--id", "test-first", "--output", "json"});
  ASSERT_EQ(created.exit_code, 0) << created;
  EXPECT_THAT(created.out, HasSubstr("\"name\": \"" + first + "\""));
  const std::string first_etag = EtagOf(created.out);
  ASSERT_FALSE(first_etag.empty()) << created;
  RunResult created_second = Run({c.word, "create", "--json", c.second, "--id", "test-second"});
  ASSERT_EQ(created_second.exit_code, 0) << created_second;
  EXPECT_THAT(created_second.out, AllOf(HasSubstr("name:"), HasSubstr(second)));

  RunResult listed = Run({c.word, "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  EXPECT_THAT(listed.out,
              AllOf(HasSubstr("NAME"), HasSubstr(c.header), HasSubstr(first), HasSubstr(second),
                    HasSubstr("    > for a state visit — sources/xi-kazakhstan-sco-2024")));
  RunResult listed_json = Run({c.word, "list", "--output", "json", "--page-size", "1"});
  ASSERT_EQ(listed_json.exit_code, 0) << listed_json;
  EXPECT_THAT(listed_json.out,
              AllOf(HasSubstr("\"" + first + "\""), HasSubstr("\"" + second + "\""),
                    Not(HasSubstr("nextPageToken"))));

  // A bare id gets the collection's prefix.
  RunResult got = Run({c.word, "get", "test-first"});
  ASSERT_EQ(got.exit_code, 0) << got;
  EXPECT_THAT(got.out, AllOf(HasSubstr("name:"), HasSubstr(first), HasSubstr("etag:"),
                             HasSubstr(first_etag)));

  RunResult batch = Run({c.word, "batch-get", "test-second", first});
  ASSERT_EQ(batch.exit_code, 0) << batch;
  size_t second_at = batch.out.find(second);
  size_t first_at = batch.out.find(first);
  ASSERT_NE(second_at, std::string::npos) << batch;
  ASSERT_NE(first_at, std::string::npos) << batch;
  EXPECT_LT(second_at, first_at) << "records out of the order named\n" << batch;
  RunResult missing = Run({c.word, "batch-get", "test-first", "test-missing"});
  EXPECT_EQ(missing.exit_code, 1) << missing;
  EXPECT_THAT(missing.err, AllOf(HasSubstr("error: NOT_FOUND: "), HasSubstr("test-missing")))
      << missing;

  RunResult updated = Run({c.word, "update", "test-first", "--json", c.update, "--update-mask",
                           c.update_mask, "--etag", first_etag, "--output", "json"});
  ASSERT_EQ(updated.exit_code, 0) << updated;
  EXPECT_THAT(updated.out, HasSubstr(c.updated_text));
  EXPECT_NE(EtagOf(updated.out), first_etag) << updated;
  RunResult stale = Run({c.word, "update", first, "--json", c.update, "--update-mask",
                         c.update_mask, "--etag", first_etag});
  EXPECT_EQ(stale.exit_code, 1) << stale;
  EXPECT_THAT(stale.err, HasSubstr("error: ABORTED: ")) << stale;

  RunResult deleted = Run({c.word, "delete", "test-first"});
  ASSERT_EQ(deleted.exit_code, 0) << deleted;
  EXPECT_EQ(deleted.out, "deleted " + first + "\n");
  RunResult gone = Run({c.word, "get", first});
  EXPECT_EQ(gone.exit_code, 1) << gone;
  EXPECT_THAT(gone.err, HasSubstr("error: NOT_FOUND: ")) << gone;
  RunResult deleted_json = Run({"--output", "json", c.word, "delete", second});
  ASSERT_EQ(deleted_json.exit_code, 0) << deleted_json;
  EXPECT_EQ(deleted_json.out, "{}\n");
}

INSTANTIATE_TEST_SUITE_P(Resources, RecordVerbsTest, ::testing::ValuesIn(kRecordCases),
                         [](const ::testing::TestParamInfo<RecordCase>& info) {
                           return info.param.word;
                         });

// A `watch` running in the background, its output in `out`; stopped when
// destroyed.
class WatchProcess {
 public:
  WatchProcess(const std::string& endpoint, const fs::path& dir, const std::string& label,
               const std::vector<std::string>& flags)
      : out_(dir / (label + ".out")) {
    std::vector<std::string> argv = {BILATERALCTL_PATH, "--endpoint=" + endpoint, "watch"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    pid_ = Spawn(argv, out_, dir / (label + ".err"));
  }
  ~WatchProcess() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::string Output() const { return ReadText(out_); }
  // Whether the process is still running (a watch only ends on an error).
  bool Running() const {
    int status = 0;
    return pid_ > 0 && waitpid(pid_, &status, WNOHANG) == 0;
  }

 private:
  pid_t pid_ = -1;
  fs::path out_;
};

// The line of `output` that names `name`, or "".
std::string LineNaming(const std::string& output, const std::string& name) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(" " + name + " ") != std::string::npos) return line;
  }
  return "";
}

TEST_F(BilateralctlTest, WatchPrintsChangesAsTheyComeAndResumesFromTheirCursor) {
  const std::string body = R"({"title":"Watched source","kind":"SOURCE_KIND_REPORT"})";
  // The watch starts from now, once its stream is open: records are created
  // until one shows, so none needs to be written after a guessed moment.
  WatchProcess first(Endpoint(), Dir(), "watch-first", {"--collections", "sources"});
  std::string seen_name;
  std::string seen_line;
  for (int i = 0; i < 600 && seen_line.empty(); ++i) {
    ASSERT_TRUE(first.Running()) << first.Output();
    std::string id = "watch-test-" + std::to_string(i);
    RunResult created = Run({"sources", "create", "--id", id, "--json", body});
    ASSERT_EQ(created.exit_code, 0) << created;
    for (int poll = 0; poll < 20 && seen_line.empty(); ++poll) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::string output = first.Output();
      for (int j = 0; j <= i && seen_line.empty(); ++j) {
        std::string name = "sources/watch-test-" + std::to_string(j);
        seen_line = LineNaming(output, name);
        if (!seen_line.empty()) seen_name = name;
      }
    }
  }
  ASSERT_FALSE(seen_line.empty()) << first.Output();
  EXPECT_EQ(seen_line.rfind("created ", 0), 0u) << seen_line;
  // The line ends with the cursor to resume after it.
  std::string cursor = seen_line.substr(seen_line.rfind(' ') + 1);
  ASSERT_FALSE(cursor.empty());

  RunResult later = Run({"sources", "create", "--id", "watch-test-later", "--json", body});
  ASSERT_EQ(later.exit_code, 0) << later;
  WatchProcess resumed(Endpoint(), Dir(), "watch-resumed",
                       {"--from", cursor, "--collections", "sources"});
  std::string output;
  for (int poll = 0; poll < 1200; ++poll) {
    output = resumed.Output();
    if (!LineNaming(output, "sources/watch-test-later").empty()) break;
    ASSERT_TRUE(resumed.Running()) << output;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(LineNaming(output, "sources/watch-test-later"), "") << output;
  // After the cursor: the change it belongs to is not printed again.
  EXPECT_EQ(LineNaming(output, seen_name), "") << output;
}

TEST_F(BilateralctlTest, CountriesAcceptEveryCodeAndPrintAlphaTwo) {
  for (const char* code : {"KAZ", "KZ", "398", "countries/KAZ"}) {
    RunResult got = Run({"countries", "get", code});
    ASSERT_EQ(got.exit_code, 0) << code << "\n" << got;
    EXPECT_THAT(got.out, AllOf(HasSubstr("countries/KZ"), HasSubstr("KAZ"), HasSubstr("398"),
                               HasSubstr("Kazakhstan")))
        << code;
  }
  RunResult listed = Run({"countries", "list", "--filter", "alpha3=\"KAZ\""});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  EXPECT_THAT(listed.out, AllOf(HasSubstr("ALPHA-3"), HasSubstr("countries/KZ"),
                                Not(HasSubstr("countries/CN"))));
  RunResult unknown = Run({"countries", "get", "XQZ"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown;
  EXPECT_THAT(unknown.err, HasSubstr("error: NOT_FOUND: ")) << unknown;
}

TEST_F(BilateralctlTest, TradeImportStoresValidRowsAndListsRejectedOnes) {
  const std::string row =
      R"({"reporter":"countries/FR","partner":"countries/IT","flow":"TRADE_FLOW_EXPORT",)"
      R"("value":{"currencyCode":"EUR","units":"5"},)" +
      kCitations;
  fs::path file = Dir() / "trade.ndjson";
  // The invalid row (no partner) is on line 3, after a blank line; it is row 1.
  std::ofstream(file) << row << R"(,"period":{"year":2018}})"
                      << "\n\n"
                      << R"({"reporter":"countries/FR","flow":"TRADE_FLOW_EXPORT"})"
                      << "\n"
                      << row << R"(,"period":{"year":2019}})"
                      << "\n";
  RunResult run = Run({"trade", "import", file.string(), "--chunk-size", "2"});
  EXPECT_EQ(run.exit_code, 1) << run;  // a row was rejected
  EXPECT_EQ(run.out, "received 3, stored 2, already present 0, rejected 1\n");
  EXPECT_THAT(run.err, AllOf(HasSubstr("rejected (" + file.string() +
                                       ":3, row 1): "
                                       "INVALID_ARGUMENT: "),
                             HasSubstr("\n  partner")))
      << run;

  RunResult listed =
      Run({"trade", "list", "--filter", "reporter=\"FR\" AND partner=\"IT\" AND value.units=5"});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  EXPECT_THAT(listed.out, AllOf(HasSubstr("2018"), HasSubstr("2019"), HasSubstr("EUR 5")));

  // The same rows again collide with the stored ones; the summary in JSON
  // is the server's response.
  RunResult again = Run({"--output", "json", "trade", "import", file.string()});
  EXPECT_EQ(again.exit_code, 1) << again;
  bilateral::v1::ImportTradeRecordsResponse summary;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(again.out, &summary).ok()) << again;
  EXPECT_EQ(summary.received_count(), 3);
  EXPECT_EQ(summary.stored_count(), 0);
  EXPECT_EQ(summary.rejected_count(), 3);
  EXPECT_THAT(again.err, AllOf(HasSubstr("already present: (" + file.string() + ":1, row 0)"),
                               HasSubstr("already present: (" + file.string() + ":4, row 2)")))
      << again;
}

TEST_F(BilateralctlTest, TradeImportKeepsNamesAndChecksItsInput) {
  fs::path file = Dir() / "named.ndjson";
  std::ofstream(file) << R"({"name":"tradeRecords/test-import-named","reporter":"countries/FR",)"
                         R"("partner":"countries/ES","flow":"TRADE_FLOW_TOTAL",)"
                         R"("value":{"currencyCode":"EUR","units":"7"},)"
                      << kCitations << "}\n"
                      << R"({"reporter":"countries/FR","partner":"countries/PT",)"
                         R"("flow":"TRADE_FLOW_TOTAL","value":{"currencyCode":"EUR","units":"8"},)"
                      << kCitations << "}\n";
  RunResult run = Run({"trade", "import", file.string()});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out, "received 2, stored 2, already present 0, rejected 0\n");
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(Run({"trade", "get", "test-import-named"}).exit_code, 0);
  // Importing it again stores nothing and reports the named record by name.
  RunResult again = Run({"trade", "import", file.string()});
  EXPECT_THAT(again.err, HasSubstr("already present: tradeRecords/test-import-named (" +
                                   file.string() + ":1, row 0)"))
      << again;

  // A line that is not a TradeRecord stops the import before anything is sent.
  fs::path bad = Dir() / "bad.ndjson";
  std::ofstream(bad) << R"({"reporter":"countries/FR"})"
                     << "\n"
                     << "{not json\n";
  RunResult bad_run = Run({"trade", "import", bad.string()});
  EXPECT_EQ(bad_run.exit_code, 2) << bad_run;
  EXPECT_THAT(bad_run.err, HasSubstr(bad.string() + ":2 is not a bilateral.v1.TradeRecord"));
  EXPECT_EQ(Run({"trade", "import", (Dir() / "missing.ndjson").string()}).exit_code, 3);
}

TEST_F(BilateralctlTest, TradeImportReadsCsv) {
  fs::path file = Dir() / "trade.csv";
  // Columns in another order than documented; quoted fields with commas,
  // doubled quotes and a line break.
  std::ofstream(file)
      << "flow,reporter,partner,year,quarter,month,hs_code,commodity,currency,units,nanos,"
         "source,quote\r\n"
      << "export,FR,NL,2017,,,,,EUR,11,,world-bank-kazakhstan-bri-case-study,\"one, "
         "\"\"two\"\"\"\r\n"
      << "\n"
      << "TRADE_FLOW_TOTAL,countries/FR,NL,2017,3,,2709,\"crude oil\",USD,12,500000000,"
         "sources/world-bank-kazakhstan-bri-case-study,\"line one\nline two\"\n";
  RunResult run = Run({"trade", "import", "--format", "csv", file.string()});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out, "received 2, stored 2, already present 0, rejected 0\n");

  RunResult listed = Run({"--output", "json", "trade", "list", "--filter",
                          "reporter=\"FR\" AND partner=\"NL\"", "--order-by", "value.units"});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  bilateral::v1::ListTradeRecordsResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(listed.out, &response).ok()) << listed;
  ASSERT_EQ(response.trade_records_size(), 2) << listed;
  const auto& first = response.trade_records(0);
  EXPECT_EQ(first.flow(), bilateral::v1::TRADE_FLOW_EXPORT);
  EXPECT_EQ(first.period().year(), 2017);
  EXPECT_EQ(first.value().currency_code(), "EUR");
  EXPECT_EQ(first.value().units(), 11);
  EXPECT_FALSE(first.has_commodity());
  ASSERT_EQ(first.citations_size(), 1);
  EXPECT_EQ(first.citations(0).source(), "sources/world-bank-kazakhstan-bri-case-study");
  EXPECT_EQ(first.citations(0).quote(), "one, \"two\"");
  const auto& second = response.trade_records(1);
  EXPECT_EQ(second.flow(), bilateral::v1::TRADE_FLOW_TOTAL);
  EXPECT_EQ(second.period().quarter(), 3);
  EXPECT_EQ(second.commodity().hs_code(), "2709");
  EXPECT_EQ(second.commodity().label(), "crude oil");
  EXPECT_EQ(second.value().nanos(), 500000000);
  EXPECT_EQ(second.citations(0).quote(), "line one\nline two");
}

TEST_F(BilateralctlTest, TradeImportNamesWhatIsWrongWithACsvFile) {
  const std::string header =
      "reporter,partner,year,quarter,month,flow,hs_code,commodity,currency,units,nanos,source,"
      "quote\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"reporter,partner,price\nFR,BE,3\n", ":1: the header must name the columns"},
      {header + "FR,BE,2017,,,EXPORT,,,EUR,11,,s,q\nFR,BE,20x7,,,EXPORT,,,EUR,11,,s,q\n",
       ":3: column year: '20x7' is not a whole number"},
      {header + "FR,BE,2017,,,SIDEWAYS,,,EUR,11,,s,q\n",
       ":2: column flow: 'SIDEWAYS' is not EXPORT, IMPORT or TOTAL"},
      {header + "FR,BE,2017\n", ":2: 3 fields, not 13"},
      {header + "FR,BE,2017,,,EXPORT,,,EUR,11,,s,\"open\n", "a quoted field is not closed"},
  };
  for (const auto& [text, problem] : cases) {
    fs::path file = Dir() / "bad.csv";
    std::ofstream(file) << text;
    RunResult run = Run({"trade", "import", "--format=csv", file.string()});
    EXPECT_EQ(run.exit_code, 2) << run;
    EXPECT_THAT(run.err, HasSubstr(problem)) << run;
  }
  RunResult listed = Run({"trade", "list", "--filter", "partner=\"BE\""});
  EXPECT_THAT(listed.out, Not(HasSubstr("EUR 11"))) << "nothing may be sent";
}

// A file in the column layout of UN Comtrade's data API and bulk downloads
// (a subset of its columns, in its order): each row a record citing the
// source named, with its own line as the quote; rows that cannot be records
// are rejected one by one, with their line, and the others stored.
TEST_F(BilateralctlTest, TradeImportReadsUnComtradeCsv) {
  fs::path file = Dir() / "comtrade.csv";
  const std::string header =
      "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,"
      "reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,cmdCode,cmdDesc,"
      "qtyUnitAbbr,qty,primaryValue\n";
  const std::string total =
      "C,A,20230101,2023,52,2023,156,CHN,China,X,Export,398,KAZ,Kazakhstan,TOTAL,"
      "All Commodities,N/A,0,24673440000.5\n";
  const std::string oil =
      "C,M,20230301,2023,3,202303,156,CHN,China,M,Import,398,KAZ,Kazakhstan,2709,"
      "\"Petroleum oils, crude\",kg,1000,1.25E+8\n";
  std::ofstream(file) << header << total << oil
                      << "C,A,20230101,2023,52,2023,156,CHN,China,RX,Re-export,398,KAZ,"
                         "Kazakhstan,TOTAL,All Commodities,N/A,0,5\n"
                      << "C,A,20230101,2023,52,2023,156,CHN,China,X,Export,398,KAZ,"
                         "Kazakhstan,27A,Fuels,N/A,0,5\n"
                      << "C,A,20230101,2023,52,2023,156,CHN,China,X,Export,398,KAZ,"
                         "Kazakhstan,27,Fuels,N/A,0,12x\n";
  RunResult missing_source = Run({"trade", "import", "--format", "comtrade", file.string()});
  EXPECT_EQ(missing_source.exit_code, 2) << missing_source;
  EXPECT_THAT(missing_source.err, HasSubstr("needs --source"));

  // A source without text, so each row's own line may be its quote.
  RunResult run = Run({"trade", "import", "--format", "comtrade", "--source",
                       "world-bank-kazakhstan-bri-case-study", file.string()});
  EXPECT_EQ(run.exit_code, 1) << run;
  EXPECT_EQ(run.out, "received 5, stored 2, already present 0, rejected 3\n") << run;
  EXPECT_THAT(run.err, HasSubstr(file.string() + ":4): INVALID_ARGUMENT: flowCode: 'RX'"));
  EXPECT_THAT(run.err, HasSubstr(file.string() + ":5): INVALID_ARGUMENT: cmdCode: '27A'"));
  EXPECT_THAT(run.err, HasSubstr(file.string() + ":6): INVALID_ARGUMENT: primaryValue: '12x'"));

  RunResult listed = Run({"--output", "json", "trade", "list", "--filter",
                          "reporter=\"CN\" AND partner=\"KZ\" AND period.year=2023", "--order-by",
                          "value.units desc"});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  bilateral::v1::ListTradeRecordsResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(listed.out, &response).ok()) << listed;
  std::vector<const bilateral::v1::TradeRecord*> imported;
  for (const auto& record : response.trade_records()) {
    if (record.citations_size() == 1 && absl::StartsWith(record.citations(0).quote(), "C,")) {
      imported.push_back(&record);
    }
  }
  ASSERT_EQ(imported.size(), 2u) << listed;
  const auto& annual = *imported[0];
  EXPECT_EQ(annual.flow(), bilateral::v1::TRADE_FLOW_EXPORT);
  EXPECT_EQ(annual.period().year(), 2023);
  EXPECT_EQ(annual.period().month(), 0);
  EXPECT_FALSE(annual.has_commodity());
  EXPECT_EQ(annual.value().currency_code(), "USD");
  EXPECT_EQ(annual.value().units(), 24673440000);
  EXPECT_EQ(annual.value().nanos(), 500000000);
  EXPECT_EQ(annual.citations(0).source(), "sources/world-bank-kazakhstan-bri-case-study");
  EXPECT_EQ(annual.citations(0).quote() + "\n", total);
  const auto& monthly = *imported[1];
  EXPECT_EQ(monthly.flow(), bilateral::v1::TRADE_FLOW_IMPORT);
  EXPECT_EQ(monthly.period().month(), 3);
  EXPECT_EQ(monthly.commodity().hs_code(), "2709");
  EXPECT_EQ(monthly.commodity().label(), "Petroleum oils, crude");
  EXPECT_EQ(monthly.value().units(), 125000000);
}

// The lines of `text`, without empty ones.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Each NDJSON line of `text` as a T in protobuf JSON, without what the server
// sets on every write (create and update times, etag).
template <typename T>
std::vector<std::string> WithoutWriteStamps(const std::string& text) {
  std::vector<std::string> records;
  for (const std::string& line : Lines(text)) {
    T record;
    if (!google::protobuf::util::JsonStringToMessage(line, &record).ok()) {
      records.push_back("not a record: " + line);
      continue;
    }
    record.clear_create_time();
    record.clear_update_time();
    record.clear_etag();
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(record, &json);
    records.push_back(json);
  }
  return records;
}

// Every record kind's word, in Dataset order (so that what a record cites or
// links to is imported before it), with how to compare its exports.
const std::vector<std::pair<std::string, std::vector<std::string> (*)(const std::string&)>>
    kExportedKinds = {
        {"sources", &WithoutWriteStamps<bilateral::v1::Source>},
        {"visits", &WithoutWriteStamps<bilateral::v1::Visit>},
        {"partnerships", &WithoutWriteStamps<bilateral::v1::Partnership>},
        {"trade", &WithoutWriteStamps<bilateral::v1::TradeRecord>},
        {"infrastructure", &WithoutWriteStamps<bilateral::v1::InfrastructureProject>},
        {"exchanges", &WithoutWriteStamps<bilateral::v1::Exchange>},
        {"observations", &WithoutWriteStamps<bilateral::v1::Observation>},
};

TEST_F(BilateralctlTest, ExportThenImportIntoAnEmptyServerGivesTheSameRecords) {
  fs::path dir = Dir() / "round-trip";
  ASSERT_TRUE(fs::create_directory(dir));
  std::string error;
  auto empty = ServerProcess::Start(dir, {"--seed=false"}, &error);
  ASSERT_NE(empty, nullptr) << error;

  for (const auto& [word, normalize] : kExportedKinds) {
    const std::string file = (dir / (word + ".ndjson")).string();
    RunResult exported = Run({word, "export", file});
    ASSERT_EQ(exported.exit_code, 0) << word << "\n" << exported;
    RunResult imported = Run({word, "import", file}, empty.get());
    ASSERT_EQ(imported.exit_code, 0) << word << "\n" << imported;
    EXPECT_EQ(imported.err, "") << word;
    RunResult again = Run({word, "export"}, empty.get());
    ASSERT_EQ(again.exit_code, 0) << word << "\n" << again;

    std::vector<std::string> before = normalize(ReadText(file));
    EXPECT_FALSE(before.empty()) << word << ": the seed has records of every kind";
    EXPECT_EQ(before, normalize(again.out)) << word;
  }
}

TEST_F(BilateralctlTest, ExportWritesOneNamedRecordPerLineAndStaysQuietOffATerminal) {
  RunResult run = Run({"visits", "export", "--filter", "host_country=\"KZ\""});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.err, "");  // no progress: stderr is a file
  std::vector<std::string> names;
  for (const std::string& line : Lines(run.out)) {
    bilateral::v1::Visit visit;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &visit).ok()) << line;
    names.push_back(visit.name());
  }
  EXPECT_THAT(names, ::testing::UnorderedElementsAreArray(kKazakhstanInDateOrder));

  fs::path file = Dir() / "sources.ndjson";
  RunResult to_file = Run({"--output", "json", "sources", "export", file.string()});
  ASSERT_EQ(to_file.exit_code, 0) << to_file;
  EXPECT_EQ(to_file.out, "{\n  \"exported\": 3\n}\n");
  EXPECT_EQ(Lines(ReadText(file)).size(), 3u);
  EXPECT_FALSE(fs::exists(file.string() + ".partial"));

  // A failed export leaves no file behind.
  fs::path failed = Dir() / "failed.ndjson";
  RunResult bad = Run({"visits", "export", "--filter", "host_country=(", failed.string()});
  EXPECT_EQ(bad.exit_code, 1) << bad;
  EXPECT_FALSE(fs::exists(failed));
  EXPECT_FALSE(fs::exists(failed.string() + ".partial"));
  EXPECT_EQ(Run({"visits", "export", (Dir() / "no-such-dir" / "x.ndjson").string()}).exit_code, 3);
}

TEST_F(BilateralctlTest, TransfersShowProgressOnATerminal) {
  fs::path file = Dir() / "progress.ndjson";
  RunResult exported = RunOnTerminal({"visits", "export", file.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported;
  EXPECT_THAT(exported.err, HasSubstr("exported 4 visits")) << exported;
  EXPECT_EQ(exported.out, "exported 4\n");

  RunResult imported = RunOnTerminal({"visits", "import", file.string()});
  ASSERT_EQ(imported.exit_code, 0) << imported;
  EXPECT_THAT(imported.err, AllOf(HasSubstr("already present: visits/xi-jinping-kz-2024"),
                                  HasSubstr("imported 4 visits")))
      << imported;
  EXPECT_EQ(imported.out, "created 0, already present 4\n");
}

TEST_F(BilateralctlTest, ImportSkipsRecordsThatExistAndStopsAtAnInvalidOne) {
  RunResult existing = Run({"--output", "ndjson", "visits", "get", "xi-jinping-kz-2024"});
  ASSERT_EQ(existing.exit_code, 0) << existing;
  const std::string visit = R"("visitor":{"name":"Test Person","country":"countries/FR"},)"
                            R"("hostCountry":"countries/DE","startDate":{"year":2020},)" +
                            kCitations + "}";
  fs::path file = Dir() / "visits.ndjson";
  std::ofstream(file) << existing.out  // already a line of its own
                      << R"({"name":"visits/test-import-a",)" << visit << "\n"
                      << R"({"name":"visits/test-import-bad","startDate":{"year":2020}})"
                      << "\n"
                      << R"({"name":"visits/test-import-b",)" << visit << "\n";
  RunResult run = Run({"visits", "import", file.string()});
  EXPECT_EQ(run.exit_code, 1) << run;
  EXPECT_THAT(
      run.err,
      AllOf(HasSubstr("already present: visits/xi-jinping-kz-2024 (" + file.string() + ":1)"),
            HasSubstr("error: INVALID_ARGUMENT: "), HasSubstr("\n  visit.host_country"),
            HasSubstr("record: visits/test-import-bad (" + file.string() + ":3)"),
            HasSubstr("before it: created 1, already present 1")))
      << run;
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(Run({"visits", "get", "test-import-a"}).exit_code, 0);
  EXPECT_EQ(Run({"visits", "get", "test-import-b"}).exit_code, 1) << "the import stopped";
}

TEST_F(BilateralctlTest, ImportReadsTheWholeFileBeforeSendingAnything) {
  fs::path file = Dir() / "half-bad.ndjson";
  std::ofstream(file) << R"({"name":"sources/test-never","title":"T","kind":"SOURCE_KIND_REPORT"})"
                      << "\n{not json\n";
  RunResult run = Run({"sources", "import", file.string()});
  EXPECT_EQ(run.exit_code, 2) << run;
  EXPECT_THAT(run.err, HasSubstr(file.string() + ":2 is not a bilateral.v1.Source")) << run;
  EXPECT_EQ(Run({"sources", "get", "test-never"}).exit_code, 1);
  EXPECT_EQ(Run({"sources", "import", (Dir() / "missing.ndjson").string()}).exit_code, 3);
}

TEST_F(BilateralctlTest, NdjsonOutputPrintsOneObjectPerLine) {
  RunResult listed = Run({"--output", "ndjson", "visits", "list", "--page-size", "1"});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  std::vector<std::string> lines = Lines(listed.out);
  ASSERT_EQ(lines.size(), 4u) << listed;
  for (const std::string& line : lines) {
    bilateral::v1::Visit visit;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &visit).ok()) << line;
  }
  RunResult got = Run({"--output", "ndjson", "countries", "get", "KZ"});
  ASSERT_EQ(got.exit_code, 0) << got;
  EXPECT_EQ(Lines(got.out).size(), 1u) << got;
  EXPECT_THAT(got.out, HasSubstr(R"("name":"countries/KZ")"));
}

TEST_F(BilateralctlTest, FindingsListGetAndExportTheOpenFindingsOfTheSeed) {
  // A server of its own: records other tests create may raise findings.
  fs::path dir = Dir() / "findings";
  ASSERT_TRUE(fs::create_directory(dir));
  std::string error;
  auto seeded = ServerProcess::Start(dir, {}, &error);
  ASSERT_NE(seeded, nullptr) << error;

  RunResult listed = Run({"findings", "list", "--filter", "state = OPEN"}, seeded.get());
  ASSERT_EQ(listed.exit_code, 0) << listed;
  EXPECT_THAT(listed.out,
              AllOf(HasSubstr("NAME"), HasSubstr("STATE"), HasSubstr("SUBJECT"),
                    HasSubstr("findings/visit-ordinal-xi-jinping-kz-2024"),
                    HasSubstr("findings/trade-change-kz-cn-total-2023"), HasSubstr("OPEN"),
                    HasSubstr("visits/xi-jinping-kz-2024"), Not(HasSubstr("CLOSED"))));

  // One finding per page: the output still holds every page, and only the
  // open findings.
  RunResult json =
      Run({"--output", "json", "findings", "list", "--filter", "state = OPEN", "--page-size", "1"},
          seeded.get());
  ASSERT_EQ(json.exit_code, 0) << json;
  bilateral::v1::ListFindingsResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &response).ok()) << json;
  std::vector<std::string> names;
  for (const bilateral::v1::Finding& finding : response.findings()) {
    EXPECT_EQ(finding.state(), bilateral::v1::FINDING_STATE_OPEN) << finding.name();
    names.push_back(finding.name());
  }
  EXPECT_THAT(names, UnorderedElementsAre("findings/visit-ordinal-xi-jinping-kz-2024",
                                          "findings/trade-change-kz-cn-total-2023"));

  RunResult got = Run({"findings", "get", "visit-ordinal-xi-jinping-kz-2024"}, seeded.get());
  ASSERT_EQ(got.exit_code, 0) << got;
  EXPECT_THAT(
      got.out,
      AllOf(ContainsRegex("name: +findings/visit-ordinal-xi-jinping-kz-2024\n"),
            ContainsRegex("state: +OPEN\n"), ContainsRegex("subject: +visits/xi-jinping-kz-2024\n"),
            ContainsRegex("stated value: +5\n"), HasSubstr("resolution:"), HasSubstr("etag:")));
  RunResult missing = Run({"findings", "get", "findings/none-such"}, seeded.get());
  EXPECT_EQ(missing.exit_code, 1) << missing;
  EXPECT_THAT(missing.err, HasSubstr("error: NOT_FOUND: ")) << missing;

  RunResult exported = Run({"findings", "export", "--filter", "state = OPEN"}, seeded.get());
  ASSERT_EQ(exported.exit_code, 0) << exported;
  EXPECT_EQ(Lines(exported.out).size(), 2u) << exported;
}

TEST_F(BilateralctlTest, SearchFindsTheRecordsOfTheSeedBestFirst) {
  // A server of its own: records other tests create may match too.
  fs::path dir = Dir() / "search";
  ASSERT_TRUE(fs::create_directory(dir));
  std::string error;
  auto seeded = ServerProcess::Start(dir, {}, &error);
  ASSERT_NE(seeded, nullptr) << error;

  RunResult found = Run({"search", "wind farm"}, seeded.get());
  ASSERT_EQ(found.exit_code, 0) << found;
  std::vector<std::string> lines = Lines(found.out);
  ASSERT_GE(lines.size(), 2u) << found;
  EXPECT_THAT(lines[0], AllOf(HasSubstr("NAME"), HasSubstr("SCORE"), HasSubstr("SNIPPET")));
  EXPECT_THAT(lines[1],
              AllOf(HasSubstr("infrastructureProjects/zhanatas-wind-farm"), HasSubstr("[")));

  // A match in a source's text says where the snippet stands in it.
  RunResult in_text = Run({"search", "Zhanatas", "--collections", "sources"}, seeded.get());
  ASSERT_EQ(in_text.exit_code, 0) << in_text;
  EXPECT_THAT(in_text.out, AllOf(HasSubstr("TEXT AT"),
                                 ContainsRegex("sources/xi-kazakhstan-sco-2024 +[-0-9.e]+ +"
                                               "[0-9]+-[0-9]+ +.*\\[Zhanatas\\]")))
      << in_text;

  // One result per page, limited to visits: every page, and only visits.
  RunResult json = Run(
      {"--output", "json", "search", "Xi Jinping", "--collections", "visits", "--page-size", "1"},
      seeded.get());
  ASSERT_EQ(json.exit_code, 0) << json;
  bilateral::v1::SearchResponse response;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &response).ok()) << json;
  EXPECT_GE(response.results_size(), 2) << json;
  for (const bilateral::v1::SearchResult& result : response.results()) {
    EXPECT_THAT(result.name(), ::testing::StartsWith("visits/"));
  }

  RunResult unknown = Run({"search", "wind", "--collections", "nonesuch"}, seeded.get());
  EXPECT_EQ(unknown.exit_code, 1) << unknown;
  EXPECT_THAT(unknown.err, HasSubstr("INVALID_ARGUMENT")) << unknown;
}

TEST_F(BilateralctlTest, RelationshipsGetSaysHowManyOfTheLatestPeriodAreShown) {
  // A server of its own, and a pair whose latest year has more records
  // than a dossier lists.
  fs::path dir = Dir() / "latest-period";
  ASSERT_TRUE(fs::create_directory(dir));
  std::string error;
  auto server = ServerProcess::Start(dir, {}, &error);
  ASSERT_NE(server, nullptr) << error;
  fs::path file = dir / "trade.csv";
  {
    std::ofstream csv(file);
    csv << "flow,reporter,partner,year,quarter,month,hs_code,commodity,currency,units,nanos,"
           "source,quote\n";
    for (int i = 0; i < 120; ++i) {
      csv << "export,FR,NL,2030,,," << 1000 + i << ",,EUR," << 100 + i
          << ",,world-bank-kazakhstan-bri-case-study,figures\n";
    }
    csv << "export,FR,NL,2029,,,1000,,EUR,99,,world-bank-kazakhstan-bri-case-study,figures\n";
  }
  RunResult imported = Run({"trade", "import", "--format", "csv", file.string()}, server.get());
  ASSERT_EQ(imported.exit_code, 0) << imported;

  RunResult got = Run({"relationships", "get", "FR-NL"}, server.get());
  ASSERT_EQ(got.exit_code, 0) << got;
  EXPECT_THAT(got.out, HasSubstr("121 records, latest period 2030 (the first 100 of 120 shown)"))
      << got;
  RunResult json = Run({"--output", "json", "relationships", "get", "FR-NL"}, server.get());
  ASSERT_EQ(json.exit_code, 0) << json;
  bilateral::v1::Relationship dossier;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &dossier).ok()) << json;
  EXPECT_EQ(dossier.trade().record_count(), 121);
  EXPECT_EQ(dossier.trade().latest_record_count(), 120);
  ASSERT_EQ(dossier.trade().latest_records_size(), 100);
  EXPECT_EQ(dossier.trade().latest_period().year(), 2030);
}

TEST_F(BilateralctlTest, RelationshipsGetAndTimelineOfTheSeed) {
  // A server of its own: records other tests create may concern the pair.
  fs::path dir = Dir() / "relationships";
  ASSERT_TRUE(fs::create_directory(dir));
  std::string error;
  auto seeded = ServerProcess::Start(dir, {}, &error);
  ASSERT_NE(seeded, nullptr) << error;

  RunResult got = Run({"relationships", "get", "relationships/KZ-CN"}, seeded.get());
  ASSERT_EQ(got.exit_code, 0) << got;
  EXPECT_THAT(got.out, AllOf(ContainsRegex("name: +relationships/CN-KZ\n"),
                             ContainsRegex("countries: +CN, KZ\n"), HasSubstr("partnership:"),
                             HasSubstr("visits:"), HasSubstr("CN visiting KZ: "),
                             HasSubstr("trade:"), HasSubstr("open findings:")));
  RunResult json = Run({"--output", "json", "relationships", "get", "KZ-CN"}, seeded.get());
  ASSERT_EQ(json.exit_code, 0) << json;
  bilateral::v1::Relationship dossier;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json.out, &dossier).ok()) << json;
  EXPECT_EQ(dossier.name(), "relationships/CN-KZ");
  EXPECT_GT(dossier.visits().total_count(), 0);
  RunResult same = Run({"relationships", "get", "relationships/KZ-KZ"}, seeded.get());
  EXPECT_EQ(same.exit_code, 1) << same;
  EXPECT_THAT(same.err, HasSubstr("INVALID_ARGUMENT")) << same;

  RunResult timeline =
      Run({"relationships", "timeline", "relationships/CN-KZ", "--filter", "kind = VISIT"},
          seeded.get());
  ASSERT_EQ(timeline.exit_code, 0) << timeline;
  EXPECT_THAT(timeline.out, AllOf(HasSubstr("DATE"), HasSubstr("KIND"), HasSubstr("RECORD"),
                                  HasSubstr("SUMMARY"), Not(HasSubstr("TRADE"))));
  size_t first = timeline.out.find("visits/xi-jinping-kz-2013");
  size_t last = timeline.out.find("visits/xi-jinping-kz-2024");
  ASSERT_NE(first, std::string::npos) << timeline;
  ASSERT_NE(last, std::string::npos) << timeline;
  EXPECT_LT(first, last) << timeline;

  // Two entries per page: NDJSON holds every page, one entry per line, all
  // visits in date order.
  RunResult ndjson = Run({"--output", "ndjson", "relationships", "timeline", "CN-KZ", "--filter",
                          "kind = VISIT", "--page-size", "2"},
                         seeded.get());
  ASSERT_EQ(ndjson.exit_code, 0) << ndjson;
  std::vector<std::string> records;
  for (const std::string& line : Lines(ndjson.out)) {
    bilateral::v1::TimelineEntry entry;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &entry).ok()) << line;
    EXPECT_EQ(entry.kind(), bilateral::v1::TIMELINE_ENTRY_KIND_VISIT) << line;
    records.push_back(entry.record());
  }
  auto position = [&](const std::string& record) {
    return std::find(records.begin(), records.end(), record) - records.begin();
  };
  EXPECT_LT(position("visits/xi-jinping-kz-2013"), position("visits/xi-jinping-kz-2024"));
  EXPECT_LT(position("visits/xi-jinping-kz-2024"), static_cast<long>(records.size()));
}

TEST_F(BilateralctlTest, TlsFilesThatCannotBeReadExitThree) {
  fs::path missing = Dir() / "missing-ca.pem";
  RunResult by_flag = Run({"--tls-ca-file", missing.string(), "visits", "list"});
  EXPECT_EQ(by_flag.exit_code, 3) << by_flag;
  EXPECT_THAT(by_flag.err, HasSubstr("cannot read the TLS CA file " + missing.string()));
  RunResult by_environment = RunRaw({"--endpoint", Endpoint(), "visits", "list"},
                                    {"BILATERAL_TLS_CA_FILE=" + missing.string()});
  EXPECT_EQ(by_environment.exit_code, 3) << by_environment;
}

}  // namespace
