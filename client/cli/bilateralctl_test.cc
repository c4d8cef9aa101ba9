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
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bilateral/v1/dataset.pb.h"
#include "bilateral/v1/trade.pb.h"
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
           {"trade", "batch-get"},
           {"trade", "import"},
           {"trade", "import", "a.ndjson", "b.ndjson"},
           {"trade", "import", "a.ndjson", "--chunk-size", "0"},
           {"trade", "list", "--use-names"},
           {"countries", "create", "--json", "{}"},
           {"countries", "delete", "KZ"},
           {"exchanges", "update", "x"},
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
        "Exit codes", "3  local I/O error", "trade import FILE", "countries get NAME",
        "--chunk-size", "--use-names"}) {
    EXPECT_THAT(run.out, HasSubstr(text));
  }
  for (const char* word : {"sources", "visits", "partnerships", "trade", "infrastructure",
                           "exchanges", "observations"}) {
    for (const char* verb : {" list", " get NAME", " batch-get NAME...", " create",
                             " update NAME", " delete NAME"}) {
      EXPECT_THAT(run.out, HasSubstr(std::string("\n  ") + word + verb)) << word << verb;
    }
  }
  EXPECT_THAT(run.out, Not(HasSubstr("countries create")));
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

TEST_F(BilateralctlTest, LoadCountsRecordsAlreadyPresent) {
  RunResult run = Run({"load", BILATERAL_SEED_FILE});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out, "created 0, already present " +
                         std::to_string(RecordCount(SeedDataset())) + "\n");
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
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(list.out, &page, options).ok())
        << list;
    listed.MergeFrom(page);
  }
  EXPECT_EQ(listed.sources_size(), seed.sources_size());
  EXPECT_EQ(listed.visits_size(), seed.visits_size());
  EXPECT_EQ(listed.partnerships_size(), seed.partnerships_size());
  EXPECT_EQ(listed.trade_records_size(), seed.trade_records_size());
  EXPECT_EQ(listed.infrastructure_projects_size(), seed.infrastructure_projects_size());
  EXPECT_EQ(listed.exchanges_size(), seed.exchanges_size());
  EXPECT_EQ(listed.observations_size(), seed.observations_size());
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
    R"("citations":[{"source":"sources/xi-kazakhstan-sco-2024","quote":"test quote"}])";

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

  RunResult created = Run({c.word, "create", "--json", c.first, "--id", "test-first",
                           "--output", "json"});
  ASSERT_EQ(created.exit_code, 0) << created;
  EXPECT_THAT(created.out, HasSubstr("\"name\": \"" + first + "\""));
  const std::string first_etag = EtagOf(created.out);
  ASSERT_FALSE(first_etag.empty()) << created;
  RunResult created_second = Run({c.word, "create", "--json", c.second, "--id", "test-second"});
  ASSERT_EQ(created_second.exit_code, 0) << created_second;
  EXPECT_THAT(created_second.out, AllOf(HasSubstr("name:"), HasSubstr(second)));

  RunResult listed = Run({c.word, "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  EXPECT_THAT(listed.out, AllOf(HasSubstr("NAME"), HasSubstr(c.header), HasSubstr(first),
                                HasSubstr(second),
                                HasSubstr("    > test quote — sources/xi-kazakhstan-sco-2024")));
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
  std::ofstream(file) << row << R"(,"period":{"year":2018}})" << "\n\n"
                      << R"({"reporter":"countries/FR","flow":"TRADE_FLOW_EXPORT"})" << "\n"
                      << row << R"(,"period":{"year":2019}})" << "\n";
  RunResult run = Run({"trade", "import", file.string(), "--chunk-size", "2"});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out, "received 3, stored 2, rejected 1\n");
  EXPECT_THAT(run.err, AllOf(HasSubstr("rejected " + file.string() + ":3 (row 1): "
                                       "INVALID_ARGUMENT: "),
                             HasSubstr("\n  partner")))
      << run;

  RunResult listed = Run({"trade", "list", "--filter",
                          "reporter=\"FR\" AND partner=\"IT\" AND value.units=5"});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  EXPECT_THAT(listed.out, AllOf(HasSubstr("2018"), HasSubstr("2019"), HasSubstr("EUR 5")));

  // The same rows again collide with the stored ones; the summary in JSON
  // is the server's response.
  RunResult again = Run({"--output", "json", "trade", "import", file.string()});
  ASSERT_EQ(again.exit_code, 0) << again;
  bilateral::v1::ImportTradeRecordsResponse summary;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(again.out, &summary).ok()) << again;
  EXPECT_EQ(summary.received_count(), 3);
  EXPECT_EQ(summary.stored_count(), 0);
  EXPECT_EQ(summary.rejected_count(), 3);
  EXPECT_THAT(again.err, HasSubstr("ALREADY_EXISTS")) << again;
}

TEST_F(BilateralctlTest, TradeImportKeepsNamesAndChecksItsInput) {
  fs::path file = Dir() / "named.ndjson";
  std::ofstream(file) << R"({"name":"tradeRecords/test-import-named","reporter":"countries/FR",)"
                         R"("partner":"countries/ES","flow":"TRADE_FLOW_TOTAL",)"
                         R"("value":{"currencyCode":"EUR","units":"7"},)"
                      << kCitations << "}\n";
  RunResult run = Run({"trade", "import", file.string(), "--use-names"});
  ASSERT_EQ(run.exit_code, 0) << run;
  EXPECT_EQ(run.out, "received 1, stored 1, rejected 0\n");
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(Run({"trade", "get", "test-import-named"}).exit_code, 0);

  // A line that is not a TradeRecord stops the import before anything is sent.
  fs::path bad = Dir() / "bad.ndjson";
  std::ofstream(bad) << R"({"reporter":"countries/FR"})" << "\n" << "{not json\n";
  RunResult bad_run = Run({"trade", "import", bad.string()});
  EXPECT_EQ(bad_run.exit_code, 2) << bad_run;
  EXPECT_THAT(bad_run.err, HasSubstr(bad.string() + ":2 is not a bilateral.v1.TradeRecord"));
  EXPECT_EQ(Run({"trade", "import", (Dir() / "missing.ndjson").string()}).exit_code, 3);
}

}  // namespace
