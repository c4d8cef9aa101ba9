// The standard methods (AIP-131..135) once for every resource type: names,
// validation, citations, update masks, etags, idempotent creates and pages.
// Knows nothing of gRPC or SQL: it speaks to a store::Store.
#pragma once

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "bilateral/citations.h"
#include "domain/citation_check.h"
#include "domain/errors.h"
#include "domain/fields.h"
#include "domain/resources.h"
#include "domain/rows.h"
#include "domain/search_text.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/util/field_mask_util.h"
#include "store/store.h"

namespace bilateral::domain {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 1000;
inline constexpr size_t kMaxRequestIdBytes = 128;
// Most names one BatchGet may ask for.
inline constexpr int kMaxBatchGet = 100;
// Most bytes of records one List page or BatchGet returns: a page ends
// early rather than pass it (AIP-158 allows short pages), a BatchGet past it
// is refused. Well below the 4 MiB gRPC allows a message by default.
inline constexpr size_t kMaxResponseBytes = 3 << 20;
// Most records one import chunk may carry.
inline constexpr int kMaxImportChunk = 1000;
// Attempts at an update that gave no etag before a concurrent change wins.
inline constexpr int kUpdateAttempts = 5;

template <typename Message>
struct ListResult {
  std::vector<Message> items;
  std::string next_page_token;
};

// The outcome of one imported record.
struct ImportRowResult {
  absl::Status status;  // OK when stored
};

struct ListParams {
  int page_size = 0;
  std::string page_token;
  std::string filter;
  std::string order_by;
};

// The store query of a page; every problem with the paging parameters is a
// violation of the request field at fault.
absl::StatusOr<store::ListQuery> PageQuery(const ListParams& params);

// Turns a query error from the store ("filter: ...") into a violation of
// the request field it names.
absl::Status QueryError(const absl::Status& status);

// Checks a request_id (AIP-155): printable ASCII, at most kMaxRequestIdBytes.
void CheckRequestId(absl::string_view request_id, Violations& violations);

// What tells a create apart from another under the same request_id: the
// record as checked (canonical, so spellings of one value agree) and the id
// asked for (empty when the service chooses it). Deterministic across
// processes and builds.
std::string RequestFingerprint(const google::protobuf::Message& record,
                               absl::string_view requested_id);

template <typename Message>
class Records {
 public:
  using Traits = Resource<Message>;

  // `store` must outlive this object.
  explicit Records(store::Store* store) : store_(store) {}

  // Returns the record called `name`; INVALID_ARGUMENT for a malformed name,
  // NOT_FOUND when absent.
  absl::StatusOr<Message> Get(const CallContext& call, absl::string_view name) const {
    auto id = IdFromName(Collection().name, name, "name");
    if (!id.ok()) return id.status();
    auto row = store_->Get(call, Collection(), *id);
    if (!row.ok()) return row.status();
    return MessageOf<Message>(*row);
  }

  // Returns one page. Every problem with the paging parameters is a
  // violation of the request field at fault.
  absl::StatusOr<ListResult<Message>> List(const CallContext& call,
                                           const ListParams& params) const {
    auto page = ListStored(call, params);
    if (!page.ok()) return page.status();
    ListResult<Message> result;
    result.items.reserve(page->rows.size());
    for (const auto& row : page->rows) {
      auto message = MessageOf<Message>(row);
      if (!message.ok()) return message.status();
      result.items.push_back(std::move(*message));
    }
    result.next_page_token = std::move(page->next_page_token);
    return result;
  }

  // List's page as the store holds it, for serving its records as stored
  // (EncodedRecord) instead of parsing them.
  absl::StatusOr<store::Page> ListStored(const CallContext& call, const ListParams& params) const {
    auto query = PageQuery(params);
    if (!query.ok()) return query.status();
    auto page = store_->List(call, Collection(), *query);
    if (!page.ok()) return QueryError(page.status());
    return page;
  }

