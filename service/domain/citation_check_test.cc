// Quotes are checked against the texts of the sources they cite, on every
// store (tests/test_store.h).
#include "domain/citation_check.h"

#include <algorithm>

#include "domain/records.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "temp_dir.h"
#include "test_store.h"

namespace bilateral::domain {
namespace {

// The call the test's work is for: no deadline, never cancelled.
const CallContext kCall;

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kText[] =
    "Opening line.\n\nThe two leaders signed a treaty on “good neighbourliness” — "
    "the country’s first. So trade grew. Later, trade grew.\n";

class CitationCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = test::OpenTestStore(dir_, "citations.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    sources_ = std::make_unique<Records<v1::Source>>(store_.get());
    visits_ = std::make_unique<Records<v1::Visit>>(store_.get());
    v1::Source source;
    source.set_title("With text");
    source.set_text(kText);
    ASSERT_TRUE(sources_->Create(kCall, source, "text", "").ok());
    v1::Source bare;
    bare.set_title("Without text");
    ASSERT_TRUE(sources_->Create(kCall, bare, "bare", "").ok());
  }

  static v1::Visit Visit(const std::string& source, const std::string& quote) {
    v1::Visit visit;
    google::protobuf::util::JsonStringToMessage(
        R"({"visitor": {"name": "Xi Jinping", "country": "CN"},
            "hostCountry": "countries/KZ", "startDate": {"year": 2024}})",
        &visit);
    auto* citation = visit.add_citations();
    citation->set_source("sources/" + source);
    citation->set_quote(quote);
    return visit;
  }

  static std::vector<std::string> ViolatedFields(const absl::Status& status) {
    std::vector<std::string> fields;
    for (const auto& violation : FieldViolations(status)) fields.push_back(violation.field);
    return fields;
  }

  test::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Records<v1::Source>> sources_;
  std::unique_ptr<Records<v1::Visit>> visits_;
};

TEST_F(CitationCheckTest, AQuoteInTheTextIsVerifiedWithOffsets) {
  auto stored = visits_->Create(kCall, Visit("text", "the country’s first."), "v", "");
  ASSERT_TRUE(stored.ok()) << stored.status();
  const auto& citation = stored->citations(0);
  EXPECT_EQ(citation.verification(), v1::CITATION_VERIFICATION_VERIFIED);
  EXPECT_EQ(SourceText(kText).Slice(citation.start(), citation.end()), "the country’s first.");
  EXPECT_EQ(visits_->Get(kCall, "visits/v")->citations(0).start(), citation.start());
}

TEST_F(CitationCheckTest, AQuoteWithOneWordAlteredIsRefusedShowingTheClosestPassage) {
  auto refused = visits_->Create(
      kCall, Visit("text", "The two leaders signed a pact on “good neighbourliness”"), "v", "");
  ASSERT_TRUE(absl::IsInvalidArgument(refused.status())) << refused.status();
  EXPECT_THAT(ViolatedFields(refused.status()), ElementsAre("visit.citations[0].quote"));
  EXPECT_THAT(refused.status().message(), HasSubstr("not in the text of sources/text"));
  EXPECT_THAT(refused.status().message(),
              HasSubstr("The two leaders signed a treaty on “good neighbourliness”"));
  EXPECT_EQ(*store_->Count(kCall, Resource<v1::Visit>::Collection()), 0);
}

TEST_F(CitationCheckTest, StraightQuotesDoubledSpacesAndHyphensStillVerify) {
  auto stored = visits_->Create(
      kCall, Visit("text", "signed a  treaty on \"good neighbourliness\" - the country's first."),
      "v", "");
  ASSERT_TRUE(stored.ok()) << stored.status();
  const auto& citation = stored->citations(0);
  EXPECT_EQ(citation.verification(), v1::CITATION_VERIFICATION_VERIFIED);
  EXPECT_EQ(SourceText(kText).Slice(citation.start(), citation.end()),
            "signed a treaty on “good neighbourliness” — the country’s first.");
}

TEST_F(CitationCheckTest, ARepeatedQuoteIsAmbiguousUnlessAPrefixTellsOrStrictRefuses) {
  auto ambiguous = visits_->Create(kCall, Visit("text", "trade grew."), "a", "");
  ASSERT_TRUE(ambiguous.ok()) << ambiguous.status();
  EXPECT_EQ(ambiguous->citations(0).verification(), v1::CITATION_VERIFICATION_AMBIGUOUS);
  SourceText text(kText);
  EXPECT_EQ(ambiguous->citations(0).start(),
            static_cast<int32_t>(std::u32string(U"Opening line.\n\nThe two leaders signed a "
                                                U"treaty on “good neighbourliness” — the "
                                                U"country’s first. So ")
                                     .size()));

  v1::Visit with_prefix = Visit("text", "trade grew.");
  with_prefix.mutable_citations(0)->set_prefix("Later,");
  auto decided = visits_->Create(kCall, with_prefix, "b", "");
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->citations(0).verification(), v1::CITATION_VERIFICATION_VERIFIED);
  EXPECT_EQ(text.Slice(decided->citations(0).start() - 7, decided->citations(0).end()),
            "Later, trade grew.");

  v1::Visit strict = Visit("text", "trade grew.");
  strict.mutable_citations(0)->set_strict(true);
  auto refused = visits_->Create(kCall, strict, "c", "");
  EXPECT_THAT(ViolatedFields(refused.status()), ElementsAre("visit.citations[0].quote"));
  EXPECT_THAT(refused.status().message(), HasSubstr("found 2 times"));
}

