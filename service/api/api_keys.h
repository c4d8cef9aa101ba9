// API keys: the keys file, key generation and the authentication of calls.
//
// A key looks like `bk_<id>.<secret>`: the id names the key in logs and
// metrics, the secret is 32 random bytes in URL-safe base64. The keys file
// stores, one key a line, `<id> <role> <salt> <hash>`, where the salt is 16
// random bytes and the hash is SHA-256(salt || key), both in hex; the key
// itself is never stored. Lines starting with '#' are comments.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "api/access.h"

namespace bilateral::api {

// One line of the keys file.
struct KeyEntry {
  std::string id;
  Role role = Role::kReader;
  std::string salt;  // raw bytes
  std::string hash;  // raw SHA-256(salt || key)
};

// A key just made: the key to hand out (once) and the entry to store.
struct NewKey {
  std::string key;
  KeyEntry entry;
};

// Whether `id` may name a key: 1 to 64 of [A-Za-z0-9_-].
bool IsValidKeyId(absl::string_view id);

// Makes a new random key with `id` and `role`. INVALID_ARGUMENT for a bad id.
absl::StatusOr<NewKey> GenerateKey(absl::string_view id, Role role);

// The contents of a keys file.
class KeySet {
 public:
  // Parses a keys file's text. INVALID_ARGUMENT naming the line on a
  // malformed line or a repeated id.
  static absl::StatusOr<KeySet> Parse(absl::string_view text);
  // Reads and parses the file at `path`; NOT_FOUND when it does not exist.
  static absl::StatusOr<KeySet> Load(const std::string& path);

  // The text of a keys file holding these entries.
  std::string Serialize() const;
  // Writes the file atomically (a new file renamed over the old), readable
  // by its owner only.
  absl::Status Save(const std::string& path) const;

  // ALREADY_EXISTS when the id is taken.
  absl::Status Add(KeyEntry entry);
  // False when no key has `id`.
  bool Remove(absl::string_view id);

  // The entry `key` belongs to, or null. Takes the same time whether or not
  // the id exists, and compares hashes in constant time.
  const KeyEntry* Verify(absl::string_view key) const;

  const std::vector<KeyEntry>& entries() const { return entries_; }

 private:
  std::vector<KeyEntry> entries_;
};

// Who made a call.
struct Principal {
  std::string key_id;
  Role role = Role::kReader;
};

// The keys a server accepts, reloadable while calls are served.
class KeyRing {
 public:
  // Loads `path`; fails (naming the file) when it cannot be read or parsed.
  static absl::StatusOr<std::unique_ptr<KeyRing>> Open(const std::string& path);

  // Re-reads the file. On failure the keys in use stay as they were.
  absl::Status Reload();

  // Authenticates the value of a call's `authorization` metadata (null when
  // absent). UNAUTHENTICATED when missing, malformed or not a known key; the
  // message never contains the key.
  absl::StatusOr<Principal> Authenticate(const std::string* authorization) const;

  // Number of keys in use.
  size_t size() const;

 private:
  explicit KeyRing(std::string path) : path_(std::move(path)) {}

  const std::string path_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const KeySet> keys_ ABSL_GUARDED_BY(mu_);
};

}  // namespace bilateral::api