  // Stores `message` as `{collection}/{id}` (a generated id when empty).
  // Output-only fields are ignored. A repeated `request_id` returns the
  // first result and stores nothing; with a different request (another
  // record or id) it is INVALID_ARGUMENT naming the first result.
  absl::StatusOr<Message> Create(const CallContext& call, Message message, absl::string_view id,
                                 absl::string_view request_id) const {
    Violations violations;
    std::string chosen_id(id);
    if (chosen_id.empty()) {
      chosen_id = GenerateId();
    } else if (!IsValidId(chosen_id)) {
      violations.Add(absl::StrCat(Traits::kField, "_id"),
                     "must be 1-63 characters of [a-z0-9-], starting with a "
                     "letter and not ending with '-'");
    }
    CheckRequestId(request_id, violations);
    Prepare(message, violations);
    if (auto status = CitationChecker(store_, call)
                          .Check(message, Traits::kField,
                                 /*missing_sources=*/true, violations);
        !status.ok()) {
      return status;
    }
    if (auto status = CheckReferencesExist(call, message, violations); !status.ok()) {
      return status;
    }
    if (auto status = violations.ToStatus(); !status.ok()) return status;

    auto stored = store_->Insert(call, Collection(), ToRow(message, chosen_id),
                                 store::RequestKey(request_id, RequestFingerprint(message, id)));
    // The store refuses a request_id used before for another request.
    if (absl::IsInvalidArgument(stored.status())) {
      return InvalidField("request_id", stored.status().message());
    }
    if (!stored.ok()) return stored.status();
    return MessageOf<Message>(*stored);
  }

  // Replaces the fields of the stored record that `mask` names (all fields
  // set in `message` when `mask` is null or empty, every field for "*").
  // With `message.etag()` set, fails with ABORTED unless it is current.
  absl::StatusOr<Message> Update(const CallContext& call, const Message& message,
                                 const google::protobuf::FieldMask* mask) const {
    auto id = IdFromName(Collection().name, message.name(), absl::StrCat(Traits::kField, ".name"));
    if (!id.ok()) return id.status();
    Violations violations;
    auto paths = MaskPaths(message, mask, violations);
    if (auto status = violations.ToStatus(); !status.ok()) return status;

    for (int attempt = 1;; ++attempt) {
      auto current_row = store_->Get(call, Collection(), *id);
      if (!current_row.ok()) return current_row.status();
      if (!message.etag().empty() && message.etag() != current_row->etag) {
        return absl::AbortedError(
            absl::StrCat("etag mismatch: ", message.name(),
                         " changed since it was read; read it again and retry"));
      }
      auto current = MessageOf<Message>(*current_row);
      if (!current.ok()) return current.status();
      google::protobuf::FieldMask effective;
      for (const auto& path : paths) effective.add_paths(path);
      google::protobuf::util::FieldMaskUtil::MergeOptions options;
      options.set_replace_message_fields(true);
      options.set_replace_repeated_fields(true);
      google::protobuf::util::FieldMaskUtil::MergeMessageTo(message, effective, options, &*current);
      Prepare(*current, violations);
      if (auto status = CitationChecker(store_, call)
                            .Check(*current, Traits::kField,
                                   /*missing_sources=*/true, violations);
          !status.ok()) {
        return status;
      }
      if (auto status = CheckReferencesExist(call, *current, violations); !status.ok()) {
        return status;
      }
      if (auto status = violations.ToStatus(); !status.ok()) return status;

      // The etag read above makes the write conditional, so a concurrent
      // change is never overwritten; without a caller's etag, try again.
      auto stored = store_->Update(call, Collection(), ToRow(*current, *id), current_row->etag);
      if (stored.ok()) return MessageOf<Message>(*stored);
      if (!absl::IsAborted(stored.status()) || !message.etag().empty() ||
          attempt == kUpdateAttempts) {
        return stored.status();
      }
    }
  }

  // Deletes the record called `name`, only while it has `etag` if given.
  absl::Status Delete(const CallContext& call, absl::string_view name,
                      absl::string_view etag) const {
    auto id = IdFromName(Collection().name, name, "name");
    if (!id.ok()) return id.status();
    return store_->Delete(call, Collection(), *id, etag);
  }

  // Returns the records called `names`, in that order, from one snapshot;
  // at most kMaxBatchGet. NOT_FOUND names the first that does not exist.
  absl::StatusOr<std::vector<Message>> BatchGet(
      const CallContext& call, const google::protobuf::RepeatedPtrField<std::string>& names) const {
    Violations violations;
    if (names.size() > kMaxBatchGet) {
      violations.Add("names", absl::StrCat("at most ", kMaxBatchGet, " names per call"));
      return violations.ToStatus();
    }
    std::vector<std::string> ids;
    for (int i = 0; i < names.size(); ++i) {
      auto id = IdFromName(Collection().name, names[i], absl::StrCat("names[", i, "]"));
      if (!id.ok()) {
        for (auto& violation : FieldViolations(id.status())) {
          violations.Add(violation.field, violation.description);
        }
        continue;
      }
      ids.push_back(*std::move(id));
    }
    if (auto status = violations.ToStatus(); !status.ok()) return status;
    auto rows = store_->GetMany(call, Collection(), ids);
    if (!rows.ok()) return rows.status();
    size_t bytes = 0;
    for (const auto& row : *rows) bytes += row.payload.size() + store::kRowOverheadBytes;
    if (bytes > kMaxResponseBytes) {
      return InvalidField("names",
                          absl::StrCat("the ", rows->size(), " records named take ", bytes,
                                       " bytes, more than the ", kMaxResponseBytes,
                                       " bytes one response may hold; ask for fewer at a time"));
    }
    std::vector<Message> records;
    records.reserve(rows->size());
    for (const auto& row : *rows) {
      auto record = MessageOf<Message>(row);
      if (!record.ok()) return record.status();
      records.push_back(*std::move(record));
    }
    return records;
  }

