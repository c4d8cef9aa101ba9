// The embedded store when its storage fails it. Each fault is made two
// ways: through a fault-injecting SQLite VFS in this process (always; no
// privileges needed), and on a small tmpfs of its own where this process may
// mount one (root with CAP_SYS_ADMIN; skipped, saying so, elsewhere):
// - a disk that fills up: writes fail with RESOURCE_EXHAUSTED saying the
//   store is out of disk space; reads keep working; the refused write is not
//   stored in part; the file passes SQLite's integrity check; once there is
//   room again, writes succeed and every acknowledged record is intact;
// - a database file that cannot be written: the server starts and serves
//   reads, writes fail with FAILED_PRECONDITION saying the store is
//   read-only, and nothing changes;
// - writes that fail with an I/O error (the VFS only): the write is refused,
//   nothing of it is stored, reads go on, and writes work once the disk does.
#include <sqlite3.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "bilateral/source_client.h"
#include "fault_vfs.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/seed.h"
#include "server/server.h"
#include "store/open_store.h"
#include "temp_dir.h"

namespace bilateral {
namespace {

using test::FaultVfs;
using ::testing::HasSubstr;

// A folder for a database whose storage can be made to fail.
class Disk {
 public:
  virtual ~Disk() = default;
  std::string File(const std::string& name) const { return dir_.File(name); }
  // Room for `bytes` in all; false if that cannot be arranged.
  virtual bool SetCapacity(int64_t bytes) = 0;
  virtual bool SetReadOnly(bool read_only) = 0;

 protected:
  const std::string& path() const { return dir_.path(); }

