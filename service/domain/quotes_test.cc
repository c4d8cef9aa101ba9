#include "domain/quotes.h"

#include "domain/citation_check.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace bilateral::domain {
namespace {

TEST(SourceText, FindsAnExactQuoteWithCodePointOffsets) {
  // "é" and "’" are one code point each and several bytes.
  SourceText text("Café talks. The President’s visit began. More.");
  QuoteMatch match = text.Find("The President’s visit began.", "", "");
  EXPECT_EQ(match.state, v1::CITATION_VERIFICATION_VERIFIED);
  EXPECT_EQ(match.start, 12);
  EXPECT_EQ(match.end, 40);
  EXPECT_EQ(text.Slice(match.start, match.end), "The President’s visit began.");
}

TEST(SourceText, NormalisesQuotesWhitespaceAndDashes) {
  SourceText text("He said “it is a new  era” — and\nleft.");
  QuoteMatch straight = text.Find("He said \"it is a new era\" - and left.", "", "");
  EXPECT_EQ(straight.state, v1::CITATION_VERIFICATION_VERIFIED);
  EXPECT_EQ(text.Slice(straight.start, straight.end), "He said “it is a new  era” — and\nleft.");
  QuoteMatch doubled = text.Find("it  is   a new era", "", "");
  EXPECT_EQ(doubled.state, v1::CITATION_VERIFICATION_VERIFIED);
  EXPECT_EQ(text.Slice(doubled.start, doubled.end), "it is a new  era");
}

TEST(SourceText, ComparesInNfc) {
  // The text has "é" decomposed (e + U+0301); the quote has it composed.
  SourceText text("Le caf\u0065\u0301 est ouvert.");
  QuoteMatch match = text.Find("caf\u00e9 est", "", "");
  EXPECT_EQ(match.state, v1::CITATION_VERIFICATION_VERIFIED);
  EXPECT_EQ(match.start, 3);
  EXPECT_EQ(match.end, 12);
}

TEST(SourceText, RepeatedPassagesAreAmbiguousUnlessPrefixOrSuffixTells) {
  SourceText text("First, trade grew. Then, trade grew. Finally, it fell.");
  QuoteMatch both = text.Find("trade grew.", "", "");
  EXPECT_EQ(both.state, v1::CITATION_VERIFICATION_AMBIGUOUS);
  EXPECT_EQ(both.matches, 2);
  EXPECT_EQ(both.start, 7);
  QuoteMatch second = text.Find("trade grew.", "Then,", "");
  EXPECT_EQ(second.state, v1::CITATION_VERIFICATION_VERIFIED);
  EXPECT_EQ(second.start, 25);
  QuoteMatch first = text.Find("trade grew.", "", "Then, trade");
  EXPECT_EQ(first.state, v1::CITATION_VERIFICATION_VERIFIED);
  EXPECT_EQ(first.start, 7);
  EXPECT_EQ(text.Find("trade grew.", "Never", "").state, v1::CITATION_VERIFICATION_NOT_IN_SOURCE);
}

TEST(SourceText, ALongTextServingManyFindsIsIndexedAndFindsTheSame) {
  // Lines of a statistical annex: each unique, the header repeated.
  std::string annex;
  for (int row = 0; row < 3000; ++row) {
    annex += "Table 4. Exports by commodity, “row ” " + std::to_string(row) + ": value " +
             std::to_string(row * 7919 % 100003) + " thousand USD.\n";
  }
  SourceText text(annex);
  ASSERT_GE(static_cast<size_t>(text.size()), SourceText::kShortestIndexed);
  auto quote = [](int row) {
    return "Exports by commodity, \"row \" " + std::to_string(row) + ": value " +
           std::to_string(row * 7919 % 100003) + " thousand";
  };
  std::vector<QuoteMatch> read;
  for (int row = 0; row < SourceText::kFindsBeforeIndex; ++row) {
    read.push_back(text.Find(quote(row), "", ""));
  }
  EXPECT_FALSE(text.indexed());
  // Past the threshold the index answers, the same as reading did.
  for (int row = 0; row < SourceText::kFindsBeforeIndex; ++row) {
    QuoteMatch again = text.Find(quote(row), "", "");
    EXPECT_EQ(again.state, read[row].state) << row;
    EXPECT_EQ(again.start, read[row].start) << row;
    EXPECT_EQ(again.end, read[row].end) << row;
    EXPECT_EQ(again.state, v1::CITATION_VERIFICATION_VERIFIED) << row;
  }
  EXPECT_TRUE(text.indexed());
  QuoteMatch last = text.Find(quote(2999), "", "");
  EXPECT_EQ(last.state, v1::CITATION_VERIFICATION_VERIFIED);
  EXPECT_THAT(text.Slice(last.start, last.end),
              ::testing::StartsWith("Exports by commodity, “row ” 2999: value"));
  // Repeated passages are counted in full, and the first is reported.
  QuoteMatch header = text.Find("Table 4. Exports by commodity", "", "");
  EXPECT_EQ(header.state, v1::CITATION_VERIFICATION_AMBIGUOUS);
  EXPECT_EQ(header.matches, 3000);
  EXPECT_EQ(header.start, 0);
  // Short quotes, below a gram, and quotes that are not there.
  EXPECT_EQ(text.Find("USD.", "", "").matches, 3000);
  EXPECT_EQ(text.Find("Exports by commodity, row 3000:", "", "").state,
            v1::CITATION_VERIFICATION_NOT_IN_SOURCE);
}

TEST(SourceText, ClosestPassageOfAnAlteredQuote) {
  SourceText text("Intro. The two leaders signed a treaty on good neighbourliness. Outro.");
  QuoteMatch match = text.Find("The two leaders signed a pact on good neighbourliness.", "", "");
  EXPECT_EQ(match.state, v1::CITATION_VERIFICATION_NOT_IN_SOURCE);
  EXPECT_EQ(text.ClosestPassage("The two leaders signed a pact on good neighbourliness."),
            "The two leaders signed a treaty on good neighbourliness.");
  EXPECT_EQ(text.ClosestPassage("nothing alike"), "");
}

TEST(SourceText, EmptyOrBlankQuoteIsNotFound) {
  SourceText text("Some text.");
  EXPECT_EQ(text.Find("  ", "", "").state, v1::CITATION_VERIFICATION_NOT_IN_SOURCE);
}

TEST(CitationCheck, AnchorWithoutTextMarksSourceHasNoText) {
  v1::Citation citation;
  citation.set_quote("q");
  citation.set_start(3);
  Anchor(nullptr, citation);
  EXPECT_EQ(citation.verification(), v1::CITATION_VERIFICATION_SOURCE_HAS_NO_TEXT);
  EXPECT_FALSE(citation.has_start());
}

TEST(CitationCheck, Sha256Hex) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace bilateral::domain
