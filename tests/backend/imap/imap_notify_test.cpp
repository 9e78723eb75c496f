// The pure parts of imap_mail_watch: folder resolution, NOTIFY SET building, event mapping, poll compare.
#include "backend/imap/imap_notify.hpp"

#include "tests/backend/imap/parse_text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace imap = easd::backend::imap;
namespace iw = easd::backend::imap_watch;
using easd::test::parse_responses;

namespace {

std::string built(const std::vector<iw::watched_mailbox>& boxes, std::size_t* count = nullptr) {
  imap::command_builder cmd("w1", "NOTIFY", imap::literal_mode::non_synchronizing);
  auto n = iw::append_notify_set(cmd, boxes);
  if (count) *count = n;
  std::string out;
  for (auto& c : std::move(cmd).finish()) out += c;
  return out;
}

imap::response one(std::string_view text) {
  auto rs = parse_responses(text);
  EXPECT_EQ(rs.size(), 1u);
  return rs.empty() ? imap::response{} : rs.front();
}

TEST(ImapNotify, ResolvesNameIdsDirectlyAndMailboxIdsThroughTheIndex) {
  std::unordered_map<std::string, std::string> index{{"M:abc", "Work/Projects"}};
  auto boxes = iw::resolve_folders({"N:INBOX", "M:abc", "M:gone", "N:Sent", "N:INBOX", "X:bad", "N:"}, index);
  ASSERT_EQ(boxes.size(), 3u);
  EXPECT_EQ(boxes[0].folder_id, "M:abc");
  EXPECT_EQ(boxes[0].name, "Work/Projects");
  EXPECT_EQ(boxes[1].folder_id, "N:INBOX");
  EXPECT_EQ(boxes[2].name, "Sent");
  EXPECT_TRUE(iw::needs_listing({"N:INBOX", "M:abc"}));
  EXPECT_FALSE(iw::needs_listing({"N:INBOX"}));
}

TEST(ImapNotify, NotifySetNamesEveryMailboxOnceWithTheMessageEvents) {
  std::size_t n = 0;
  auto text = built({{"N:INBOX", "INBOX"}, {"M:1", "INBOX"}, {"N:Entwürfe", "Entwürfe"}, {"N:a b", "a b"}}, &n);
  EXPECT_EQ(n, 3u);
  EXPECT_EQ(text,
            "w1 NOTIFY SET (mailboxes (\"INBOX\" \"Entw&APw-rfe\" \"a b\") (MessageNew MessageExpunge FlagChange))\r\n");
}

TEST(ImapNotify, UnsendableNamesAreSkippedAndNoneLeftAppendsNothing) {
  std::size_t n = 7;
  auto text = built({{"N:x", std::string("bad\xff", 4)}}, &n);
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(text, "w1 NOTIFY\r\n");
}

TEST(ImapNotify, StatusEventsMapToTheWatchedFolders) {
  std::vector<iw::watched_mailbox> boxes{{"N:INBOX", "INBOX"}, {"N:Entwürfe", "Entwürfe"}, {"M:7", "Entwürfe"}};
  EXPECT_EQ(iw::status_event_folders(one("* STATUS inbox (MESSAGES 3 UIDNEXT 9)\r\n"), boxes),
            (std::vector<std::string>{"N:INBOX"}));
  EXPECT_EQ(iw::status_event_folders(one("* STATUS \"Entw&APw-rfe\" (HIGHESTMODSEQ 12)\r\n"), boxes),
            (std::vector<std::string>{"N:Entwürfe", "M:7"}));
  // Not watched, not STATUS, malformed, undecodable: nothing.
  EXPECT_TRUE(iw::status_event_folders(one("* STATUS Other (MESSAGES 1)\r\n"), boxes).empty());
  EXPECT_TRUE(iw::status_event_folders(one("* 3 EXISTS\r\n"), boxes).empty());
  EXPECT_TRUE(iw::status_event_folders(one("* STATUS INBOX MESSAGES\r\n"), boxes).empty());
  EXPECT_TRUE(iw::status_event_folders(one("* STATUS \"Entw&-\" (MESSAGES 1)\r\n"), boxes).empty());
  EXPECT_TRUE(iw::status_event_folders(one("* OK [STATUS] INBOX\r\n"), boxes).empty());
  EXPECT_TRUE(iw::status_event_folders(one("* XUNKNOWN (a b c)\r\n"), boxes).empty());
}

TEST(ImapNotify, SelectedChangesAreExistsExpungeFetchAndVanished) {
  EXPECT_TRUE(iw::selected_change(one("* 4 EXISTS\r\n")));
  EXPECT_TRUE(iw::selected_change(one("* 2 EXPUNGE\r\n")));
  EXPECT_TRUE(iw::selected_change(one("* 2 FETCH (FLAGS (\\Seen) MODSEQ (9))\r\n")));
  EXPECT_TRUE(iw::selected_change(one("* VANISHED 3:5\r\n")));
  EXPECT_FALSE(iw::selected_change(one("* 4 RECENT\r\n")));
  EXPECT_FALSE(iw::selected_change(one("* OK Still here\r\n")));
  EXPECT_FALSE(iw::selected_change(one("* EXISTS 4\r\n")));
  EXPECT_FALSE(iw::selected_change(one("* FLAGS (\\Seen)\r\n")));
}

TEST(ImapNotify, CountsChangeOnAnyTrackedField) {
  imap::mailbox_counts a;
  a.messages = 3;
  a.uidnext = 10;
  a.unseen = 1;
  a.uidvalidity = 5;
  a.highestmodseq = 40;
  auto b = a;
  EXPECT_FALSE(iw::counts_changed(a, b));
  b.highestmodseq = 41;
  EXPECT_TRUE(iw::counts_changed(a, b));
  b = a;
  b.unseen = 0;
  EXPECT_TRUE(iw::counts_changed(a, b));
  b = a;
  b.uidnext = 11;
  EXPECT_TRUE(iw::counts_changed(a, b));
  b = a;
  b.mailboxid = "x";  // not a content change
  EXPECT_FALSE(iw::counts_changed(a, b));
}

}  // namespace
