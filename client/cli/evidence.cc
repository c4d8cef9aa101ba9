#include "evidence.h"

#include <cstddef>
#include <map>
#include <ostream>
#include <sstream>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "bilateral/citations.h"
#include "bilateral/source_client.h"
#include "errors.h"
#include "formatting.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "output.h"
#include "resources.h"
#include "table.h"

namespace bilateral::cli {
namespace {

using google::protobuf::Message;

// How far a passage reaches each side of its quote, in bytes, when no
// sentence boundary comes first.
constexpr size_t kPassageReach = 600;

// The byte offset of code point `code_points` of UTF-8 `text`, or its size.
size_t ByteOffset(absl::string_view text, int code_points) {
  size_t at = 0;
  for (int seen = 0; at < text.size(); ++at) {
    if (IsContinuationByte(text[at])) continue;
    if (seen++ == code_points) return at;
  }
  return text.size();
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool EndsSentence(char c) { return c == '.' || c == '!' || c == '?'; }

// The size of the closing quotation mark just before `at`, or 0.
size_t ClosingQuoteBefore(absl::string_view text, size_t at) {
  for (absl::string_view mark : {"\"", "'", "\u201D", "\u2019", "\u00BB"}) {
    if (at >= mark.size() && text.substr(at - mark.size(), mark.size()) == mark) {
      return mark.size();
    }
  }
  return 0;
}

// Whether a sentence ends just before `at`: ".", "!" or "?", perhaps with
// closing quotation marks, then white space or the end of the text.
bool SentenceEndsAt(absl::string_view text, size_t at) {
  if (at < text.size() && !IsSpace(text[at])) return false;
  size_t end = at;
  while (size_t mark = ClosingQuoteBefore(text, end)) end -= mark;
  return end > 0 && EndsSentence(text[end - 1]);
}

std::string StateText(v1::CitationVerification state) {
  std::string text = EnumText(v1::CitationVerification_descriptor(), state);
  return text.empty() ? "NOT_CHECKED" : text;
}

std::string OffsetsText(const v1::Citation& citation) {
  if (!citation.has_start() || !citation.has_end()) return "";
  return absl::StrCat(citation.start(), "-", citation.end());
}

// What the evidence of one citation shows.
struct EvidenceItem {
  std::string field;
  const v1::Citation* citation;
  std::string passage;  // empty when the source has no text or no offsets
  int passage_start = 0;
  std::string problem;  // why there is no passage, when it is not obvious
};

// Each citation of `record` with its passage, reading each cited source's
// text once.
absl::StatusOr<std::vector<EvidenceItem>> EvidenceOf(const Context& context,
                                                     const Message& record) {
  // The connection takes the whole request, `view` included.
  auto sources = MakeSourceConnection(context.channel, context.options);
  std::map<std::string, v1::Source> texts;
  std::vector<EvidenceItem> items;
  for (const auto& cited : CitationsIn(record)) {
    EvidenceItem item{cited.field, cited.citation, "", 0, ""};
    auto it = texts.find(cited.citation->source());
    if (it == texts.end()) {
      v1::GetSourceRequest request;
      request.set_name(cited.citation->source());
      request.set_view(v1::SOURCE_VIEW_FULL);
      auto source = sources->GetSource(request);
      if (absl::IsNotFound(source.status())) {
        item.problem = "the source does not exist";
        items.push_back(std::move(item));
        continue;
      }
      if (!source.ok()) return source.status();
      it = texts.emplace(cited.citation->source(), *std::move(source)).first;
    }
    const v1::Citation& citation = *cited.citation;
    if (it->second.text().empty()) {
      item.problem = "the source has no text";
    } else if (!citation.has_start() || !citation.has_end()) {
      item.problem = "the quote was not found in the source's text";
    } else {
      item.passage =
          PassageAround(it->second.text(), citation.start(), citation.end(), &item.passage_start);
    }
    items.push_back(std::move(item));
  }
  return items;
}

google::protobuf::Value StringValue(std::string text) {
  google::protobuf::Value value;
  value.set_string_value(std::move(text));
  return value;
}

google::protobuf::Value NumberValue(double number) {
  google::protobuf::Value value;
  value.set_number_value(number);
  return value;
}

// A citation's fields as JSON, shared by both commands' JSON output.
google::protobuf::Struct CitationJson(const std::string& record, const std::string& field,
                                      const v1::Citation& citation) {
  google::protobuf::Struct json;
  auto& fields = *json.mutable_fields();
  if (!record.empty()) fields["record"] = StringValue(record);
  fields["citation"] = StringValue(field);
  fields["source"] = StringValue(citation.source());
  fields["quote"] = StringValue(citation.quote());
  fields["verification"] = StringValue(v1::CitationVerification_Name(citation.verification()));
  if (citation.has_start()) fields["start"] = NumberValue(citation.start());
  if (citation.has_end()) fields["end"] = NumberValue(citation.end());
  return json;
}

// One citation of `sources verify`.
struct VerifiedCitation {
  std::string record;
  std::string field;
  v1::Citation citation;
};

// The counts of `sources verify`, by state.
struct StateCounts {
  std::map<v1::CitationVerification, int64_t> by_state;

  std::string Text(OutputFormat format) const {
    auto count = [&](v1::CitationVerification state) {
      auto it = by_state.find(state);
      return it == by_state.end() ? int64_t{0} : it->second;
    };
    return CountsText({{"verified", count(v1::CITATION_VERIFICATION_VERIFIED)},
                       {"ambiguous", count(v1::CITATION_VERIFICATION_AMBIGUOUS)},
                       {"not in source", count(v1::CITATION_VERIFICATION_NOT_IN_SOURCE)},
                       {"source has no text", count(v1::CITATION_VERIFICATION_SOURCE_HAS_NO_TEXT)},
                       {"not checked", count(v1::CITATION_VERIFICATION_UNSPECIFIED)}},
                      format);
  }
};

// Reads every record of kind T and keeps the citations of `source` (of any
// source when empty). NDJSON output is written as it comes.
template <typename T>
absl::Status VerifyKind(const Context& context, const std::string& source,
                        std::vector<VerifiedCitation>& kept, StateCounts& counts) {
  auto client = Resource<T>::Connect(context);
  typename Resource<T>::ListRequest request;
  request.set_page_size(1000);
  for (absl::StatusOr<T>& record : Resource<T>::List(client, std::move(request))) {
    if (!record.ok()) return record.status();
    for (const auto& cited : CitationsIn(*record)) {
      if (!source.empty() && cited.citation->source() != source) continue;
      ++counts.by_state[cited.citation->verification()];
      if (context.format == OutputFormat::kNdjson) {
        *context.out << ToJsonLine(CitationJson(record->name(), cited.field, *cited.citation));
      } else {
        kept.push_back({record->name(), cited.field, *cited.citation});
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::string PassageAround(absl::string_view text, int start, int end, int* sentence_start) {
  const size_t quote_begin = ByteOffset(text, start);
  const size_t quote_end = std::max(quote_begin, ByteOffset(text, end));
  // Back to the start of the sentence.
  const size_t back_limit = quote_begin > kPassageReach ? quote_begin - kPassageReach : 0;
  size_t begin = quote_begin;
  while (begin > back_limit) {
    const char before = text[begin - 1];
    if (before == '\n') break;
    if (IsSpace(before) && SentenceEndsAt(text, begin - 1)) break;
    --begin;
  }
  while (begin < quote_begin && IsContinuationByte(text[begin])) ++begin;
  const bool cut_before = begin == back_limit && begin > 0 && text[begin - 1] != '\n';
  while (begin < quote_begin && IsSpace(text[begin])) ++begin;
  // On to its end: a quote that ends a sentence ends the passage.
  const size_t forward_limit = std::min(text.size(), quote_end + kPassageReach);
  size_t finish = quote_end;
  const bool quote_ends_sentence = quote_end > quote_begin && SentenceEndsAt(text, quote_end);
  while (!quote_ends_sentence && finish < forward_limit) {
    if (text[finish] == '\n') break;
    ++finish;
    if (!IsSpace(text[finish - 1]) && SentenceEndsAt(text, finish)) break;
  }
  while (finish < text.size() && IsContinuationByte(text[finish])) ++finish;
  const bool cut_after = finish == forward_limit && finish < text.size() && text[finish] != '\n' &&
                         !SentenceEndsAt(text, finish);
  *sentence_start = static_cast<int>(CodePointCount(std::string_view(text.data(), begin)));
  std::string passage =
      absl::StrCat(cut_before ? "…" : "", text.substr(begin, quote_begin - begin), "[",
                   text.substr(quote_begin, quote_end - quote_begin), "]",
                   text.substr(quote_end, finish - quote_end), cut_after ? "…" : "");
  for (char& c : passage) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return passage;
}

int PrintWithEvidence(const Context& context, const Message& record, const std::string& details) {
  auto items = EvidenceOf(context, record);
  if (!items.ok()) return ReportServerError(items.status(), *context.err);
  if (context.format == OutputFormat::kTable) {
    *context.out << details << "\nevidence:\n";
    if (items->empty()) *context.out << "  no citations\n";
    for (const EvidenceItem& item : *items) {
      const v1::Citation& citation = *item.citation;
      *context.out << "  " << item.field << "  " << citation.source() << "  "
                   << StateText(citation.verification());
      if (citation.has_start() && citation.has_end()) {
        *context.out << "  code points " << OffsetsText(citation);
      }
      *context.out << "\n    "
                   << (item.passage.empty()
                           ? absl::StrCat("> ", citation.quote(), " (", item.problem, ")")
                           : item.passage)
                   << "\n";
    }
    return kExitOk;
  }
  google::protobuf::Struct json;
  auto& fields = *json.mutable_fields();
  google::protobuf::util::JsonParseOptions options;
  if (!google::protobuf::util::JsonStringToMessage(ToJsonLine(record),
                                                   fields["record"].mutable_struct_value(), options)
           .ok()) {
    return ReportServerError(absl::InternalError("the record did not convert to JSON"),
                             *context.err);
  }
  auto* list = fields["evidence"].mutable_list_value();
  for (const EvidenceItem& item : *items) {
    google::protobuf::Struct entry = CitationJson("", item.field, *item.citation);
    if (!item.passage.empty()) {
      (*entry.mutable_fields())["passage"] = StringValue(item.passage);
      (*entry.mutable_fields())["passageStart"] = NumberValue(item.passage_start);
    } else {
      (*entry.mutable_fields())["problem"] = StringValue(item.problem);
    }
    *list->add_values()->mutable_struct_value() = std::move(entry);
  }
  *context.out << ToJson(json, context.format);
  return kExitOk;
}

int RunVerifySources(const Context& context) {
  std::string source;
  if (!context.args.empty()) {
    source = ResourceName<v1::Source>(context.args[0]);
    // A name that does not exist is an error, not an empty report.
    auto client = Resource<v1::Source>::Connect(context);
    auto found = Resource<v1::Source>::Get(client, source);
    if (!found.ok()) return ReportServerError(found.status(), *context.err);
  }
  std::vector<VerifiedCitation> kept;
  StateCounts counts;
  using VerifyOne = absl::Status (*)(const Context&, const std::string&,
                                     std::vector<VerifiedCitation>&, StateCounts&);
  for (VerifyOne verify :
       {&VerifyKind<v1::Source>, &VerifyKind<v1::Visit>, &VerifyKind<v1::Partnership>,
        &VerifyKind<v1::TradeRecord>, &VerifyKind<v1::InfrastructureProject>,
        &VerifyKind<v1::Exchange>, &VerifyKind<v1::Observation>}) {
    if (absl::Status status = verify(context, source, kept, counts); !status.ok()) {
      return ReportServerError(status, *context.err);
    }
  }
  switch (context.format) {
    case OutputFormat::kNdjson:
      return kExitOk;
    case OutputFormat::kJson: {
      google::protobuf::Struct json;
      auto* list = (*json.mutable_fields())["citations"].mutable_list_value();
      for (const VerifiedCitation& one : kept) {
        *list->add_values()->mutable_struct_value() =
            CitationJson(one.record, one.field, one.citation);
      }
      google::protobuf::util::JsonParseOptions options;
      if (!google::protobuf::util::JsonStringToMessage(
               counts.Text(OutputFormat::kNdjson),
               (*json.mutable_fields())["counts"].mutable_struct_value(), options)
               .ok()) {
        return ReportServerError(absl::InternalError("the counts did not convert to JSON"),
                                 *context.err);
      }
      *context.out << ToJson(json);
      return kExitOk;
    }
    case OutputFormat::kTable: {
      std::vector<TableRow> rows;
      rows.reserve(kept.size());
      for (const VerifiedCitation& one : kept) {
        TableRow row{{one.record, one.field, one.citation.source(),
                      StateText(one.citation.verification()), OffsetsText(one.citation)},
                     {}};
        // The quote of a citation that does not hold, for the user to fix.
        if (one.citation.verification() != v1::CITATION_VERIFICATION_VERIFIED) {
          row.notes.push_back(absl::StrCat("> ", Shorten(one.citation.quote(), 100)));
        }
        rows.push_back(std::move(row));
      }
      PrintTable({"RECORD", "CITATION", "SOURCE", "STATE", "CODE POINTS"}, rows, *context.out);
      *context.out << counts.Text(OutputFormat::kTable);
      return kExitOk;
    }
  }
  return kExitOk;
}

}  // namespace bilateral::cli
