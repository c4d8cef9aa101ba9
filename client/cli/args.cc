#include "args.h"

#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace bilateral::cli {
namespace {

absl::Status CheckValue(const FlagSpec& spec, const std::string& value) {
  switch (spec.value) {
    case FlagValue::kNone:
    case FlagValue::kText:
      return absl::OkStatus();
    case FlagValue::kCount: {
      int count = 0;
      if (absl::SimpleAtoi(value, &count) && count >= 0) return absl::OkStatus();
      return absl::InvalidArgumentError(
          absl::StrCat("--", spec.name, " needs a whole number >= 0, not '", value, "'"));
    }
    case FlagValue::kSeconds: {
      double seconds = 0;
      if (absl::SimpleAtod(value, &seconds) && std::isfinite(seconds) && seconds > 0) {
        return absl::OkStatus();
      }
      return absl::InvalidArgumentError(
          absl::StrCat("--", spec.name, " needs a number of seconds > 0, not '", value, "'"));
    }
    case FlagValue::kChoice:
      for (absl::string_view choice : absl::StrSplit(spec.value_name, '|')) {
        if (choice == value) return absl::OkStatus();
      }
      return absl::InvalidArgumentError(absl::StrCat("--", spec.name, " must be one of ",
                                                     spec.value_name, ", not '", value, "'"));
  }
  return absl::OkStatus();
}

}  // namespace

const std::vector<FlagSpec>& Flags() {
  static const auto* flags = new std::vector<FlagSpec>{
      {"endpoint", "HOST:PORT", FlagValue::kText, true,
       "server address (default: $BILATERAL_ENDPOINT, else 127.0.0.1:50051)"},
      {"api-key", "KEY", FlagValue::kText, true,
       "API key, sent as 'authorization: Bearer KEY' (default: $BILATERAL_API_KEY;\n"
       "prefer the variable: flags show in process lists)"},
      {"tls-ca-file", "FILE", FlagValue::kText, true,
       "use TLS, trusting the CA certificates in FILE (PEM; default:\n"
       "$BILATERAL_TLS_CA_FILE); TLS without it trusts the system's"},
      {"tls-cert-file", "FILE", FlagValue::kText, true,
       "use mutual TLS with this client certificate chain (PEM; default:\n"
       "$BILATERAL_TLS_CERT_FILE); needs --tls-key-file"},
      {"tls-key-file", "FILE", FlagValue::kText, true,
       "the private key of --tls-cert-file (PEM; default: $BILATERAL_TLS_KEY_FILE)"},
      {"output", "table|json|ndjson", FlagValue::kChoice, true,
       "output format (default: table); ndjson prints one JSON object per line"},
      {"timeout", "SECONDS", FlagValue::kSeconds, true,
       "deadline of each attempt of a call (default: 30)"},
      {"help", "", FlagValue::kNone, true, "print this help (also -h)"},
      {"filter", "F", FlagValue::kText, false,
       "AIP-160 filter, e.g. 'host_country=\"KZ\" AND start_date>=2020'"},
      {"collections", "A,B", FlagValue::kText, false,
       "collections to search or watch, named as in resource names, e.g.\n"
       "visits,infrastructureProjects (default: all)"},
      {"from", "CURSOR", FlagValue::kText, false,
       "watch after the change with this cursor, as a watch printed it\n"
       "(default: from now)"},
      {"order-by", "O", FlagValue::kText, false, "ordering, e.g. 'start_date desc'"},
      {"page-size", "N", FlagValue::kCount, false,
       "records per call; every page is fetched regardless"},
      {"file", "FILE", FlagValue::kText, false,
       "request body: a file with the record in protobuf JSON"},
      {"json", "JSON", FlagValue::kText, false,
       "request body: the record in protobuf JSON, inline"},
      {"id", "ID", FlagValue::kText, false, "id of the new record (generated when absent)"},
      {"request-id", "RID", FlagValue::kText, false,
       "idempotency key: a retry with it returns the first result"},
      {"update-mask", "PATHS", FlagValue::kText, false,
       "fields to replace, e.g. kind,visitor.office (default: those set)"},
      {"etag", "E", FlagValue::kText, false,
       "act only while the record still has this etag (else ABORTED)"},
      {"text-file", "FILE", FlagValue::kText, false,
       "a source's text: a UTF-8 file sent as its `text` (- reads stdin)"},
      {"evidence", "", FlagValue::kNone, false,
       "with get: each citation's state, offsets and passage of its source"},
      {"texts", "DIR", FlagValue::kText, false,
       "with load: the directory of source texts, {id}.txt (default: sources/\n"
       "beside each file, or beside its directory)"},
      {"chunk-size", "N", FlagValue::kCount, false,
       "records per chunk of an import, 1..1000 (default: 1000)"},
      {"format", "ndjson|csv|comtrade", FlagValue::kChoice, false,
       "format of the file to import (default: ndjson); comtrade: UN Comtrade's CSV"},
      {"source", "NAME", FlagValue::kText, false,
       "the source every imported row cites (sources/ID or ID); comtrade imports"},
  };
  return *flags;
}

const FlagSpec* FindFlag(const std::string& name) {
  for (const FlagSpec& spec : Flags()) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

std::string Invocation::Get(const std::string& name, const std::string& fallback) const {
  auto it = flags.find(name);
  return it == flags.end() ? fallback : it->second;
}

absl::StatusOr<Invocation> ParseArgs(const std::vector<std::string>& args) {
  Invocation invocation;
  bool only_words = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (only_words || arg == "-" || !absl::StartsWith(arg, "-")) {
      invocation.words.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_words = true;
      continue;
    }
    std::string name = arg == "-h" ? "help" : arg.substr(2);
    std::string value;
    bool inline_value = false;
    if (size_t equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name.resize(equals);
      inline_value = true;
    }
    const FlagSpec* spec = absl::StartsWith(arg, "--") || arg == "-h" ? FindFlag(name) : nullptr;
    if (spec == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", arg));
    }
    if (spec->value == FlagValue::kNone) {
      if (inline_value) {
        return absl::InvalidArgumentError(absl::StrCat("--", name, " takes no value"));
      }
    } else if (!inline_value) {
      if (i + 1 == args.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", name, " needs a value (", spec->value_name, ")"));
      }
      value = args[++i];
    }
    if (auto status = CheckValue(*spec, value); !status.ok()) return status;
    invocation.flags[name] = value;
  }
  return invocation;
}

std::vector<std::string> CommaList(const std::string& text) {
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    items.emplace_back(absl::StripAsciiWhitespace(item));
  }
  return items;
}

}  // namespace bilateral::cli
