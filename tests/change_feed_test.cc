// The change feed end to end: events in commit order with their records,
// resuming from a cursor, expired and malformed cursors, shutdown; and a
// server killed mid-stream and started again, resumed with no gap and no
// duplicate.
#include <grpcpp/grpcpp.h>

#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "bilateral/v1/change.grpc.pb.h"
#include "bilateral/visit_client.h"
#include "child_process.h"
#include "gated_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "test_server.h"

namespace bilateral {
namespace {

using ::testing::ElementsAre;

// A WatchChanges stream read from a test.
class Watch {
 public:
  Watch(const std::string& endpoint, const v1::WatchChangesRequest& request)
      : stub_(v1::ChangeService::NewStub(
            grpc::CreateChannel(endpoint, grpc::InsecureChannelCredentials()))) {
    context_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    reader_ = stub_->WatchChanges(&context_, request);
    reader_->WaitForInitialMetadata();  // the stream is live
  }

  ~Watch() {
    if (finished_) return;
    context_.TryCancel();
    Finish();
  }

  // Reads until `count` events arrived (or the stream ends); every event.
  std::vector<v1::ChangeEvent> Next(size_t count) {
    std::vector<v1::ChangeEvent> events;
    v1::WatchChangesResponse response;
    while (events.size() < count && reader_->Read(&response)) {
      for (const auto& event : response.events()) events.push_back(event);
    }
    return events;
  }

  // Reads to the end of the stream; its status.
  grpc::Status Finish() {
    v1::WatchChangesResponse response;
    while (reader_->Read(&response)) {
    }
    finished_ = true;
    return reader_->Finish();
  }