TEST_F(CitationCheckTest, ASourceWithoutTextKeepsTheQuoteUnchecked) {
  auto stored = visits_->Create(kCall, Visit("bare", "anything at all"), "v", "");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->citations(0).verification(), v1::CITATION_VERIFICATION_SOURCE_HAS_NO_TEXT);
  EXPECT_FALSE(stored->citations(0).has_start());
}

TEST_F(CitationCheckTest, OutputOnlySelectorFieldsFromTheCallerAreReplaced) {
  v1::Visit visit = Visit("text", "Opening line.");
  visit.mutable_citations(0)->set_start(40);
  visit.mutable_citations(0)->set_end(2);
  visit.mutable_citations(0)->set_verification(v1::CITATION_VERIFICATION_AMBIGUOUS);
  auto stored = visits_->Create(kCall, visit, "v", "");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->citations(0).start(), 0);
  EXPECT_EQ(stored->citations(0).end(), 13);
  EXPECT_EQ(stored->citations(0).verification(), v1::CITATION_VERIFICATION_VERIFIED);
}

TEST_F(CitationCheckTest, ImportChecksEveryRecordOfTheChunk) {
  google::protobuf::RepeatedPtrField<v1::Visit> records;
  *records.Add() = Visit("text", "Opening line.");
  *records.Add() = Visit("text", "Closing line.");
  *records.Add() = Visit("bare", "whatever");
  auto results = visits_->Import(kCall, records, /*use_names=*/false);
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_TRUE((*results)[0].status.ok()) << (*results)[0].status;
  EXPECT_THAT(ViolatedFields((*results)[1].status), ElementsAre("visit.citations[0].quote"));
  EXPECT_TRUE((*results)[2].status.ok()) << (*results)[2].status;
  auto page = visits_->List(kCall, {});
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].citations(0).verification(), v1::CITATION_VERIFICATION_VERIFIED);
  EXPECT_EQ(page->items[1].citations(0).verification(),
            v1::CITATION_VERIFICATION_SOURCE_HAS_NO_TEXT);
}

TEST_F(CitationCheckTest, TextsUpToTheLimitAreStoredWholeAndLongerOnesRefused) {
  std::string large;
  while (large.size() + 64 < kMaxSourceTextBytes) {
    large += "Paragraph " + std::to_string(large.size()) + " of a long report.\n";
  }
  v1::Source source;
  source.set_title("Long");
  source.set_text(large);
  auto stored = sources_->Create(kCall, source, "long", "");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->text_sha256(), Sha256Hex(large));
  auto read = sources_->Get(kCall, "sources/long");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->text(), large);
  EXPECT_EQ(read->media_type(), "text/plain");

  auto cited = visits_->Create(kCall, Visit("long", "Paragraph 0 of a long report."), "v", "");
  ASSERT_TRUE(cited.ok()) << cited.status();
  EXPECT_EQ(cited->citations(0).verification(), v1::CITATION_VERIFICATION_VERIFIED);

  source.set_text(std::string(kMaxSourceTextBytes + 1, 'x'));
  EXPECT_THAT(ViolatedFields(sources_->Create(kCall, source, "too-long", "").status()),
              ElementsAre("source.text"));
}

// The findings of `state`, by subject.
std::vector<std::string> FindingSubjects(store::Store& store, const std::string& state) {
  std::vector<std::string> subjects;
  store::ListQuery query;
  query.page_size = 1000;
  query.filter = "kind = QUOTE_NOT_IN_SOURCE AND state = " + state;
  auto page = store.List(kCall, Resource<v1::Finding>::Collection(), query);
  EXPECT_TRUE(page.ok()) << page.status();
  if (!page.ok()) return subjects;
  for (const auto& row : page->rows) {
    v1::Finding finding;
    finding.ParseFromString(row.payload);
    subjects.push_back(finding.subject());
  }
  std::sort(subjects.begin(), subjects.end());
  return subjects;
}

