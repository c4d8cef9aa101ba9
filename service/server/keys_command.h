// `bilateral-server keys ...`: creates, lists and revokes API keys in a keys
// file. A new key is printed once, on standard output; only its salted hash
// is stored. Running servers pick up changes on SIGHUP.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "server/settings.h"

namespace bilateral::server {

// Runs the command in `args` (after "keys"): `create --keys_file=F --id=ID
// --role=ROLE`, `list --keys_file=F` or `revoke --keys_file=F --id=ID`.
// keys_file may also come from BILATERAL_KEYS_FILE. Writes the key or the
// listing to `out` and messages to `err`. Returns the exit code: 0 done,
// 1 failed, 2 usage error.
int RunKeysCommand(const std::vector<std::string>& args, const Environment& environment,
                   std::ostream& out, std::ostream& err);

}  // namespace bilateral::server
