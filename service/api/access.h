// Who may call what. Every method's required access follows from its verb,
// in one function, so methods added later are covered without a list to
// keep up to date; roles are ordered reader < writer < admin.
#pragma once

#include "absl/strings/string_view.h"

namespace bilateral::api {

// The access a method needs.
enum class Access { kRead, kWrite, kAdmin };

// The role of an API key.
enum class Role { kReader, kWriter, kAdmin };

// The access `method` needs, from its verb: Get, List, BatchGet, Search and
// Watch read; Create, Update, Delete, Import and their Batch forms write;
// anything else needs admin. `method` is "package.Service/Method", with or
// without a leading '/'.
Access RequiredAccess(absl::string_view method);

// Whether a key with `role` may call a method needing `access`.
bool RoleAllows(Role role, Access access);

// "reader", "writer", "admin".
absl::string_view RoleName(Role role);
// The role needed for `access`: kRead -> reader, and so on.
Role RoleFor(Access access);
// Parses a role name; false when unknown.
bool ParseRole(absl::string_view text, Role* role);

}  // namespace bilateral::api