  // Stores one chunk of an import in one transaction: every valid record
  // that does not collide with a stored one is stored, each other record
  // gets the reason it was not. With `use_names`, ids come from the records'
  // names; otherwise they are generated. Fails as a whole only when the
  // chunk is too large or the store fails.
  absl::StatusOr<std::vector<ImportRowResult>> Import(
      const CallContext& call, google::protobuf::RepeatedPtrField<Message> records,
      bool use_names) const {
    if (records.size() > kMaxImportChunk) {
      return InvalidField("records",
                          absl::StrCat("at most ", kMaxImportChunk, " records per chunk"));
    }
    std::vector<ImportRowResult> results(records.size());
    std::vector<store::Row> rows;
    std::vector<size_t> row_index;
    // Each cited source's text is read and normalised once for the chunk.
    // A missing source is the store's to report, as for any import.
    CitationChecker citations(store_, call);
    for (int i = 0; i < records.size(); ++i) {
      Message& record = records[i];
      Violations violations;
      std::string id = GenerateId();
      if (use_names) {
        auto named = IdFromName(Collection().name, record.name(), "name");
        if (named.ok()) {
          id = *std::move(named);
        } else {
          violations.Add("name", FieldViolations(named.status())[0].description);
        }
      }
      Prepare(record, violations);
      if (violations.empty()) {
        auto status =
            citations.Check(record, Traits::kField, /*missing_sources=*/false, violations);
        if (!status.ok()) return status;
      }
      if (!violations.empty()) {
        results[i].status = violations.ToStatus();
        continue;
      }
      rows.push_back(ToRow(record, id));
      row_index.push_back(static_cast<size_t>(i));
    }
    auto stored = store_->InsertMany(call, Collection(), std::move(rows));
    if (!stored.ok()) return stored.status();
    for (size_t k = 0; k < stored->size(); ++k) {
      results[row_index[k]].status = (*stored)[k];
    }
    return results;
  }

  // Re-derives the stored columns and citations of every record from its
  // payload; used after a migration changes what is derived.
  absl::Status Reindex() const { return store_->Reindex(Collection(), Rederive); }

  // `row` (as read from a store) with its columns and citations derived from
  // its payload, and its etag and times kept: ready to restore elsewhere.
  static absl::StatusOr<store::Row> Rederive(const store::Row& row) {
    auto message = PayloadOf<Message>(row);
    if (!message.ok()) return message.status();
    store::Row derived = ToRow(*message, row.id);
    derived.payload = row.payload;
    derived.etag = row.etag;
    derived.create_time_us = row.create_time_us;
    derived.update_time_us = row.update_time_us;
    return derived;
  }

 private:
  static const store::Collection& Collection() { return Traits::Collection(); }

  static bool IsOutputOnly(absl::string_view field) {
    static const auto* names = [] {
      auto* set =
          new std::set<std::string, std::less<>>{"name", "create_time", "update_time", "etag"};
      for (auto& field : Traits::ComputedFields()) set->insert(field);
      return set;
    }();
    return names->count(field) > 0;
  }

  static void ClearOutputOnly(Message& message) {
    message.clear_name();
    message.clear_create_time();
    message.clear_update_time();
    message.clear_etag();
    const auto* descriptor = message.GetDescriptor();
    for (const auto& field : Traits::ComputedFields()) {
      message.GetReflection()->ClearField(&message, descriptor->FindFieldByName(field));
    }
  }

