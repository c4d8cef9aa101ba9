#include "api/access.h"

#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace bilateral::api {
namespace {

struct Verb {
  absl::string_view prefix;
  Access access;
};

// A verb matches when the method name starts with it and the next letter
// starts a new word, so "Get" does not match "Getaway".
constexpr Verb kVerbs[] = {
    {"Get", Access::kRead},          {"List", Access::kRead},
    {"BatchGet", Access::kRead},     {"Search", Access::kRead},
    {"Watch", Access::kRead},        {"Create", Access::kWrite},
    {"Update", Access::kWrite},      {"Delete", Access::kWrite},
    {"Import", Access::kWrite},      {"BatchCreate", Access::kWrite},
    {"BatchUpdate", Access::kWrite}, {"BatchDelete", Access::kWrite},
};

// Methods whose access differs from what their verb says, by full name
// ("bilateral.v1.Service/Method"). None yet.
constexpr std::array<std::pair<absl::string_view, Access>, 0> kExceptions{};

bool StartsWithVerb(absl::string_view name, absl::string_view verb) {
  if (!absl::StartsWith(name, verb)) return false;
  return name.size() == verb.size() ||
         absl::ascii_isupper(static_cast<unsigned char>(name[verb.size()]));
}

}  // namespace

Access RequiredAccess(absl::string_view method) {
  absl::ConsumePrefix(&method, "/");
  for (const auto& [name, access] : kExceptions) {
    if (name == method) return access;
  }
  auto slash = method.rfind('/');
  absl::string_view name = slash == absl::string_view::npos ? method : method.substr(slash + 1);
  for (const auto& verb : kVerbs) {
    if (StartsWithVerb(name, verb.prefix)) return verb.access;
  }
  return Access::kAdmin;
}

bool RoleAllows(Role role, Access access) {
  return static_cast<int>(role) >= static_cast<int>(RoleFor(access));
}

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kReader:
      return "reader";
    case Role::kWriter:
      return "writer";
    case Role::kAdmin:
      return "admin";
  }
  return "unknown";
}

Role RoleFor(Access access) {
  switch (access) {
    case Access::kRead:
      return Role::kReader;
    case Access::kWrite:
      return Role::kWriter;
    case Access::kAdmin:
      return Role::kAdmin;
  }
  return Role::kAdmin;
}

bool ParseRole(absl::string_view text, Role* role) {
  for (Role candidate : {Role::kReader, Role::kWriter, Role::kAdmin}) {
    if (text == RoleName(candidate)) {
      *role = candidate;
      return true;
    }
  }
  return false;
}

}  // namespace bilateral::api
