#include "fault_vfs.h"

#include <dirent.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <climits>
#include <cstring>
#include <map>
#include <mutex>
#include <new>

namespace bilateral::test {
namespace {

struct Rule {
  int64_t capacity = -1;
  bool read_only = false;
  int write_error = 0;
};

std::mutex rules_mu;
std::map<std::string, Rule>& Rules() {  // folder (canonical) -> rule; guarded by rules_mu
  static auto* rules = new std::map<std::string, Rule>();
  return *rules;
}
std::atomic<int64_t> refused{0};
// The errno of the last fault injected on this thread, reported once through
// xGetLastError as the operating system's VFS reports its own.
thread_local int injected_errno = 0;

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs fault_vfs;
sqlite3_io_methods fault_methods;

std::string Canonical(const std::string& path) {
  char resolved[PATH_MAX];
  if (realpath(path.c_str(), resolved) != nullptr) return resolved;
  return path;
}

std::string FolderOf(const std::string& path) {
  std::string folder = path.substr(0, path.find_last_of('/'));
  return Canonical(folder.empty() ? "/" : folder);
}

// The rule for a file or folder, if any. `path` may be a folder itself.
bool FindRule(const std::string& path, std::string* folder, Rule* rule) {
  std::lock_guard<std::mutex> lock(rules_mu);
  std::string canonical = Canonical(path);
  for (const auto& candidate : {canonical, FolderOf(path)}) {
    auto it = Rules().find(candidate);
    if (it != Rules().end()) {
      if (folder != nullptr) *folder = it->first;
      *rule = it->second;
      return true;
    }
  }
  return false;
}

int64_t FolderBytes(const std::string& folder) {
  int64_t total = 0;
  DIR* dir = opendir(folder.c_str());
  if (dir == nullptr) return 0;
  while (dirent* entry = readdir(dir)) {
    struct stat info;
    std::string file = folder + "/" + entry->d_name;
    if (stat(file.c_str(), &info) == 0 && S_ISREG(info.st_mode)) total += info.st_size;
  }
  closedir(dir);
  return total;
}

int Refuse(int rc, int error) {
  injected_errno = error;
  refused.fetch_add(1);
  return rc;
}

// A file of the fault VFS: the operating system's file follows it in memory.
struct FaultFile {
  sqlite3_file base;
  std::string* folder;  // the folder its rule is looked up by; owned
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

FaultFile* Cast(sqlite3_file* file) { return reinterpret_cast<FaultFile*>(file); }
sqlite3_file* Real(sqlite3_file* file) { return Cast(file)->real(); }

int Close(sqlite3_file* file) {
  int rc = Real(file)->pMethods->xClose(Real(file));
  delete Cast(file)->folder;
  return rc;
}
int Read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
  return Real(file)->pMethods->xRead(Real(file), buffer, amount, offset);
}
int Write(sqlite3_file* file, const void* buffer, int amount, sqlite3_int64 offset) {
  Rule rule;
  std::string folder;
  if (FindRule(*Cast(file)->folder, &folder, &rule)) {
    if (rule.read_only) return Refuse(SQLITE_READONLY, EROFS);
    if (rule.write_error != 0) return Refuse(SQLITE_IOERR_WRITE, rule.write_error);
    if (rule.capacity >= 0) {
      sqlite3_int64 size = 0;
      Real(file)->pMethods->xFileSize(Real(file), &size);
      int64_t growth = std::max<int64_t>(0, offset + amount - size);
      if (growth > 0 && FolderBytes(folder) + growth > rule.capacity) {
        return Refuse(SQLITE_FULL, ENOSPC);
      }
    }
  }
  return Real(file)->pMethods->xWrite(Real(file), buffer, amount, offset);
}
int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  return Real(file)->pMethods->xTruncate(Real(file), size);
}
int Sync(sqlite3_file* file, int flags) { return Real(file)->pMethods->xSync(Real(file), flags); }
int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  return Real(file)->pMethods->xFileSize(Real(file), size);
}
int Lock(sqlite3_file* file, int level) { return Real(file)->pMethods->xLock(Real(file), level); }
int Unlock(sqlite3_file* file, int level) {
  return Real(file)->pMethods->xUnlock(Real(file), level);
}
int CheckReservedLock(sqlite3_file* file, int* out) {
  return Real(file)->pMethods->xCheckReservedLock(Real(file), out);
}
int FileControl(sqlite3_file* file, int op, void* arg) {
  return Real(file)->pMethods->xFileControl(Real(file), op, arg);
}
int SectorSize(sqlite3_file* file) { return Real(file)->pMethods->xSectorSize(Real(file)); }
int DeviceCharacteristics(sqlite3_file* file) {
  return Real(file)->pMethods->xDeviceCharacteristics(Real(file));
}
int ShmMap(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  return Real(file)->pMethods->xShmMap(Real(file), region, size, extend, out);
}
int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  return Real(file)->pMethods->xShmLock(Real(file), offset, n, flags);
}
void ShmBarrier(sqlite3_file* file) { Real(file)->pMethods->xShmBarrier(Real(file)); }
int ShmUnmap(sqlite3_file* file, int delete_flag) {
  return Real(file)->pMethods->xShmUnmap(Real(file), delete_flag);
}
int Fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  return Real(file)->pMethods->xFetch(Real(file), offset, amount, out);
}
int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return Real(file)->pMethods->xUnfetch(Real(file), offset, page);
}