  // The paths to apply, without output-only ones; unknown paths become
  // violations of update_mask.
  static std::vector<std::string> MaskPaths(const Message& message,
                                            const google::protobuf::FieldMask* mask,
                                            Violations& violations) {
    const auto* descriptor = Message::descriptor();
    std::vector<std::string> requested;
    if (mask == nullptr || mask->paths().empty()) {
      std::vector<const google::protobuf::FieldDescriptor*> set_fields;
      message.GetReflection()->ListFields(message, &set_fields);
      for (const auto* field : set_fields) requested.push_back(field->name());
    } else if (mask->paths_size() == 1 && mask->paths(0) == "*") {
      for (int i = 0; i < descriptor->field_count(); ++i) {
        requested.push_back(descriptor->field(i)->name());
      }
    } else {
      std::set<std::string> seen;
      for (int i = 0; i < mask->paths_size(); ++i) {
        const auto& path = mask->paths(i);
        if (path.empty()) {
          violations.Add(absl::StrCat("update_mask.paths[", i, "]"),
                         "an empty path names no field");
          continue;
        }
        if (!seen.insert(path).second) {
          violations.Add(absl::StrCat("update_mask.paths[", i, "]"),
                         absl::StrCat("'", path.substr(0, 200), "' is named more than once"));
          continue;
        }
        if (!google::protobuf::util::FieldMaskUtil::GetFieldDescriptors(descriptor, path,
                                                                        nullptr)) {
          violations.Add(
              absl::StrCat("update_mask.paths[", i, "]"),
              absl::StrCat("'", path.substr(0, 200), "' is not a field of ", descriptor->name()));
          continue;
        }
        requested.push_back(path);
      }
    }
    std::vector<std::string> paths;
    for (auto& path : requested) {
      if (!IsOutputOnly(path.substr(0, path.find('.')))) paths.push_back(std::move(path));
    }
    return paths;
  }

  // Clears what callers may not set, canonicalises and checks the record,
  // derives its computed fields, and bounds its stored size.
  static void Prepare(Message& message, Violations& violations) {
    ClearOutputOnly(message);
    // Fields this build does not know are dropped: nothing checks them, and
    // they would be stored and served back as they came.
    message.DiscardUnknownFields();
    CheckNoControlCharacters(message, Traits::kField, violations);
    Traits::Check(message, violations);
    if (!violations.empty()) return;
    Traits::Derive(message);
    // A source's text has a bound of its own (kMaxSourceTextBytes).
    size_t bytes = message.ByteSizeLong();
    if constexpr (std::is_same_v<Message, v1::Source>) bytes -= message.text().size();
    if (bytes > kMaxRecordBytes) {
      violations.Add(std::string(Traits::kField),
                     absl::StrCat("the record is ", bytes, " bytes; a record may be at most ",
                                  kMaxRecordBytes));
    }
  }

  // The stored form of a prepared record.
  static store::Row ToRow(const Message& message, std::string id) {
    store::Row row;
    row.id = std::move(id);
    row.payload = message.SerializeAsString();
    row.columns = Traits::Columns(message);
    row.search_text = SearchText(message);
    for (const auto& cited : CitationsIn(message)) {
      absl::string_view source = cited.citation->source();
      if (absl::ConsumePrefix(&source, "sources/")) {
        row.cited_sources.emplace_back(source);
      }
    }
    std::sort(row.cited_sources.begin(), row.cited_sources.end());
    row.cited_sources.erase(std::unique(row.cited_sources.begin(), row.cited_sources.end()),
                            row.cited_sources.end());
    for (const auto& reference : References(message)) {
      // A name of another collection was refused by Check already.
      if (auto id = ReferencedId(reference)) {
        row.references.push_back({reference.collection, std::string(*id)});
      }
    }
    return row;
  }

  // The id `reference` names in its collection; none when its name is not
  // one of that collection's.
  static std::optional<absl::string_view> ReferencedId(const RecordRef& reference) {
    absl::string_view id = reference.name;
    if (!absl::ConsumePrefix(&id, reference.collection->name) || !absl::ConsumePrefix(&id, "/")) {
      return std::nullopt;
    }
    return id;
  }

  // Adds a violation for each record `message` names (References) that is
  // not stored. (The store checks again atomically; this names the
  // offending fields.)
  absl::Status CheckReferencesExist(const CallContext& call, const Message& message,
                                    Violations& violations) const {
    for (const auto& reference : References(message)) {
      auto id = ReferencedId(reference);
      if (!id.has_value() || !IsValidId(*id)) continue;
      auto found = store_->Get(call, *reference.collection, *id);
      if (absl::IsNotFound(found.status())) {
        violations.Add(absl::StrCat(Traits::kField, ".", reference.field),
                       absl::StrCat(reference.name, " does not exist"));
      } else if (!found.ok()) {
        return found.status();
      }
    }
    return absl::OkStatus();
  }

  store::Store* store_;
};

}  // namespace bilateral::domain
