#include "domain/countries.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/base/call_once.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace bilateral::domain {
namespace {

std::string Field(const google::protobuf::Struct& entry, const char* key) {
  auto it = entry.fields().find(key);
  return it == entry.fields().end() ? std::string() : it->second.string_value();
}

const CountryRegistry* installed = nullptr;
absl::once_flag default_once;

}  // namespace

absl::StatusOr<std::unique_ptr<CountryRegistry>> CountryRegistry::Load(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  google::protobuf::Struct root;
  if (!file || !google::protobuf::util::JsonStringToMessage(text.str(), &root).ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot read the ISO 3166-1 country list at '", path, "' (Debian package iso-codes)"));
  }
  auto registry = std::make_unique<CountryRegistry>();
  for (const auto& value : root.fields().at("3166-1").list_value().values()) {
    const auto& entry = value.struct_value();
    v1::Country country;
    country.set_alpha2(Field(entry, "alpha_2"));
    country.set_alpha3(Field(entry, "alpha_3"));
    country.set_numeric(Field(entry, "numeric"));
    country.set_display_name(Field(entry, "name"));
    country.set_official_name(Field(entry, "official_name"));
    country.set_name(absl::StrCat("countries/", country.alpha2()));
    if (country.alpha2().size() != 2) continue;
    registry->countries_.push_back(std::move(country));
  }
  if (registry->countries_.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("no countries in '", path, "'"));
  }
  std::sort(registry->countries_.begin(), registry->countries_.end(),
            [](const v1::Country& a, const v1::Country& b) { return a.alpha2() < b.alpha2(); });
  for (size_t i = 0; i < registry->countries_.size(); ++i) {
    const auto& country = registry->countries_[i];
    for (const auto& code : {country.alpha2(), country.alpha3(), country.numeric()}) {
      if (!code.empty()) registry->by_code_.emplace(code, i);
    }
  }
  return registry;
}

const v1::Country* CountryRegistry::Find(absl::string_view reference) const {
  absl::ConsumePrefix(&reference, "countries/");
  auto it = by_code_.find(absl::AsciiStrToUpper(reference));
  return it == by_code_.end() ? nullptr : &countries_[it->second];
}

absl::Status LoadCountryRegistry(const std::string& path) {
  auto registry = CountryRegistry::Load(path);
  if (!registry.ok()) return registry.status();
  installed = registry->release();
  return absl::OkStatus();
}

const CountryRegistry& Countries() {
  absl::call_once(default_once, [] {
    if (installed != nullptr) return;
    auto registry = CountryRegistry::Load(std::string(kIsoCodesPath));
    // Start-up loads the registry first and stops on failure, so this
    // fallback serves tests and tools that use the default path.
    installed = registry.ok() ? registry->release() : new CountryRegistry();
  });
  return *installed;
}

absl::StatusOr<std::string> NormalizeCountry(absl::string_view reference) {
  const v1::Country* country = Countries().Find(reference);
  if (country == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", reference.substr(0, 64),
                     "' is not an ISO 3166-1 country; use an alpha-2, alpha-3 or numeric "
                     "code such as \"KZ\", \"KAZ\", \"398\" or \"countries/KZ\""));
  }
  return country->name();
}

}  // namespace bilateral::domain
