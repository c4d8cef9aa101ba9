#include "store/schema.h"

#include "absl/strings/str_cat.h"

namespace bilateral::store {
namespace {

// Columns every collection table has; `seq` orders rows by insertion and is
// never reused, which keeps keyset pagination stable across deletes.
std::string RecordTable(absl::string_view name, absl::string_view columns) {
  return absl::StrCat(
      "CREATE TABLE ", name, " (",
      "seq INTEGER PRIMARY KEY AUTOINCREMENT, ",
      "id TEXT NOT NULL UNIQUE, payload BLOB NOT NULL, etag TEXT NOT NULL, ",
      "revision INTEGER NOT NULL, create_us INTEGER NOT NULL, ",
      "update_us INTEGER NOT NULL, ", columns, ")");
}

std::vector<Migration> BuildSqliteMigrations() {
  return {
      {1,
       "sources and visits",
       {
           RecordTable("sources",
                       "title TEXT NOT NULL, publisher TEXT NOT NULL, "
                       "author TEXT NOT NULL, language TEXT NOT NULL, "
                       "kind TEXT NOT NULL, publication_date INTEGER NOT NULL"),
           RecordTable("visits",
                       "visitor_name TEXT NOT NULL, visitor_office TEXT NOT NULL, "
                       "visitor_country TEXT NOT NULL, host_country TEXT NOT NULL, "
                       "kind TEXT NOT NULL, start_date INTEGER NOT NULL, "
                       "end_date INTEGER NOT NULL, reported_ordinal INTEGER NOT NULL, "
                       "cities TEXT NOT NULL, occasions TEXT NOT NULL"),
           "CREATE INDEX visits_by_start_date ON visits (start_date, seq)",
           "CREATE INDEX visits_by_host ON visits (host_country, start_date, seq)",
           "CREATE INDEX sources_by_date ON sources (publication_date, seq)",
       }},
      {2,
       "idempotency keys",
       {
           // The response of a create, kept so that a retry with the same
           // request_id returns exactly what the first call returned.
           "CREATE TABLE request_ids (request_id TEXT PRIMARY KEY, "
           "collection TEXT NOT NULL, id TEXT NOT NULL, payload BLOB NOT NULL, "
           "etag TEXT NOT NULL, create_us INTEGER NOT NULL, "
           "update_us INTEGER NOT NULL)",
           "CREATE INDEX visits_by_visitor ON visits (visitor_country, host_country, start_date, seq)",
       }},
  };
}

}  // namespace

const std::vector<Migration>& SqliteMigrations() {
  static const auto* migrations =
      new std::vector<Migration>(BuildSqliteMigrations());
  return *migrations;
}

}  // namespace bilateral::store
