// What the generic record operations need to know about each resource
// type: where it is stored, what its filters accept, how it is checked and
// what it cites. Adding a resource means adding one specialisation of
// `Resource`.
#pragma once

#include <string>
#include <vector>

#include "bilateral/v1/country.pb.h"
#include "bilateral/v1/exchange.pb.h"
#include "bilateral/v1/finding.pb.h"
#include "bilateral/v1/infrastructure.pb.h"
#include "bilateral/v1/observation.pb.h"
#include "bilateral/v1/partnership.pb.h"
#include "bilateral/v1/source.pb.h"
#include "bilateral/v1/trade.pb.h"
#include "bilateral/v1/visit.pb.h"
#include "domain/errors.h"
#include "store/store.h"

namespace bilateral::domain {

// A record of another collection that a record names: where it sits in the
// record, its resource name, and that collection.
struct RecordRef {
  std::string field;  // e.g. "milestones[0].visit"
  std::string name;   // e.g. "visits/x"
  const store::Collection* collection;
};

// The records, other than sources, that `record` names: each must exist
// when it is written, and cannot be deleted while named. None for most
// types.
template <typename Message>
std::vector<RecordRef> References(const Message&) {
  return {};
}

// Every specialisation provides:
//   kField            the request field carrying the resource ("visit")
//   Collection()      storage, filters and orderings
//   Check(T&, v)      canonicalise in place and add every violation to v
//   Derive(T&)        set the output-only fields computed from the record
//   Columns(const T&) values of Collection().columns
//   ComputedFields()  output-only fields besides name, times and etag
template <typename Message>
struct Resource;

// `Type` names a type, which parentheses would not compile around.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define BILATERAL_DECLARE_RESOURCE(Type, field)                      \
  template <>                                                        \
  struct Resource<Type> {                                            \
    static constexpr absl::string_view kField = field;               \
    static const store::Collection& Collection();                    \
    static void Check(Type& record, Violations& violations);         \
    static void Derive(Type& record);                                \
    static std::vector<store::SqlValue> Columns(const Type& record); \
    static std::vector<std::string> ComputedFields();                \
  }
// NOLINTEND(bugprone-macro-parentheses)

BILATERAL_DECLARE_RESOURCE(v1::Source, "source");
BILATERAL_DECLARE_RESOURCE(v1::Visit, "visit");
BILATERAL_DECLARE_RESOURCE(v1::Partnership, "partnership");
BILATERAL_DECLARE_RESOURCE(v1::TradeRecord, "trade_record");
BILATERAL_DECLARE_RESOURCE(v1::InfrastructureProject, "infrastructure_project");
BILATERAL_DECLARE_RESOURCE(v1::Exchange, "exchange");
BILATERAL_DECLARE_RESOURCE(v1::Observation, "observation");
#undef BILATERAL_DECLARE_RESOURCE

// A partnership names the visits its milestones happened on.
template <>
std::vector<RecordRef> References(const v1::Partnership& partnership);

// Countries are reference data: stored so that List filters and pages like
// every other collection, never written through the API.
template <>
struct Resource<v1::Country> {
  static const store::Collection& Collection();
  static std::vector<store::SqlValue> Columns(const v1::Country& country);
};

// Findings are kept by the service itself (domain/consistency.h), never
// written through the API.
template <>
struct Resource<v1::Finding> {
  static const store::Collection& Collection();
  static std::vector<store::SqlValue> Columns(const v1::Finding& finding);
};

// Stands for a type in calls to generic lambdas.
template <typename T>
struct TypeTag {
  using type = T;
};

// Calls `f(TypeTag<T>{})` for every record type, in the order data sets
// load them (sources first, since the others cite them).
template <typename F>
void ForEachRecordType(F&& f) {
  f(TypeTag<v1::Source>{});
  f(TypeTag<v1::Visit>{});
  f(TypeTag<v1::Partnership>{});
  f(TypeTag<v1::TradeRecord>{});
  f(TypeTag<v1::InfrastructureProject>{});
  f(TypeTag<v1::Exchange>{});
  f(TypeTag<v1::Observation>{});
}

}  // namespace bilateral::domain