TEST_F(CitationCheckTest, DroppingASentenceOpensExactlyItsFindingsAndRestoringClosesThem) {
  ASSERT_TRUE(visits_->Create(kCall, Visit("text", "Opening line."), "kept", "").ok());
  ASSERT_TRUE(visits_->Create(kCall, Visit("text", "the country’s first."), "dropped-a", "").ok());
  v1::Visit two = Visit("text", "signed a treaty");
  auto* second = two.add_citations();
  second->set_source("sources/text");
  second->set_quote("the country's first");
  ASSERT_TRUE(visits_->Create(kCall, two, "dropped-b", "").ok());
  ASSERT_TRUE(
      visits_->Create(kCall, Visit("bare", "the country’s first."), "other-source", "").ok());
  auto feed_before = store_->Changes(kCall);
  ASSERT_TRUE(feed_before.ok());

  std::string without = kText;
  const std::string sentence = " — the country’s first.";
  without.erase(without.find(sentence), sentence.size());
  v1::Source update;
  update.set_name("sources/text");
  update.set_text(without);
  ASSERT_TRUE(sources_->Update(kCall, update, nullptr).ok());

  EXPECT_THAT(FindingSubjects(*store_, "OPEN"),
              ElementsAre("visits/dropped-a", "visits/dropped-b"));
  auto dropped = visits_->Get(kCall, "visits/dropped-b");
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(dropped->citations(0).verification(), v1::CITATION_VERIFICATION_VERIFIED);
  EXPECT_EQ(dropped->citations(1).verification(), v1::CITATION_VERIFICATION_NOT_IN_SOURCE);
  EXPECT_FALSE(dropped->citations(1).has_start());
  EXPECT_EQ(visits_->Get(kCall, "visits/kept")->citations(0).verification(),
            v1::CITATION_VERIFICATION_VERIFIED);
  EXPECT_EQ(visits_->Get(kCall, "visits/other-source")->citations(0).verification(),
            v1::CITATION_VERIFICATION_SOURCE_HAS_NO_TEXT);

  // The re-anchored records and the findings are in the change feed.
  auto changes = store_->ReadChanges(kCall, feed_before->latest, {}, 100);
  ASSERT_TRUE(changes.ok());
  std::vector<std::string> changed;
  for (const auto& change : changes->changes) {
    changed.push_back(change.collection + "/" + change.row.id);
  }
  EXPECT_THAT(changed,
              ::testing::IsSupersetOf({"sources/text", "visits/dropped-a", "visits/dropped-b",
                                       "findings/quote-visits-dropped-a"}));
  EXPECT_THAT(changed, ::testing::Not(::testing::Contains("visits/kept")));

  update.set_text(kText);
  ASSERT_TRUE(sources_->Update(kCall, update, nullptr).ok());
  EXPECT_THAT(FindingSubjects(*store_, "OPEN"), ::testing::IsEmpty());
  EXPECT_THAT(FindingSubjects(*store_, "CLOSED"),
              ElementsAre("visits/dropped-a", "visits/dropped-b"));
  EXPECT_EQ(visits_->Get(kCall, "visits/dropped-b")->citations(1).verification(),
            v1::CITATION_VERIFICATION_VERIFIED);
}

TEST_F(CitationCheckTest, CorrectingOrDeletingTheRecordClosesItsFinding) {
  ASSERT_TRUE(visits_->Create(kCall, Visit("text", "So trade grew."), "fixed", "").ok());
  ASSERT_TRUE(visits_->Create(kCall, Visit("text", "So trade grew."), "deleted", "").ok());
  v1::Source update;
  update.set_name("sources/text");
  update.set_text("Opening line. Later, trade grew.");
  ASSERT_TRUE(sources_->Update(kCall, update, nullptr).ok());
  ASSERT_THAT(FindingSubjects(*store_, "OPEN"), ElementsAre("visits/deleted", "visits/fixed"));

  // A write that keeps the missing quote is refused; one that corrects it
  // closes the finding.
  v1::Visit visit = *visits_->Get(kCall, "visits/fixed");
  visit.mutable_end_date()->set_year(2024);
  google::protobuf::FieldMask mask;
  mask.add_paths("end_date");
  EXPECT_THAT(ViolatedFields(visits_->Update(kCall, visit, &mask).status()),
              ElementsAre("visit.citations[0].quote"));
  visit.mutable_citations(0)->set_quote("Later, trade grew.");
  mask.add_paths("citations");
  ASSERT_TRUE(visits_->Update(kCall, visit, &mask).ok());
  ASSERT_TRUE(visits_->Delete(kCall, "visits/deleted", "").ok());
  EXPECT_THAT(FindingSubjects(*store_, "OPEN"), ::testing::IsEmpty());
  EXPECT_THAT(FindingSubjects(*store_, "CLOSED"), ElementsAre("visits/deleted", "visits/fixed"));
}

}  // namespace
}  // namespace bilateral::domain