 private:
  test::TempDir dir_;
};

// Faults injected by the fault VFS, which SQLite uses from Install() on.
class VfsDisk final : public Disk {
 public:
  VfsDisk() { FaultVfs::Install(); }
  ~VfsDisk() override { FaultVfs::Clear(path()); }
  bool SetCapacity(int64_t bytes) override {
    FaultVfs::SetCapacity(path(), bytes);
    return true;
  }
  bool SetReadOnly(bool read_only) override {
    FaultVfs::SetReadOnly(path(), read_only);
    return true;
  }
  void SetWriteError(int error) { FaultVfs::SetWriteError(path(), error); }
};

// A tmpfs mounted on the folder, unmounted when done.
class TmpfsDisk final : public Disk {
 public:
  ~TmpfsDisk() override {
    if (mounted_) umount2(path().c_str(), MNT_DETACH);
  }
  // Mounts it; false, with the reason in `error()`, where mounting is not allowed.
  bool Mount(int64_t bytes) {
    mounted_ =
        mount("tmpfs", path().c_str(), "tmpfs", 0, absl::StrCat("size=", bytes).c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
    return mounted_;
  }
  const std::string& error() const { return error_; }
  bool SetCapacity(int64_t bytes) override {
    return mount("tmpfs", path().c_str(), "tmpfs", MS_REMOUNT,
                 absl::StrCat("size=", bytes).c_str()) == 0;
  }
  bool SetReadOnly(bool read_only) override {
    return mount("tmpfs", path().c_str(), "tmpfs", MS_REMOUNT | (read_only ? MS_RDONLY : 0),
                 nullptr) == 0;
  }

 private:
  bool mounted_ = false;
  std::string error_;
};

enum class Faults { kVfs, kTmpfs };
void PrintTo(Faults faults, std::ostream* out) {
  *out << (faults == Faults::kVfs ? "Vfs" : "Tmpfs");
}

// Each test runs once with faults from the VFS and once on a tmpfs.
class StorageFaultsTest : public ::testing::TestWithParam<Faults> {
 protected:
  // A disk with room for `bytes`; null (the test then skips, saying why)
  // where a tmpfs cannot be mounted.
  std::unique_ptr<Disk> MakeDisk(int64_t bytes, std::string* why_not) {
    if (GetParam() == Faults::kVfs) {
      auto disk = std::make_unique<VfsDisk>();
      disk->SetCapacity(bytes);
      return disk;
    }
    auto disk = std::make_unique<TmpfsDisk>();
    if (!disk->Mount(bytes)) {
      *why_not = absl::StrCat(
          "cannot mount a tmpfs here (", disk->error(),
          "; it needs root with CAP_SYS_ADMIN); the same faults are injected through SQLite's "
          "VFS in the Vfs variant of this test");
      return nullptr;
    }
    return disk;
  }
};

std::string IntegrityCheck(const std::string& path) {
  sqlite3* db = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr);
    result.clear();
    while (statement != nullptr && sqlite3_step(statement) == SQLITE_ROW) {
      absl::StrAppend(&result, result.empty() ? "" : "; ",
                      reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return result;
}

// A server on the store at `path`, and a client without retries.
struct Running {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<server::Server> server;
  std::unique_ptr<SourceClient> client;

  static absl::StatusOr<Running> Start(const std::string& path) {
    Running running;
    auto store = store::OpenStore(path, store::StoreOptions{});
    if (!store.ok()) return store.status();
    running.store = std::move(*store);
    if (auto status = server::PrepareStore(*running.store); !status.ok()) return status;
    server::ServerOptions options;
    options.listen = "127.0.0.1:0";
    auto server = server::Server::Start(options, running.store.get());
    if (!server.ok()) return server.status();
    running.server = std::move(*server);
    ClientOptions client_options;
    client_options.endpoint = absl::StrCat("127.0.0.1:", running.server->port());
    client_options.retry = RetryOptions::None();
    running.client = std::make_unique<SourceClient>(MakeSourceConnection(client_options));
    return running;
  }
  void Stop() {
    server->Shutdown(absl::Seconds(1));
    server.reset();
    client.reset();
    store.reset();
  }
};

v1::Source Bulky(int i) {
  v1::Source source;
  source.set_title(absl::StrCat("disk-full #", i));
  // Text that does not compress away: each record takes its room.
  std::string text;
  for (int j = 0; text.size() < 4000; ++j) {
    absl::StrAppend(&text, (i * 7919 + j) % 104729, " ");
  }
  source.set_description(text);
  return source;
}

// Creates `count` Bulky sources; `etags` gets each one's name and etag.
absl::Status CreateBulky(SourceClient& client, int count,
                         std::map<std::string, std::string>& etags) {
  for (int i = 0; i < count; ++i) {
    auto created = client.CreateSource(Bulky(i));
    if (!created.ok()) return created.status();
    etags[created->name()] = created->etag();
  }
  return absl::OkStatus();
}

TEST_P(StorageFaultsTest, DiskFullWritesFailClearlyReadsWorkNothingDamagedAndRoomAgainWorks) {
  std::string why_not;
  auto disk = MakeDisk(2 << 20, &why_not);
  if (disk == nullptr) GTEST_SKIP() << why_not;
  const std::string path = disk->File("bilateral.db");

  std::map<std::string, std::string> acknowledged;  // name -> title
  absl::Status refused;
  {
    auto running = Running::Start(path);
    ASSERT_TRUE(running.ok()) << running.status();
    for (int i = 0; i < 1000; ++i) {
      auto created = running->client->CreateSource(Bulky(i));
      if (!created.ok()) {
        refused = created.status();
        break;
      }
      acknowledged[created->name()] = created->title();
    }
    std::cout << "acknowledged " << acknowledged.size() << " records of 4 KB before the disk "
              << "was full; then: " << refused << "\n";
    ASSERT_FALSE(refused.ok()) << "the disk never filled up";
    EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted) << refused;
    EXPECT_THAT(refused.message(), HasSubstr("out of disk space"));

    // Still full: writes keep failing the same way; reads keep working.
    auto again = running->client->CreateSource(Bulky(-1));
    EXPECT_EQ(again.status().code(), absl::StatusCode::kResourceExhausted) << again.status();
    int read = 0;
    for (const auto& [name, title] : acknowledged) {
      auto source = running->client->GetSource(name);
      ASSERT_TRUE(source.ok()) << name << ": " << source.status();
      EXPECT_EQ(source->title(), title);
      ++read;
    }
    int listed = 0;
    for (auto& source : running->client->ListSources()) {
      ASSERT_TRUE(source.ok()) << source.status();
      ++listed;
    }
    EXPECT_EQ(listed, static_cast<int>(acknowledged.size())) << "a refused write was stored";
    std::cout << "while full: " << read << " reads by name, " << listed << " listed\n";
    running->Stop();
  }
  EXPECT_EQ(IntegrityCheck(path), "ok");

  // Room again: the same file serves, takes writes, and lost nothing.
  ASSERT_TRUE(disk->SetCapacity(16 << 20));
  auto running = Running::Start(path);
  ASSERT_TRUE(running.ok()) << running.status();
  auto created = running->client->CreateSource(Bulky(1000));
  EXPECT_TRUE(created.ok()) << created.status();
  int lost = 0;
  for (const auto& [name, title] : acknowledged) {
    auto source = running->client->GetSource(name);
    if (!source.ok() || source->title() != title || source->description().size() < 4000) {
      ++lost;
    }
  }
  std::cout << "after room was made: lost " << lost << " of " << acknowledged.size() << "\n";
  EXPECT_EQ(lost, 0);
  running->Stop();
  EXPECT_EQ(IntegrityCheck(path), "ok");
}

TEST_P(StorageFaultsTest, ReadOnlyDatabaseFileServesReadsAndRefusesWritesClearly) {
  std::string why_not;
  auto disk = MakeDisk(8 << 20, &why_not);
  if (disk == nullptr) GTEST_SKIP() << why_not;
  const std::string path = disk->File("bilateral.db");
  std::map<std::string, std::string> stored;  // name -> etag
  {
    auto running = Running::Start(path);
    ASSERT_TRUE(running.ok()) << running.status();
    ASSERT_TRUE(CreateBulky(*running->client, 20, stored).ok());
    running->Stop();
  }
  ASSERT_TRUE(disk->SetReadOnly(true));
  {
    auto running = Running::Start(path);
    ASSERT_TRUE(running.ok()) << running.status();
    for (const auto& [name, etag] : stored) {
      auto source = running->client->GetSource(name);
      ASSERT_TRUE(source.ok()) << name << ": " << source.status();
      EXPECT_EQ(source->etag(), etag);
    }
    int listed = 0;
    for (auto& source : running->client->ListSources()) {
      ASSERT_TRUE(source.ok()) << source.status();
      ++listed;
    }
    EXPECT_EQ(listed, static_cast<int>(stored.size()));

    auto created = running->client->CreateSource(Bulky(100));
    EXPECT_EQ(created.status().code(), absl::StatusCode::kFailedPrecondition) << created.status();
    EXPECT_THAT(created.status().message(), HasSubstr("read-only"));
    v1::Source changed = Bulky(0);
    changed.set_name(stored.begin()->first);
    auto updated = running->client->UpdateSource(changed);
    EXPECT_EQ(updated.status().code(), absl::StatusCode::kFailedPrecondition) << updated.status();
    auto deleted = running->client->DeleteSource(stored.begin()->first);
    EXPECT_EQ(deleted.code(), absl::StatusCode::kFailedPrecondition) << deleted;
    running->Stop();
  }
  ASSERT_TRUE(disk->SetReadOnly(false));
  EXPECT_EQ(IntegrityCheck(path), "ok");
  auto running = Running::Start(path);
  ASSERT_TRUE(running.ok()) << running.status();
  for (const auto& [name, etag] : stored) {
    auto source = running->client->GetSource(name);
    ASSERT_TRUE(source.ok()) << name << ": " << source.status();
    EXPECT_EQ(source->etag(), etag) << "changed while read-only";
  }
  EXPECT_TRUE(running->client->CreateSource(Bulky(101)).ok());
  running->Stop();
}

// A copy taken while the server ran, so its write-ahead log still holds
// writes: served read-only it would hide them, so it is refused, saying why.
TEST_P(StorageFaultsTest, ReadOnlyDatabaseWithUncheckpointedWritesIsRefusedNotServedStale) {
  std::string why_not;
  auto disk = MakeDisk(8 << 20, &why_not);
  if (disk == nullptr) GTEST_SKIP() << why_not;
  auto copy = MakeDisk(8 << 20, &why_not);
  ASSERT_NE(copy, nullptr) << why_not;
  auto running = Running::Start(disk->File("bilateral.db"));
  ASSERT_TRUE(running.ok()) << running.status();
  ASSERT_TRUE(running->client->CreateSource(Bulky(0)).ok());
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream from(disk->File("bilateral.db") + suffix, std::ios::binary);
    std::ofstream to(copy->File("bilateral.db") + suffix, std::ios::binary);
    to << from.rdbuf();
  }
  running->Stop();
  ASSERT_TRUE(copy->SetReadOnly(true));
  auto store = store::OpenStore(copy->File("bilateral.db"), store::StoreOptions{});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
  EXPECT_THAT(store.status().message(), HasSubstr("write-ahead log"));
  ASSERT_TRUE(copy->SetReadOnly(false));
}

// Writes that fail with an I/O error, as a failing disk's do: the write is
// refused, none of it is stored, reads go on; once the disk works again the
// same file takes writes and nothing acknowledged is lost.
TEST(StorageWriteErrorsTest, FailedWritesAreRefusedStoreNothingAndReadsGoOn) {
  VfsDisk disk;
  const std::string path = disk.File("bilateral.db");
  std::map<std::string, std::string> acknowledged;  // name -> etag
  {
    auto running = Running::Start(path);
    ASSERT_TRUE(running.ok()) << running.status();
    ASSERT_TRUE(CreateBulky(*running->client, 5, acknowledged).ok());
    disk.SetWriteError(EIO);
    const int64_t refused_before = FaultVfs::refused_writes();
    auto created = running->client->CreateSource(Bulky(100));
    EXPECT_FALSE(created.ok()) << "a write the disk refused was acknowledged";
    EXPECT_NE(created.status().code(), absl::StatusCode::kUnknown) << created.status();
    EXPECT_GT(FaultVfs::refused_writes(), refused_before) << "no write reached the disk";
    v1::Source changed = Bulky(200);
    changed.set_name(acknowledged.begin()->first);
    EXPECT_FALSE(running->client->UpdateSource(changed).ok());
    for (const auto& [name, etag] : acknowledged) {
      auto source = running->client->GetSource(name);
      ASSERT_TRUE(source.ok()) << name << ": " << source.status();
      EXPECT_EQ(source->etag(), etag);
    }
    disk.SetWriteError(0);
    // The disk works again: the running server takes writes.
    auto after = running->client->CreateSource(Bulky(300));
    ASSERT_TRUE(after.ok()) << after.status();
    acknowledged[after->name()] = after->etag();
    running->Stop();
  }
  EXPECT_EQ(IntegrityCheck(path), "ok");
  auto running = Running::Start(path);
  ASSERT_TRUE(running.ok()) << running.status();
  int listed = 0;
  for (auto& source : running->client->ListSources()) {
    ASSERT_TRUE(source.ok()) << source.status();
    ASSERT_EQ(acknowledged.count(source->name()), 1u) << "a refused write was stored";
    EXPECT_EQ(source->etag(), acknowledged[source->name()]) << source->name();
    ++listed;
  }
  EXPECT_EQ(listed, static_cast<int>(acknowledged.size()));
  running->Stop();
}

INSTANTIATE_TEST_SUITE_P(Faults, StorageFaultsTest, ::testing::Values(Faults::kVfs, Faults::kTmpfs),
                         [](const ::testing::TestParamInfo<Faults>& info) {
                           return info.param == Faults::kVfs ? "Vfs" : "Tmpfs";
                         });

}  // namespace
}  // namespace bilateral
