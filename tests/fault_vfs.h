// Storage faults injected in the process, the way SQLite's own test suite
// injects them: a VFS that wraps the operating system's one and, for the
// files under a folder given a rule, fails writes as a failing disk would.
// No mount and no privileges are needed.
//
//   FaultVfs::Install();                       // once; SQLite's default VFS from then on
//   FaultVfs::SetCapacity(folder, 2 << 20);    // a full disk past 2 MiB (SQLITE_FULL, ENOSPC)
//   FaultVfs::SetReadOnly(folder, true);       // read-only storage (EROFS)
//   FaultVfs::SetWriteError(folder, EIO);      // every write fails (SQLITE_IOERR_WRITE)
//   FaultVfs::Clear(folder);                   // healthy again
#pragma once

#include <cstdint>
#include <string>

namespace bilateral::test {

class FaultVfs {
 public:
  // Registers the VFS as SQLite's default for this process; idempotent.
  static void Install();

  // The bytes the files directly in `folder` may take together; a write
  // that would grow them past it fails with SQLITE_FULL. Negative: no limit.
  static void SetCapacity(const std::string& folder, int64_t bytes);
  // Files in `folder` open read-only and report no write access.
  static void SetReadOnly(const std::string& folder, bool read_only);
  // Every write to a file in `folder` fails with this errno; 0: none.
  static void SetWriteError(const std::string& folder, int error);
  // Removes every rule for `folder`.
  static void Clear(const std::string& folder);

  // The writes refused so far, in every folder.
  static int64_t refused_writes();
};

}  // namespace bilateral::test