 private:
  std::unique_ptr<v1::ChangeService::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::WatchChangesResponse>> reader_;
  bool finished_ = false;
};

v1::WatchChangesRequest From(const std::string& cursor,
                             std::vector<std::string> collections = {"visits"}) {
  v1::WatchChangesRequest request;
  request.set_cursor(cursor);
  for (auto& name : collections) request.add_collections(name);
  return request;
}

v1::Visit NewVisit(int year) {
  v1::Visit visit;
  visit.mutable_visitor()->set_name("Li Qiang");
  visit.mutable_visitor()->set_country("CN");
  visit.set_host_country("UZ");
  visit.mutable_start_date()->set_year(year);
  auto* citation = visit.add_citations();
  citation->set_source("sources/xi-kazakhstan-sco-2024");
  citation->set_quote("for a state visit");
  return visit;
}

std::vector<std::string> Names(const std::vector<v1::ChangeEvent>& events) {
  std::vector<std::string> names;
  for (const auto& event : events) {
    names.push_back(absl::StrCat(v1::ChangeKind_Name(event.kind()), " ", event.name()));
  }
  return names;
}

class ChangeFeedTest : public ::testing::Test {
 protected:
  test::TestServer server_;
  VisitClient visits_{MakeVisitConnection(server_.client_options())};
};

TEST_F(ChangeFeedTest, StreamsWritesInCommitOrderWithTheirRecords) {
  ASSERT_TRUE(server_.status().ok()) << server_.status();
  v1::WatchChangesRequest now;  // no cursor: what comes after the call
  now.add_collections("visits");
  Watch watch(server_.endpoint(), now);

  auto first = visits_.CreateVisit(NewVisit(2020), "li-uz-2020");
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = visits_.CreateVisit(NewVisit(2019), "li-uz-2019");  // renumbers the first
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(visits_.DeleteVisit("visits/li-uz-2019").ok());

  // Creating the earlier visit renumbers the later one, and deleting it
  // numbers it back: the service's own updates are changes too.
  auto events = watch.Next(5);
  EXPECT_THAT(
      Names(events),
      ElementsAre("CHANGE_KIND_CREATED visits/li-uz-2020", "CHANGE_KIND_CREATED visits/li-uz-2019",
                  "CHANGE_KIND_UPDATED visits/li-uz-2020", "CHANGE_KIND_DELETED visits/li-uz-2019",
                  "CHANGE_KIND_UPDATED visits/li-uz-2020"));
  ASSERT_EQ(events.size(), 5u);
  v1::Visit record;
  ASSERT_TRUE(events[2].record().UnpackTo(&record));
  EXPECT_EQ(record.name(), "visits/li-uz-2020");
  EXPECT_EQ(record.computed_ordinal(), 2);
  EXPECT_EQ(record.etag(), events[2].etag());
  EXPECT_FALSE(events[3].has_record());
  for (size_t i = 1; i < events.size(); ++i) EXPECT_NE(events[i].cursor(), events[i - 1].cursor());

  // Resuming after the second event gives exactly the two after it.
  Watch resumed(server_.endpoint(), From(events[1].cursor()));
  EXPECT_THAT(Names(resumed.Next(3)), ElementsAre("CHANGE_KIND_UPDATED visits/li-uz-2020",
                                                  "CHANGE_KIND_DELETED visits/li-uz-2019",
                                                  "CHANGE_KIND_UPDATED visits/li-uz-2020"));
}

TEST_F(ChangeFeedTest, OldestStartReplaysTheSeedAndFindingsAreInTheFeed) {
  ASSERT_TRUE(server_.status().ok()) << server_.status();
  v1::WatchChangesRequest oldest;
  oldest.set_start(v1::WATCH_START_OLDEST);
  oldest.add_collections("findings");
  Watch watch(server_.endpoint(), oldest);
  std::set<std::string> names;
  for (const auto& event : watch.Next(2)) names.insert(event.name());
  EXPECT_THAT(names, ::testing::Contains("findings/visit-ordinal-xi-jinping-kz-2024"));
}

TEST_F(ChangeFeedTest, BadRequestsAreInvalidArgument) {
  ASSERT_TRUE(server_.status().ok()) << server_.status();
  for (const auto& request :
       {From("not-a-cursor"), From("", {"visits", "nonsense"}),
        From("YmlsYXRlcmFsLnYxLmN1cnNvcjo5OTk5OTk5")}) {  // far ahead of the store
    Watch watch(server_.endpoint(), request);
    EXPECT_EQ(watch.Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << request.ShortDebugString();
  }
}

// Cursors are sealed and name their database: a forged, an altered, and
// another database's cursor are refused, never resumed at a wrong place.
TEST_F(ChangeFeedTest, ForgedAlteredAndForeignCursorsAreInvalidArgument) {
  ASSERT_TRUE(server_.status().ok()) << server_.status();
  test::TestServer other;  // a database of its own, seeded the same way
  ASSERT_TRUE(other.status().ok()) << other.status();
  v1::WatchChangesRequest oldest;
  oldest.set_start(v1::WATCH_START_OLDEST);
  oldest.add_collections("visits");
  auto ours = Watch(server_.endpoint(), oldest).Next(1);
  auto theirs = Watch(other.endpoint(), oldest).Next(1);
  ASSERT_FALSE(ours.empty());
  ASSERT_FALSE(theirs.empty());
  // Each server resumes from its own cursor.
  EXPECT_FALSE(Watch(server_.endpoint(), From(ours[0].cursor())).Next(1).empty());

  std::string altered = ours[0].cursor();
  altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
  const std::map<std::string, std::string> refused = {
      // base64 of "bilateral.v1.cursor:1": a position this store has.
      {"forged", "YmlsYXRlcmFsLnYxLmN1cnNvcjox"},
      {"altered", altered},
      {"another database's", theirs[0].cursor()},
  };
  for (const auto& [what, cursor] : refused) {
    Watch watch(server_.endpoint(), From(cursor));
    grpc::Status status = watch.Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << what;
    if (what == "another database's") {
      EXPECT_THAT(status.error_message(), ::testing::HasSubstr("another database"));
    }
  }
}

TEST_F(ChangeFeedTest, ShutdownEndsStreamsWithUnavailable) {
  ASSERT_TRUE(server_.status().ok()) << server_.status();
  Watch watch(server_.endpoint(), From(""));
  absl::SleepFor(absl::Milliseconds(200));  // the stream waits for changes
  server_.server().Shutdown(absl::Seconds(5));
  EXPECT_EQ(watch.Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(ChangeFeedRetentionTest, ACursorOlderThanTheRetainedChangesMustResync) {
  if (test::TestingPostgres()) {
    GTEST_SKIP() << "retention is set here through the SQLite options; the store "
                    "conformance suite covers it on PostgreSQL";
  }
  store::SqliteOptions sqlite;
  sqlite.change_retention = 5;
  test::TestServer server(/*seed=*/true, {}, sqlite);
  ASSERT_TRUE(server.status().ok()) << server.status();
  VisitClient visits(MakeVisitConnection(server.client_options()));
  Watch watch(server.endpoint(), From(""));
  ASSERT_TRUE(visits.CreateVisit(NewVisit(2000), "old").ok());
  auto first = watch.Next(1);
  ASSERT_EQ(first.size(), 1u);
  for (int year = 2001; year < 2012; ++year) ASSERT_TRUE(visits.CreateVisit(NewVisit(year)).ok());

  Watch stale(server.endpoint(), From(first[0].cursor()));
  grpc::Status status = stale.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("List"));
  EXPECT_THAT(status.error_details(), ::testing::HasSubstr("CURSOR_EXPIRED"));
}

// A server is killed (SIGKILL) while a client streams, and started again on
// the same database; the client resumes from its last cursor and sees every
// create exactly once.
TEST(ChangeFeedRestartTest, ResumingAfterAKilledServerLosesAndRepeatsNothing) {
  test::TempDir dir;
  auto database = test::TestDatabase(dir, "feed.db");
  ASSERT_TRUE(database.ok()) << database.status();
  auto serve = [&](int run) {
    const std::string port_file = dir.File(absl::StrCat("port", run));
    auto process = std::make_unique<test::ChildProcess>(
        BILATERAL_SERVER_PATH,
        std::vector<std::string>{"--listen=127.0.0.1:0", "--port_file=" + port_file,
                                 "--database=" + *database},
        dir.File(absl::StrCat("out", run)), dir.File(absl::StrCat("err", run)));
    int port = test::WaitForPort(*process, port_file, absl::Seconds(30));
    return std::make_pair(std::move(process), absl::StrCat("127.0.0.1:", port));
  };

  std::vector<std::string> created;
  std::vector<v1::ChangeEvent> received;
  auto create = [&](const std::string& endpoint, int count) {
    ClientOptions options;
    options.endpoint = endpoint;
    VisitClient visits(MakeVisitConnection(options));
    for (int i = 0; i < count; ++i) {
      const std::string id = absl::StrCat("v", created.size());
      ASSERT_TRUE(visits.CreateVisit(NewVisit(1990 + static_cast<int>(created.size())), id).ok());
      created.push_back("visits/" + id);
    }
  };

  auto [first, first_endpoint] = serve(1);
  ASSERT_TRUE(first->Running()) << first->Errors();
  v1::WatchChangesRequest from_start;
  from_start.set_start(v1::WATCH_START_OLDEST);
  from_start.add_collections("visits");
  {
    Watch watch(first_endpoint, from_start);
    create(first_endpoint, 30);
    // Take part of what was written, then the server dies mid-stream.
    for (auto& event : watch.Next(10)) received.push_back(event);
    first->Signal(SIGKILL);
    first->WaitExit(absl::Seconds(10));
    for (auto& event : watch.Next(100)) received.push_back(event);  // until the stream breaks
  }
  ASSERT_GE(received.size(), 10u);

  auto [second, second_endpoint] = serve(2);
  ASSERT_TRUE(second->Running()) << second->Errors();
  create(second_endpoint, 10);
  const size_t expected = 4 /* seed visits */ + created.size();
  Watch resumed(second_endpoint, From(received.back().cursor()));
  for (auto& event : resumed.Next(expected - received.size())) received.push_back(event);

  std::map<std::string, int> seen;
  for (const auto& event : received) {
    if (event.kind() == v1::CHANGE_KIND_CREATED) ++seen[event.name()];
  }
  for (const auto& name : created) EXPECT_EQ(seen[name], 1) << name;
  EXPECT_EQ(received.size(), expected);
  std::set<std::string> cursors;
  for (const auto& event : received) cursors.insert(event.cursor());
  EXPECT_EQ(cursors.size(), received.size()) << "an event was delivered twice";
}

// Threads in this process (the server runs in it).
int Threads() {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    (void)entry;
    ++count;
  }
  return count;
}

// Streams that have caught up share the feed's reads of new changes: the
// store is read for the changes far fewer times than there are streams,
// where each stream used to query for every batch it sent.
TEST(ChangeFeedSharingTest, CaughtUpStreamsShareOneReadOfEachNewBatch) {
  constexpr int kStreams = 32;
  constexpr int kWrites = 5;
  test::GatedStore* counted = nullptr;
  test::TestServer server(true, {}, {}, [&](std::unique_ptr<store::Store> inner) {
    auto gated = std::make_unique<test::GatedStore>(std::move(inner));
    counted = gated.get();
    return std::unique_ptr<store::Store>(std::move(gated));
  });
  ASSERT_TRUE(server.status().ok()) << server.status();
  VisitClient visits(MakeVisitConnection(server.client_options()));
  std::vector<std::unique_ptr<Watch>> watches;
  for (int i = 0; i < kStreams; ++i) {
    watches.push_back(std::make_unique<Watch>(server.endpoint(), From("")));
  }
  const int reads_before = counted->change_reads();
  std::vector<std::string> created;
  for (int i = 0; i < kWrites; ++i) {
    auto visit = visits.CreateVisit(NewVisit(1990 + i));
    ASSERT_TRUE(visit.ok()) << visit.status();
    created.push_back("CHANGE_KIND_CREATED " + visit->name());
  }
  for (auto& watch : watches) EXPECT_EQ(Names(watch->Next(kWrites)), created);
  const int reads = counted->change_reads() - reads_before;
  std::cout << kStreams << " streams, " << kWrites << " writes: " << reads
            << " reads of the feed\n";
  EXPECT_LT(reads, kStreams);
}

TEST(ChangeFeedLimitsTest, StreamsHoldNoThreadAndPastTheLimitAreResourceExhausted) {
  server::ServerOptions options;
  options.max_change_streams = 200;
  test::TestServer server(/*seed=*/true, options);
  ASSERT_TRUE(server.status().ok()) << server.status();
  const int threads_before = Threads();
  std::vector<std::unique_ptr<Watch>> watches;
  for (int i = 0; i < 200; ++i) {
    watches.push_back(std::make_unique<Watch>(server.endpoint(), From("")));
  }
  // 200 waiting streams cost no thread each (gRPC's own pool may grow a
  // little).
  EXPECT_LT(Threads() - threads_before, 40);

  Watch refused(server.endpoint(), From(""));
  grpc::Status status = refused.Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("200 change streams"));

  // Every stream still gets the next change.
  VisitClient visits(MakeVisitConnection(server.client_options()));
  ASSERT_TRUE(visits.CreateVisit(NewVisit(2001), "limits").ok());
  for (auto& watch : watches) {
    auto events = watch->Next(1);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].name(), "visits/limits");
  }
  // Closing streams makes room again.
  watches.resize(150);
  absl::SleepFor(absl::Milliseconds(300));
  Watch admitted(server.endpoint(), From(""));
  ASSERT_TRUE(visits.CreateVisit(NewVisit(2002), "limits-again").ok());
  EXPECT_EQ(admitted.Next(1).size(), 1u);
}

}  // namespace
}  // namespace bilateral
