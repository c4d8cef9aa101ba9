#include "store/schema.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"

namespace bilateral::store {
namespace {

// Columns every collection table has; `seq` orders rows by insertion and is
// never reused, which keeps keyset pagination stable across deletes.
std::string RecordTable(absl::string_view name, absl::string_view columns) {
  return absl::StrCat("CREATE TABLE ", name, " (", "seq {serial}, ",
                      "id TEXT NOT NULL UNIQUE, payload {blob} NOT NULL, etag TEXT NOT NULL, ",
                      "revision INTEGER NOT NULL, create_us INTEGER NOT NULL, ",
                      "update_us INTEGER NOT NULL, ", columns, ")");
}

// Statements are written once, with the few type names that differ between
// the dialects as {tokens}.
std::vector<Migration> ForDialect(std::vector<Migration> migrations, query::Dialect dialect) {
  bool sqlite = dialect == query::Dialect::kSqlite;
  for (auto& migration : migrations) {
    // Statements only one dialect has start with {sqlite} or {postgres}.
    std::vector<std::string> kept;
    for (auto& statement : migration.statements) {
      absl::string_view text = statement;
      if (absl::ConsumePrefix(&text, "{sqlite}") && !sqlite) continue;
      if (absl::ConsumePrefix(&text, "{postgres}") && sqlite) continue;
      kept.emplace_back(text);
    }
    migration.statements = std::move(kept);
    for (auto& statement : migration.statements) {
      statement = absl::StrReplaceAll(
          statement, {{"{serial}", sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                          : "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"},
                      {"{blob}", sqlite ? "BLOB" : "BYTEA"},
                      {"{without_rowid}", sqlite ? "WITHOUT ROWID" : ""},
                      // Text ordered by its bytes, as SQLite orders all text.
                      {"{bytewise_text}", sqlite ? "TEXT" : "TEXT COLLATE \"C\""},
                      // Every integer is 64 bits in both.
                      {"INTEGER", sqlite ? "INTEGER" : "BIGINT"}});
    }
  }
  return migrations;
}

std::vector<Migration> AllMigrations() {
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
           "collection TEXT NOT NULL, id TEXT NOT NULL, payload {blob} NOT NULL, "
           "etag TEXT NOT NULL, create_us INTEGER NOT NULL, "
           "update_us INTEGER NOT NULL)",
           "CREATE INDEX visits_by_visitor ON visits (visitor_country, host_country, start_date, "
           "seq)",
       }},
      {3,
       "every record type, citations, re-derivable columns",
       {
           // Collections whose derived columns must be derived again from
           // their payloads; the service does so at start-up.
           "CREATE TABLE reindex_pending (collection TEXT PRIMARY KEY)",
           // Which source each record cites, so a cited source is kept;
           // since migration 11 also which other records it names (by
           // resource name in source_id, e.g. "visits/x").
           "CREATE TABLE citations (collection TEXT NOT NULL, record_id TEXT NOT NULL, "
           "source_id TEXT NOT NULL, PRIMARY KEY (collection, record_id, source_id)) "
           "{without_rowid}",
           "CREATE INDEX citations_by_source ON citations (source_id)",
           "ALTER TABLE visits ADD COLUMN outcomes TEXT NOT NULL DEFAULT '[]'",
           "INSERT INTO reindex_pending (collection) VALUES ('sources'), ('visits')",
           RecordTable("partnerships",
                       "countries TEXT NOT NULL, level_label TEXT NOT NULL, "
                       "level_tier TEXT NOT NULL, level_since INTEGER NOT NULL"),
           RecordTable("trade_records",
                       "reporter TEXT NOT NULL, partner TEXT NOT NULL, "
                       "period_year INTEGER NOT NULL, period_quarter INTEGER NOT NULL, "
                       "period_month INTEGER NOT NULL, flow TEXT NOT NULL, "
                       "hs_code TEXT NOT NULL, commodity_label TEXT NOT NULL, "
                       "currency TEXT NOT NULL, value_units INTEGER NOT NULL, "
                       "partner_rank INTEGER NOT NULL, main_commodities TEXT NOT NULL"),
           "CREATE UNIQUE INDEX trade_records_key ON trade_records (reporter, partner, "
           "period_year, period_quarter, period_month, flow, hs_code, commodity_label)",
           "CREATE INDEX trade_records_by_period ON trade_records (period_year, "
           "period_quarter, period_month, seq)",
           RecordTable("infrastructure_projects",
                       "display_name TEXT NOT NULL, kind TEXT NOT NULL, sector TEXT NOT NULL, "
                       "host_country TEXT NOT NULL, partner_countries TEXT NOT NULL, "
                       "status TEXT NOT NULL, initiative TEXT NOT NULL, place TEXT NOT NULL, "
                       "region_code TEXT NOT NULL, start_date INTEGER NOT NULL, "
                       "completion_date INTEGER NOT NULL"),
           "CREATE INDEX infrastructure_by_host ON infrastructure_projects (host_country, status, "
           "seq)",
           RecordTable("exchanges",
                       "kind TEXT NOT NULL, countries TEXT NOT NULL, host_country TEXT NOT NULL, "
                       "title TEXT NOT NULL, date INTEGER NOT NULL"),
           RecordTable("observations",
                       "metric TEXT NOT NULL, unit TEXT NOT NULL, countries TEXT NOT NULL, "
                       "period_year INTEGER NOT NULL, period_quarter INTEGER NOT NULL, "
                       "period_month INTEGER NOT NULL, projection INTEGER NOT NULL"),
           RecordTable("countries",
                       "alpha2 TEXT NOT NULL, alpha3 TEXT NOT NULL, numeric TEXT NOT NULL, "
                       "display_name TEXT NOT NULL, official_name TEXT NOT NULL"),
       }},
      {4,
       "values derived from several records, consistency findings",
       {
           RecordTable("findings",
                       "kind TEXT NOT NULL, state TEXT NOT NULL, subject TEXT NOT NULL, "
                       "countries TEXT NOT NULL"),
           "CREATE INDEX findings_by_state ON findings (state, seq)",
           "CREATE INDEX visits_by_series ON visits (visitor_name, host_country, start_date, seq)",
           // Ordinals, changes and findings for the records already stored.
           "INSERT INTO reindex_pending (collection) VALUES ('visits'), ('tradeRecords') "
           "ON CONFLICT DO NOTHING",
       }},
      {5,
       "change feed",
       {
           // Every create, update and delete, in commit order; `seq` is the
           // position a consumer resumes after.
           "CREATE TABLE changes (seq {serial}, collection TEXT NOT NULL, "
           "record_id TEXT NOT NULL, kind TEXT NOT NULL, payload {blob} NOT NULL, "
           "etag TEXT NOT NULL, create_us INTEGER NOT NULL, update_us INTEGER NOT NULL)",
       }},
      {6,
       "full-text search",
       {
           // One document per searchable record: its text, for ranked
           // full-text search (FTS5 on SQLite, tsvector on PostgreSQL).
           "{sqlite}CREATE TABLE search_docs (doc INTEGER PRIMARY KEY AUTOINCREMENT, "
           "collection TEXT NOT NULL, record_id TEXT NOT NULL, UNIQUE (collection, record_id))",
           "{sqlite}CREATE VIRTUAL TABLE search_index USING fts5(body, "
           "tokenize = 'porter unicode61')",
           "{postgres}CREATE TABLE search_docs (doc BIGINT GENERATED ALWAYS AS IDENTITY "
           "PRIMARY KEY, collection TEXT NOT NULL, record_id TEXT NOT NULL, body TEXT NOT NULL, "
           "document tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED, "
           "UNIQUE (collection, record_id))",
           "{postgres}CREATE INDEX search_docs_document ON search_docs USING GIN (document)",
           // Indexes the records already stored.
           "INSERT INTO reindex_pending (collection) VALUES ('sources'), ('visits'), "
           "('partnerships'), ('tradeRecords'), ('infrastructureProjects'), ('exchanges'), "
           "('observations') ON CONFLICT DO NOTHING",
       }},
      {7,
       "request fingerprints with idempotency keys",
       {
           // What identifies the request a key came with, so that the same
           // key with a different request is refused; keys stored before
           // have none and replay as they did.
           "ALTER TABLE request_ids ADD COLUMN fingerprint TEXT NOT NULL DEFAULT ''",
       }},
      {8,
       "store identity",
       {
           // Drawn once, when the database is made or first migrated:
           // change-feed cursors carry it, so that one from another
           // database is refused rather than resumed at a wrong place.
           "CREATE TABLE store_identity (id TEXT NOT NULL)",
           "{sqlite}INSERT INTO store_identity (id) VALUES (lower(hex(randomblob(16))))",
           "{postgres}INSERT INTO store_identity (id) VALUES (replace(gen_random_uuid()::text, "
           "'-', ''))",
       }},
      {9,
       "indexes for the filters Lists use most",
       {
           // An equality filter on one of these reads, in page order (seq),
           // only the rows it returns. Country lists (partnerships,
           // exchanges, observations, findings, project partners) are JSON
           // arrays that a B-tree cannot serve.
           "CREATE INDEX trade_records_by_reporter ON trade_records (reporter, seq)",
           "CREATE INDEX trade_records_by_partner ON trade_records (partner, seq)",
           "CREATE INDEX trade_records_by_flow ON trade_records (flow, seq)",
           "CREATE INDEX trade_records_by_commodity ON trade_records (hs_code, seq)",
           "CREATE INDEX visits_by_visitor_country ON visits (visitor_country, seq)",
           "CREATE INDEX visits_by_host_country ON visits (host_country, seq)",
           "CREATE INDEX infrastructure_by_host_country ON infrastructure_projects "
           "(host_country, seq)",
           "CREATE INDEX exchanges_by_host_country ON exchanges (host_country, seq)",
       }},
      {10,
       "a visitor's series by who they are, not how their name is spelt",
       {
           // domain::NameKey of visitor.name: trimmed, white space runs as
           // one space, NFKC with case folding. Filled for the visits
           // already stored by re-deriving them, which renumbers their
           // series.
           "ALTER TABLE visits ADD COLUMN visitor_key TEXT NOT NULL DEFAULT ''",
           "CREATE INDEX visits_by_series_key ON visits (visitor_key, host_country, start_date, "
           "seq)",
           "INSERT INTO reindex_pending (collection) VALUES ('visits') ON CONFLICT DO NOTHING",
       }},
      {11,
       "records a record names are kept while named",
       {
           // Records the milestones of partnerships name: re-deriving the
           // partnerships records them in the citations table.
           "INSERT INTO reindex_pending (collection) VALUES ('partnerships') "
           "ON CONFLICT DO NOTHING",
       }},
      {12,
       "pair views: timelines, dossier lists and counts",
       {
           // Every entry of every pair's timeline, in timeline order, so
           // that a page is one range of the key; what an entry says is
           // read from its record.
           "CREATE TABLE timeline_entries (pair TEXT NOT NULL, date_key INTEGER NOT NULL, "
           "kind INTEGER NOT NULL, record {bytewise_text} NOT NULL, idx INTEGER NOT NULL, "
           "PRIMARY KEY (pair, date_key, kind, record, idx)) {without_rowid}",
           "CREATE INDEX timeline_entries_by_kind ON timeline_entries "
           "(pair, kind, date_key, record, idx)",
           // A record's place in the lists of a pair that the dossier reads
           // the latest of ("visits CN>KZ", "trade", ...).
           "CREATE TABLE pair_members (pair TEXT NOT NULL, list_name TEXT NOT NULL, "
           "sort_key INTEGER NOT NULL, record_id {bytewise_text} NOT NULL, "
           "PRIMARY KEY (pair, list_name, sort_key, record_id)) {without_rowid}",
           // How many members each list has, and for lists counted by
           // rank, how many each rank has ("trade@20240000").
           "CREATE TABLE pair_counts (pair TEXT NOT NULL, counter TEXT NOT NULL, "
           "members INTEGER NOT NULL, PRIMARY KEY (pair, counter)) {without_rowid}",
           // Built for the records already stored at start-up. A write
           // finds what a record gave before from its payload as it was,
           // so these tables need no index by record.
           "INSERT INTO reindex_pending (collection) VALUES ('views') ON CONFLICT DO NOTHING",
       }},
  };
}

}  // namespace

const std::vector<Migration>& Migrations(query::Dialect dialect) {
  static const auto* sqlite =
      new std::vector<Migration>(ForDialect(AllMigrations(), query::Dialect::kSqlite));
  static const auto* postgres =
      new std::vector<Migration>(ForDialect(AllMigrations(), query::Dialect::kPostgres));
  return dialect == query::Dialect::kSqlite ? *sqlite : *postgres;
}

}  // namespace bilateral::store