int Open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* wrapper = Cast(file);
  wrapper->base.pMethods = nullptr;
  Rule rule;
  if (name != nullptr && FindRule(name, nullptr, &rule) && rule.read_only &&
      (flags & SQLITE_OPEN_READWRITE) != 0) {
    struct stat info;
    if (stat(name, &info) != 0) return Refuse(SQLITE_CANTOPEN, EROFS);
    // What the operating system's VFS does when a file cannot be opened for
    // writing: open it for reading.
    flags = (flags & ~(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_READONLY;
  }
  int rc = real_vfs->xOpen(real_vfs, name, wrapper->real(), flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  wrapper->folder = new std::string(name != nullptr ? FolderOf(name) : std::string());
  wrapper->base.pMethods = &fault_methods;
  return SQLITE_OK;
}

int Access(sqlite3_vfs*, const char* name, int flags, int* out) {
  int rc = real_vfs->xAccess(real_vfs, name, flags, out);
  Rule rule;
  if (rc == SQLITE_OK && flags == SQLITE_ACCESS_READWRITE && FindRule(name, nullptr, &rule) &&
      rule.read_only) {
    *out = 0;
  }
  return rc;
}

int GetLastError(sqlite3_vfs*, int size, char* buffer) {
  if (injected_errno != 0) {
    int error = injected_errno;
    injected_errno = 0;
    return error;
  }
  return real_vfs->xGetLastError(real_vfs, size, buffer);
}

void Update(const std::string& folder, void (*change)(Rule&, int64_t), int64_t value) {
  std::lock_guard<std::mutex> lock(rules_mu);
  change(Rules()[Canonical(folder)], value);
}

}  // namespace

void FaultVfs::Install() {
  static std::once_flag once;
  std::call_once(once, [] {
    sqlite3_initialize();
    real_vfs = sqlite3_vfs_find(nullptr);
    fault_vfs = *real_vfs;
    fault_vfs.zName = "bilateral-fault";
    fault_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + real_vfs->szOsFile;
    fault_vfs.xOpen = Open;
    fault_vfs.xAccess = Access;
    fault_vfs.xGetLastError = GetLastError;
    fault_methods = sqlite3_io_methods{3,
                                       Close,
                                       Read,
                                       Write,
                                       Truncate,
                                       Sync,
                                       FileSize,
                                       Lock,
                                       Unlock,
                                       CheckReservedLock,
                                       FileControl,
                                       SectorSize,
                                       DeviceCharacteristics,
                                       ShmMap,
                                       ShmLock,
                                       ShmBarrier,
                                       ShmUnmap,
                                       Fetch,
                                       Unfetch};
    sqlite3_vfs_register(&fault_vfs, /*makeDflt=*/1);
  });
}

void FaultVfs::SetCapacity(const std::string& folder, int64_t bytes) {
  Update(
      folder, [](Rule& rule, int64_t value) { rule.capacity = value; }, bytes);
}

void FaultVfs::SetReadOnly(const std::string& folder, bool read_only) {
  Update(
      folder, [](Rule& rule, int64_t value) { rule.read_only = value != 0; }, read_only);
}

void FaultVfs::SetWriteError(const std::string& folder, int error) {
  Update(
      folder, [](Rule& rule, int64_t value) { rule.write_error = static_cast<int>(value); }, error);
}

void FaultVfs::Clear(const std::string& folder) {
  std::lock_guard<std::mutex> lock(rules_mu);
  Rules().erase(Canonical(folder));
}

int64_t FaultVfs::refused_writes() { return refused.load(); }

}  // namespace bilateral::test
