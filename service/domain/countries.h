// ISO 3166-1 countries, read from Debian's iso-codes data. Every country
// reference a request carries is resolved here, so "KZ", "KAZ", "398" and
// "countries/KZ" all become "countries/KZ", and unknown codes are refused.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "bilateral/v1/country.pb.h"

namespace bilateral::domain {

// Where Debian's iso-codes package keeps the data.
inline constexpr absl::string_view kIsoCodesPath = "/usr/share/iso-codes/json/iso_3166-1.json";

class CountryRegistry {
 public:
  // Reads the iso-codes JSON file at `path`. FAILED_PRECONDITION naming the
  // path when it is missing or malformed.
  static absl::StatusOr<std::unique_ptr<CountryRegistry>> Load(const std::string& path);

  // The country for an alpha-2, alpha-3 or numeric code, with or without the
  // "countries/" prefix, in any letter case; nullptr when unknown.
  const v1::Country* Find(absl::string_view reference) const;

  // Every country, in alpha-2 order.
  const std::vector<v1::Country>& all() const { return countries_; }

  // An empty registry; Load gives a useful one.
  CountryRegistry() = default;

 private:
  std::vector<v1::Country> countries_;
  absl::flat_hash_map<std::string, size_t> by_code_;
};

// The registry the service uses, loaded from kIsoCodesPath on first use
// unless SetCountryRegistry installed another. Loading failures are fatal at
// start-up; see LoadCountryRegistry.
const CountryRegistry& Countries();

// Loads the registry from `path` and installs it; call once at start-up.
absl::Status LoadCountryRegistry(const std::string& path);

// "countries/KZ" for any reference CountryRegistry::Find resolves; otherwise
// INVALID_ARGUMENT saying what is accepted.
absl::StatusOr<std::string> NormalizeCountry(absl::string_view reference);

}  // namespace bilateral::domain
