#include "api/api_keys.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace bilateral::api {
namespace {

constexpr absl::string_view kKeyPrefix = "bk_";
constexpr size_t kSecretBytes = 32;
constexpr size_t kSaltBytes = 16;

std::string Sha256(absl::string_view salt, absl::string_view key) {
  std::string input = absl::StrCat(salt, key);
  std::string digest(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
         reinterpret_cast<unsigned char*>(digest.data()));
  OPENSSL_cleanse(input.data(), input.size());
  return digest;
}

absl::StatusOr<std::string> RandomBytes(size_t size) {
  std::string bytes(size, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(size)) != 1) {
    return absl::InternalError("the system random number generator failed");
  }
  return bytes;
}

// Decodes lower- or upper-case hex of exactly `bytes` bytes.
bool DecodeHex(absl::string_view hex, size_t bytes, std::string* out) {
  if (hex.size() != 2 * bytes) return false;
  for (char c : hex) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  *out = absl::HexStringToBytes(hex);
  return true;
}

// The id part of a well-formed key, or empty.
absl::string_view KeyId(absl::string_view key) {
  if (!absl::ConsumePrefix(&key, kKeyPrefix)) return {};
  auto dot = key.rfind('.');
  if (dot == absl::string_view::npos) return {};
  absl::string_view id = key.substr(0, dot);
  return IsValidKeyId(id) ? id : absl::string_view();
}

}  // namespace

bool IsValidKeyId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<NewKey> GenerateKey(absl::string_view id, Role role) {
  if (!IsValidKeyId(id)) {
    return absl::InvalidArgumentError("a key id is 1 to 64 letters, digits, '_' or '-'");
  }
  auto secret = RandomBytes(kSecretBytes);
  if (!secret.ok()) return secret.status();
  auto salt = RandomBytes(kSaltBytes);
  if (!salt.ok()) return salt.status();
  NewKey made;
  made.key = absl::StrCat(kKeyPrefix, id, ".", absl::WebSafeBase64Escape(*secret));
  made.entry.id = std::string(id);
  made.entry.role = role;
  made.entry.salt = std::move(*salt);
  made.entry.hash = Sha256(made.entry.salt, made.key);
  return made;
}

absl::StatusOr<KeySet> KeySet::Parse(absl::string_view text) {
  KeySet set;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat("keys file line ", line_number, ": ", what));
    };
    if (fields.size() != 4) {
      return error("expected '<id> <role> <salt> <hash>'");
    }
    KeyEntry entry;
    if (!IsValidKeyId(fields[0])) {
      return error("the id must be 1 to 64 letters, digits, '_' or '-'");
    }
    entry.id = std::string(fields[0]);
    if (!ParseRole(fields[1], &entry.role)) {
      return error("the role must be reader, writer or admin");
    }
    if (!DecodeHex(fields[2], kSaltBytes, &entry.salt)) {
      return error("the salt must be 32 hex digits");
    }
    if (!DecodeHex(fields[3], SHA256_DIGEST_LENGTH, &entry.hash)) {
      return error("the hash must be 64 hex digits");
    }
    if (auto status = set.Add(std::move(entry)); !status.ok()) {
      return error(status.message());
    }
  }
  return set;
}

absl::StatusOr<KeySet> KeySet::Load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    return absl::NotFoundError(absl::StrCat("cannot read keys file '", path, "'"));
  }
  std::stringstream text;
  text << file.rdbuf();
  auto set = Parse(text.str());
  if (!set.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("'", path, "': ", set.status().message()));
  }
  return set;
}

std::string KeySet::Serialize() const {
  std::string text =
      "# bilateral API keys, one a line: <id> <role> <salt> "
      "<SHA-256 of salt and key>.\n"
      "# Managed with `bilateral-server keys`; the keys themselves are not "
      "stored.\n";
  for (const auto& entry : entries_) {
    absl::StrAppend(&text, entry.id, " ", RoleName(entry.role), " ",
                    absl::BytesToHexString(entry.salt), " ", absl::BytesToHexString(entry.hash),
                    "\n");
  }
  return text;
}

absl::Status KeySet::Save(const std::string& path) const {
  const std::string temp = absl::StrCat(path, ".tmp");
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat("cannot write '", temp, "': ", strerror(errno)));
  }
  const std::string text = Serialize();
  bool ok =
      write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  if (!ok || rename(temp.c_str(), path.c_str()) != 0) {
    unlink(temp.c_str());
    return absl::UnavailableError(absl::StrCat("cannot write '", path, "': ", strerror(errno)));
  }
  return absl::OkStatus();
}

absl::Status KeySet::Add(KeyEntry entry) {
  for (const auto& existing : entries_) {
    if (existing.id == entry.id) {
      return absl::AlreadyExistsError(
          absl::StrCat("a key with id '", entry.id, "' already exists"));
    }
  }
  entries_.push_back(std::move(entry));
  return absl::OkStatus();
}

bool KeySet::Remove(absl::string_view id) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->id == id) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

const KeyEntry* KeySet::Verify(absl::string_view key) const {
  absl::string_view id = KeyId(key);
  const KeyEntry* found = nullptr;
  for (const auto& entry : entries_) {
    if (entry.id == id) found = &entry;
  }
  // Hash even for an unknown id, so the time taken does not tell which ids
  // exist.
  static const KeyEntry kNobody{"", Role::kReader, std::string(kSaltBytes, '\0'),
                                std::string(SHA256_DIGEST_LENGTH, '\0')};
  const KeyEntry& entry = found != nullptr ? *found : kNobody;
  std::string digest = Sha256(entry.salt, key);
  bool match = CRYPTO_memcmp(digest.data(), entry.hash.data(), SHA256_DIGEST_LENGTH) == 0;
  return found != nullptr && match ? found : nullptr;
}

absl::StatusOr<std::unique_ptr<KeyRing>> KeyRing::Open(const std::string& path) {
  auto ring = std::unique_ptr<KeyRing>(new KeyRing(path));
  if (auto status = ring->Reload(); !status.ok()) return status;
  return ring;
}

absl::Status KeyRing::Reload() {
  auto set = KeySet::Load(path_);
  if (!set.ok()) return set.status();
  auto keys = std::make_shared<const KeySet>(std::move(*set));
  absl::MutexLock lock(&mu_);
  keys_ = std::move(keys);
  return absl::OkStatus();
}

absl::StatusOr<Principal> KeyRing::Authenticate(const std::string* authorization) const {
  if (authorization == nullptr || authorization->empty()) {
    return absl::UnauthenticatedError(
        "this server requires an API key: send the metadata "
        "'authorization: Bearer <key>'");
  }
  absl::string_view value = *authorization;
  constexpr absl::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return absl::UnauthenticatedError("the authorization metadata must be 'Bearer <key>'");
  }
  absl::string_view key = absl::StripAsciiWhitespace(value.substr(kScheme.size()));
  std::shared_ptr<const KeySet> keys;
  {
    absl::MutexLock lock(&mu_);
    keys = keys_;
  }
  const KeyEntry* entry = keys->Verify(key);
  if (entry == nullptr) {
    return absl::UnauthenticatedError("the API key is not valid");
  }
  return Principal{entry->id, entry->role};
}

size_t KeyRing::size() const {
  absl::MutexLock lock(&mu_);
  return keys_->entries().size();
}

}  // namespace bilateral::api
