// What the store keeps about pairs of countries besides the records: each
// pair's timeline entries, the lists the dossier reads the latest of, and
// how many records each list holds. Rows here are derived from records by
// the collection's `pair_views` function and rewritten in the transaction
// of every write that changes a record, so a pair's dossier and any page of
// its timeline read a handful of rows through an index, whatever the
// number of records the pair has.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace bilateral::store {

struct Collection;
struct Row;

// One entry of a pair's timeline, as its key: a timeline is ordered by
// (date, kind, record, index). What the entry says is read from its record
// when it is served, so the key is all that is stored.
struct TimelineRow {
  std::string pair;    // "CN-KZ": alpha-2 codes in alphabetical order
  int64_t date = 0;    // YYYYMMDD with 00 for unknown parts
  int64_t kind = 0;    // the entry's kind, a small number
  std::string record;  // the resource name of the record, "visits/x"
  int64_t index = 0;   // the entry's place within its record (a milestone's)

  friend bool operator==(const TimelineRow& a, const TimelineRow& b) {
    return a.pair == b.pair && a.date == b.date && a.kind == b.kind && a.record == b.record &&
           a.index == b.index;
  }
};

// A record's place in one of a pair's lists, in the list's order (`rank`,
// then record id). Every member is counted in `list`.
struct PairMember {
  std::string pair;
  std::string list;  // e.g. "visits CN>KZ"
  int64_t rank = 0;
  // Also count the list's members by rank ("{list}@{rank}").
  bool count_by_rank = false;

  friend bool operator==(const PairMember& a, const PairMember& b) {
    return a.pair == b.pair && a.list == b.list && a.rank == b.rank &&
           a.count_by_rank == b.count_by_rank;
  }
};

// Everything one record contributes to the views of the pairs it concerns.
struct PairViewRows {
  std::vector<TimelineRow> timeline;
  std::vector<PairMember> members;
};

// Maps a stored record (id and payload, with its times) to its rows.
using PairViewsOf = std::function<absl::StatusOr<PairViewRows>(const Row& row)>;

// Where a timeline page resumes: strictly after this entry.
struct TimelinePosition {
  int64_t date = 0;
  int64_t kind = 0;
  std::string record;
  int64_t index = 0;
};

// One page of a pair's timeline: entries of `kinds` dated within
// [min_date, max_date], after `after`, in timeline order, each with the
// record it comes from.
struct TimelineQuery {
  // The collections whose records have timeline entries.
  std::vector<const Collection*> collections;
  std::string pair;
  std::vector<int64_t> kinds;  // the kinds wanted; empty: every kind
  int64_t min_date = 0;
  int64_t max_date = INT64_MAX;
  std::optional<TimelinePosition> after;
  int64_t limit = 50;
};

// Rows of one of a pair's lists, with the records they stand for.
struct PairListQuery {
  const Collection* collection = nullptr;  // the members' collection
  std::string list;
  bool rank_descending = false;
  bool record_descending = false;
  // Only members ranked at least this.
  int64_t min_rank = INT64_MIN;
  // Only the members with the list's highest rank (its latest period).
  bool highest_rank_only = false;
  int64_t limit = 1;
};

// What the dossier of a pair reads, in one snapshot.
struct PairQuery {
  std::string pair;
  std::vector<std::string> counters;  // list names
  std::vector<PairListQuery> lists;
};

}  // namespace bilateral::store
