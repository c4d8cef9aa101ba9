#include "store/list_plan.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "store/hash.h"

namespace bilateral::store {
namespace {

constexpr uint8_t kTokenVersion = 1;
// Keys the token checksum so that a token is not trivially re-signed after
// editing; the checksum detects corruption and casual tampering, and the
// decoder validates everything it reads regardless.
constexpr absl::string_view kTokenKey = "bilateral.v1/page-token";

void PutFixed64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(value >> (8 * i)));
}

bool GetFixed64(absl::string_view& in, uint64_t& value) {
  if (in.size() < 8) return false;
  value = 0;
  for (int i = 0; i < 8; ++i) {
    value |= static_cast<uint64_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  }
  in.remove_prefix(8);
  return true;
}

uint64_t Checksum(absl::string_view body) { return Fnv1a(body, Fnv1a(kTokenKey)); }

absl::Status BadToken(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("page_token: ", why));
}

uint64_t Fingerprint(const Collection& collection, const ListQuery& query) {
  std::string text = absl::StrCat(collection.table, "\n", query.filter, "\n", query.order_by);
  return Fnv1a(text);
}

// (k0 > v0) OR (k0 = v0 AND k1 > v1) OR ... OR (k0 = v0 AND ... AND seq > s),
// with `<` for descending keys.
std::string KeysetCondition(const std::vector<query::OrderTerm>& terms,
                            const PagePosition& position, std::vector<SqlValue>& params) {
  std::vector<std::string> alternatives;
  for (size_t i = 0; i <= terms.size(); ++i) {
    std::vector<std::string> parts;
    for (size_t j = 0; j < i; ++j) {
      parts.push_back(absl::StrCat("(", terms[j].field->column, ") = ?"));
      params.push_back(position.keys[j]);
    }
    if (i < terms.size()) {
      parts.push_back(
          absl::StrCat("(", terms[i].field->column, ") ", terms[i].descending ? "<" : ">", " ?"));
      params.push_back(position.keys[i]);
    } else {
      parts.push_back("seq > ?");
      params.push_back(position.seq);
    }
    alternatives.push_back(absl::StrCat("(", absl::StrJoin(parts, " AND "), ")"));
  }
  return absl::StrCat("(", absl::StrJoin(alternatives, " OR "), ")");
}

}  // namespace

absl::StatusOr<ListPlan> PlanList(const Collection& collection, const ListQuery& query,
                                  query::Dialect dialect) {
  auto filter = query::CompileFilter(query.filter, collection.fields, dialect);
  if (!filter.ok()) return filter.status();
  auto terms = query::ParseOrderBy(query.order_by, collection.fields);
  if (!terms.ok()) return terms.status();

  ListPlan plan;
  plan.key_count = terms->size();
  plan.query_fingerprint = Fingerprint(collection, query);

  std::string select = "SELECT seq, id, payload, etag, create_us, update_us";
  for (const auto& term : *terms) {
    absl::StrAppend(&select, ", (", term.field->column, ")");
  }
  absl::StrAppend(&select, " FROM ", collection.table);

  std::vector<std::string> where;
  if (!filter->sql.empty()) {
    where.push_back(filter->sql);
    plan.params = std::move(filter->params);
  }
  if (!query.page_token.empty()) {
    auto position = DecodePageToken(query.page_token, plan.query_fingerprint, plan.key_count);
    if (!position.ok()) return position.status();
    where.push_back(KeysetCondition(*terms, *position, plan.params));
  }
  if (!where.empty()) {
    absl::StrAppend(&select, " WHERE ", absl::StrJoin(where, " AND "));
  }

  std::vector<std::string> order;
  for (const auto& term : *terms) {
    order.push_back(absl::StrCat("(", term.field->column, ")", term.descending ? " DESC" : " ASC"));
  }
  order.push_back("seq ASC");
  absl::StrAppend(&select, " ORDER BY ", absl::StrJoin(order, ", "), " LIMIT ?");
  plan.params.push_back(static_cast<int64_t>(query.page_size) + 1);
  plan.sql = std::move(select);
  return plan;
}

std::string EncodePageToken(uint64_t query_fingerprint, const std::vector<SqlValue>& keys,
                            int64_t seq) {
  std::string body;
  body.push_back(static_cast<char>(kTokenVersion));
  PutFixed64(body, query_fingerprint);
  PutFixed64(body, static_cast<uint64_t>(seq));
  body.push_back(static_cast<char>(keys.size()));
  for (const auto& key : keys) {
    if (const auto* number = std::get_if<int64_t>(&key)) {
      body.push_back('i');
      PutFixed64(body, static_cast<uint64_t>(*number));
    } else {
      const auto& text = std::get<std::string>(key);
      body.push_back('s');
      PutFixed64(body, text.size());
      body.append(text);
    }
  }
  return SealPageToken(body);
}

std::string SealPageToken(absl::string_view body) {
  std::string raw(body);
  PutFixed64(raw, Checksum(body));
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<std::string> UnsealPageToken(absl::string_view token) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 8 + 1) {
    return BadToken("malformed; pass next_page_token exactly as returned");
  }
  absl::string_view body(raw.data(), raw.size() - 8);
  absl::string_view tail(raw.data() + body.size(), 8);
  uint64_t checksum = 0;
  GetFixed64(tail, checksum);
  if (checksum != Checksum(body)) {
    return BadToken("corrupted or altered; pass next_page_token exactly as returned");
  }
  raw.resize(body.size());
  return raw;
}

absl::StatusOr<PagePosition> DecodePageToken(absl::string_view token, uint64_t query_fingerprint,
                                             size_t key_count) {
  auto unsealed = UnsealPageToken(token);
  if (!unsealed.ok()) return unsealed.status();
  if (unsealed->size() < 1 + 8 + 8 + 1) {
    return BadToken("malformed; pass next_page_token exactly as returned");
  }
  absl::string_view in = *unsealed;
  if (static_cast<uint8_t>(in[0]) != kTokenVersion) {
    return BadToken("issued by an incompatible server version");
  }
  in.remove_prefix(1);
  uint64_t fingerprint = 0, seq = 0;
  GetFixed64(in, fingerprint);
  GetFixed64(in, seq);
  if (fingerprint != query_fingerprint) {
    return BadToken(
        "issued for a different filter or order_by; repeat the query that "
        "returned it, or start again without a token");
  }
  size_t count = static_cast<unsigned char>(in[0]);
  in.remove_prefix(1);
  if (count != key_count) return BadToken("does not match the ordering");
  PagePosition position;
  position.seq = static_cast<int64_t>(seq);
  for (size_t i = 0; i < count; ++i) {
    if (in.empty()) return BadToken("truncated");
    char type = in[0];
    in.remove_prefix(1);
    uint64_t value = 0;
    if (!GetFixed64(in, value)) return BadToken("truncated");
    if (type == 'i') {
      position.keys.emplace_back(static_cast<int64_t>(value));
    } else if (type == 's' && value <= in.size()) {
      position.keys.emplace_back(std::string(in.substr(0, value)));
      in.remove_prefix(value);
    } else {
      return BadToken("malformed key");
    }
  }
  if (!in.empty()) return BadToken("has trailing bytes");
  return position;
}

}  // namespace bilateral::store
