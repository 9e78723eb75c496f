// libwbxml 0.11.8 as an independent oracle: our code-page table, our decoder and our encoder must agree
// with it on every corpus document and every real client request, apart from the 25 EAS 16.1 tokens
// libwbxml lacks (wbxml.md §7.2), which are counted and reported, never silently skipped.
#include "tests/eas/wbxml/libwbxml_oracle.hpp"

#include "eas/wbxml/code_pages.hpp"
#include "eas/wbxml/codec.hpp"
#include "tests/eas/wbxml/corpus.hpp"
#include "tests/eas/wbxml/libwbxml_abi.hpp"
#include "tests/eas/wbxml/test_util.hpp"

#include <gtest/gtest.h>

#include <iostream>
#include <set>
#include <string_view>

namespace easd::wbxml {
namespace {

struct name_row {
  std::uint8_t page;
  std::uint8_t token;
  const char* libwbxml_name;
};
constexpr name_row digest_libwbxml_names[] = {
#include "tests/eas/wbxml/libwbxml_names.inc"
};

// Z-Push lists these as deprecated legacy tokens; libwbxml never had them (wbxml.md §6).
bool zpush_only_legacy(tag t) {
  return (t.page == 4 && t.token >= 0x2B && t.token <= 0x32) || (t.page == 21 && t.token == 0x0A);
}

TEST(LibwbxmlOracle, EveryLibwbxmlTokenIsInOurTable) {
  int entries = 0;
  for (const WBXMLTagEntry* e = sv_airsync_tag_table; e->xmlName != nullptr; ++e) {
    ++entries;
    const tag t{e->wbxmlCodePage, e->wbxmlToken};
    EXPECT_TRUE(is_known(t)) << e->xmlName << " " << int(t.page) << "/0x" << std::hex << int(t.token);
    EXPECT_EQ((e->options & 0x1) != 0, is_opaque_element(t)) << e->xmlName;
  }
  EXPECT_EQ(entries, 621) << "Debian 12 libwbxml 0.11.8 (two duplicate entries included)";
}

// The §3 "libwbxml 0.11.8" column is what libwbxml really has at each of our (page, token) pairs, so our
// table puts every spec name at the token libwbxml (and the Microsoft tables it was built from) use.
TEST(LibwbxmlOracle, OurTokensCarryLibwbxmlsNames) {
  std::set<std::pair<int, int>> spec;
  int missing = 0;
  for (const auto& row : digest_libwbxml_names) {
    const tag t{row.page, row.token};
    spec.emplace(row.page, row.token);
    ASSERT_TRUE(is_known(t)) << int(row.page) << "/" << int(row.token);
    EXPECT_FALSE(is_legacy(t));
    const WBXMLTagEntry* e = test::libwbxml_entry(t);
    if (row.libwbxml_name == nullptr) {
      EXPECT_EQ(e, nullptr) << tag_name(t);
      ++missing;
      continue;
    }
    ASSERT_NE(e, nullptr) << tag_name(t);
    EXPECT_STREQ(e->xmlName, row.libwbxml_name) << page_name(t.page) << ":" << tag_name(t);
  }
  EXPECT_EQ(missing, 25) << "wbxml.md §7.2";
  // Every non-legacy entry of our table is in the digest's list, and legacy entries are libwbxml's or
  // Z-Push's.
  for (const auto& e : all_tags()) {
    if (!e.legacy()) {
      EXPECT_TRUE(spec.count({e.page, e.token})) << page_name(e.page) << ":" << e.name;
    } else {
      EXPECT_TRUE(test::libwbxml_entry(e.id()) != nullptr || zpush_only_legacy(e.id()))
          << page_name(e.page) << ":" << e.name;
    }
  }
}

struct oracle_stats {
  int documents = 0;
  int known_gaps = 0;
  int libwbxml_encodings = 0;
  std::set<std::string> skipped_encodings;
};

// The three checks of one document whose bytes we decoded to `ours`.
void check_against_libwbxml(const std::string& name, const std::vector<std::uint8_t>& wire, const element& ours,
                            oracle_stats& stats) {
  ++stats.documents;
  // 1. libwbxml decodes the same bytes to the same tree.
  const auto theirs = test::libwbxml_decode(wire);
  ASSERT_TRUE(theirs.tree) << name << ": libwbxml: " << theirs.error;
  int gaps = 0;
  EXPECT_EQ(test::compare_with_libwbxml(ours, *theirs.tree, gaps), "") << name;
  stats.known_gaps += gaps;

  // 2. Our encoding of that tree reads back in libwbxml to the same tree.
  const auto ours_encoded = encode(ours);
  const auto theirs_again = test::libwbxml_decode(ours_encoded);
  ASSERT_TRUE(theirs_again.tree) << name << ": libwbxml on our encoding: " << theirs_again.error;
  int gaps_again = 0;
  EXPECT_EQ(test::compare_with_libwbxml(ours, *theirs_again.tree, gaps_again), "") << name;
  EXPECT_EQ(gaps_again, gaps) << name;

  // 3. libwbxml's encoding of the tree decodes (ours) to the same tree. libwbxml cannot say whether content
  //    was STR_I or OPAQUE, so the content flags are compared separately below.
  std::string why;
  const auto theirs_encoded = test::libwbxml_encode(ours, why);
  if (!theirs_encoded) {
    EXPECT_TRUE(test::uses_tags_libwbxml_lacks(ours) || why.find("NUL") != std::string::npos) << name << ": " << why;
    stats.skipped_encodings.insert(name + " (" + why + ")");
    return;
  }
  ++stats.libwbxml_encodings;
  const auto back = decode(std::span<const std::uint8_t>(*theirs_encoded));
  ASSERT_TRUE(back) << name << ": our decoder on libwbxml's encoding " << test::hex(*theirs_encoded) << ": "
                    << back.error().message();
  EXPECT_EQ(test::plain(*back), test::plain(ours)) << name;
  // Where both emit OPAQUE (byte-array elements with opaque content) the bytes agree exactly.
  if (*back == ours) {
    EXPECT_EQ(*theirs_encoded, ours_encoded) << name;
  }
}

void report(const char* what, const oracle_stats& s) {
  std::cout << "[ oracle   ] " << what << ": " << s.documents << " documents, " << s.libwbxml_encodings
            << " encoded by libwbxml, " << s.known_gaps << " tags libwbxml 0.11.8 lacks (wbxml.md §7.2)\n";
  for (const auto& n : s.skipped_encodings) std::cout << "[ oracle   ]   libwbxml cannot encode: " << n << "\n";
}

TEST(LibwbxmlOracle, CommandCorpus) {
  oracle_stats stats;
  for (const auto& d : test::command_corpus()) {
    const element tree = test::parse_corpus_document(d);
    const auto wire = encode(tree);
    const auto ours = decode(std::span<const std::uint8_t>(wire));
    ASSERT_TRUE(ours) << d.name;
    EXPECT_EQ(*ours, tree) << d.name;
    check_against_libwbxml(d.name, wire, *ours, stats);
  }
  report("command corpus", stats);
  EXPECT_EQ(stats.documents, static_cast<int>(test::command_corpus().size()));
  EXPECT_GT(stats.known_gaps, 0) << "the corpus exercises the 16.1 tokens";
}

TEST(LibwbxmlOracle, EveryClientRequestFixture) {
  oracle_stats stats;
  const auto fixtures = test::client_request_fixtures();
  ASSERT_GE(fixtures.size(), 175u);
  for (const auto& f : fixtures) {
    const auto ours = decode(std::span<const std::uint8_t>(f.bytes));
    ASSERT_TRUE(ours) << f.name << ": " << ours.error().message();
    check_against_libwbxml(f.name, f.bytes, *ours, stats);
  }
  report("client requests", stats);
}

// The comparison itself notices a wrong tag, wrong content and a missing child.
TEST(LibwbxmlOracle, ComparisonDetectsDifferences) {
  const auto wire = test::doc({0x00, 0x07, 0x56, 0x52, 0x03, '0', 0x00, 0x01, 0x01});
  const auto theirs = test::libwbxml_decode(wire);
  ASSERT_TRUE(theirs.tree);
  element ours = decode(std::span<const std::uint8_t>(wire)).value();
  int gaps = 0;
  EXPECT_EQ(test::compare_with_libwbxml(ours, *theirs.tree, gaps), "");
  element other_text = ours;
  other_text.children()[0].set_text("1");
  EXPECT_NE(test::compare_with_libwbxml(other_text, *theirs.tree, gaps), "");
  element other_tag = ours;
  other_tag.children()[0] = element::named("FolderHierarchy:ServerId", "0");
  EXPECT_NE(test::compare_with_libwbxml(other_tag, *theirs.tree, gaps), "");
  element extra = ours;
  extra.add("FolderHierarchy:Count", "1");
  EXPECT_NE(test::compare_with_libwbxml(extra, *theirs.tree, gaps), "");
  EXPECT_EQ(gaps, 0);
}

// The libwbxml defects wbxml.md §7.3 describes, pinned so a library upgrade that fixes them is noticed.
TEST(LibwbxmlOracle, DocumentedLibwbxmlDefectsStillPresent) {
  // Row 6: a 16.1 token decodes silently as <unknown/>; ours names it.
  const auto wire = test::doc({0x00, 0x0E, 0x45, 0x4B, 0x03, '1', 0x00, 0x01, 0x3B, 0x01});
  const auto theirs = test::libwbxml_decode(wire);
  ASSERT_TRUE(theirs.tree) << theirs.error;
  ASSERT_EQ(theirs.tree->children().size(), 2u);
  EXPECT_EQ(theirs.tree->children()[1].id(), test::libwbxml_unknown);
  const auto ours = decode(std::span<const std::uint8_t>(wire));
  ASSERT_TRUE(ours);
  EXPECT_EQ(ours->children()[1].qualified_name(), "Provision:AccountOnlyRemoteWipe");
  // Row 9: the Settings typo.
  EXPECT_STREQ(test::libwbxml_entry(tag{18, 0x2B})->xmlName, "ihsManagementInformation");
}

}  // namespace
}  // namespace easd::wbxml
