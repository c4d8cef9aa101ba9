// What the generic record operations need to know about each resource
// type: where it is stored, what its filters accept, how it is checked.
// Adding a resource means adding one specialisation of `Resource`.
#pragma once

#include <string>
#include <vector>

#include "bilateral/v1/source.pb.h"
#include "bilateral/v1/visit.pb.h"
#include "domain/errors.h"
#include "store/store.h"

namespace bilateral::domain {

using Citations = google::protobuf::RepeatedPtrField<v1::Citation>;

template <typename Message>
struct Resource;

template <>
struct Resource<v1::Source> {
  // The request field that carries the resource, used in violation paths.
  static constexpr absl::string_view kField = "source";
  static const store::Collection& Collection();
  // Canonicalises `source` in place and adds every violation.
  static void Check(v1::Source& source, Violations& violations);
  // Values of Collection().columns for `source`.
  static std::vector<store::SqlValue> Columns(const v1::Source& source);
  static const Citations* CitationsOf(const v1::Source&) { return nullptr; }
  // Output-only fields besides name, create_time, update_time and etag.
  static std::vector<std::string> ComputedFields() { return {}; }
};

template <>
struct Resource<v1::Visit> {
  static constexpr absl::string_view kField = "visit";
  static const store::Collection& Collection();
  static void Check(v1::Visit& visit, Violations& violations);
  static std::vector<store::SqlValue> Columns(const v1::Visit& visit);
  static const Citations* CitationsOf(const v1::Visit& visit) {
    return &visit.citations();
  }
  static std::vector<std::string> ComputedFields() {
    return {"computed_ordinal"};
  }
};

}  // namespace bilateral::domain
