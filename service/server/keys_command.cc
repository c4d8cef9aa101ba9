#include "server/keys_command.h"

#include <map>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "api/api_keys.h"

namespace bilateral::server {
namespace {

constexpr const char* kUsage =
    "usage: bilateral-server keys create --keys_file=FILE --id=ID "
    "--role=reader|writer|admin\n"
    "       bilateral-server keys list --keys_file=FILE\n"
    "       bilateral-server keys revoke --keys_file=FILE --id=ID\n";

// Parses --name=value and --name value; false on anything else.
bool ParseOptions(const std::vector<std::string>& args, size_t first,
                  std::map<std::string, std::string>* options) {
  for (size_t i = first; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (!absl::ConsumePrefix(&arg, "--")) return false;
    auto equals = arg.find('=');
    if (equals != absl::string_view::npos) {
      (*options)[std::string(arg.substr(0, equals))] = std::string(arg.substr(equals + 1));
    } else if (i + 1 < args.size()) {
      (*options)[std::string(arg)] = args[++i];
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

int RunKeysCommand(const std::vector<std::string>& args, const Environment& environment,
                   std::ostream& out, std::ostream& err) {
  std::map<std::string, std::string> options;
  if (args.empty() || !ParseOptions(args, 1, &options)) {
    err << kUsage;
    return 2;
  }
  const std::string& verb = args[0];
  for (const auto& [name, value] : options) {
    if (name != "keys_file" && name != "id" && name != "role") {
      err << "unknown option --" << name << "\n" << kUsage;
      return 2;
    }
  }
  std::string path = options["keys_file"];
  if (path.empty()) {
    path = environment(EnvironmentName("keys_file")).value_or("");
  }
  if (path.empty()) {
    err << "--keys_file is required\n" << kUsage;
    return 2;
  }

  if (verb == "create") {
    api::Role role;
    if (!api::ParseRole(options["role"], &role)) {
      err << "--role must be reader, writer or admin\n" << kUsage;
      return 2;
    }
    auto keys = api::KeySet::Load(path);
    if (!keys.ok() && keys.status().code() != absl::StatusCode::kNotFound) {
      err << keys.status().message() << "\n";
      return 1;
    }
    api::KeySet set = keys.ok() ? std::move(*keys) : api::KeySet();
    auto made = api::GenerateKey(options["id"], role);
    if (!made.ok()) {
      err << "--id: " << made.status().message() << "\n";
      return 2;
    }
    if (auto status = set.Add(made->entry); !status.ok()) {
      err << status.message() << "\n";
      return 1;
    }
    if (auto status = set.Save(path); !status.ok()) {
      err << status.message() << "\n";
      return 1;
    }
    out << made->key << "\n";
    err << "created key '" << made->entry.id << "' (" << api::RoleName(role) << ") in " << path
        << ". The key is shown only this once. Send SIGHUP to running "
           "servers to accept it.\n";
    return 0;
  }

  auto keys = api::KeySet::Load(path);
  if (!keys.ok()) {
    err << keys.status().message() << "\n";
    return 1;
  }
  if (verb == "list") {
    for (const auto& entry : keys->entries()) {
      out << entry.id << "\t" << api::RoleName(entry.role) << "\n";
    }
    return 0;
  }
  if (verb == "revoke") {
    if (!keys->Remove(options["id"])) {
      err << "no key with id '" << options["id"] << "' in " << path << "\n";
      return 1;
    }
    if (auto status = keys->Save(path); !status.ok()) {
      err << status.message() << "\n";
      return 1;
    }
    err << "revoked key '" << options["id"] << "'. Send SIGHUP to running servers to refuse it.\n";
    return 0;
  }
  err << "unknown keys command '" << verb << "'\n" << kUsage;
  return 2;
}

}  // namespace bilateral::server
