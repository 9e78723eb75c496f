#include "eas/protocol/commands/item_operations_attachment.hpp"
#include "eas/protocol/commands/item_operations_multipart.hpp"
#include "tests/eas/protocol/commands/items_fixture.hpp"

#include "eas/core/base64.hpp"
#include "eas/wbxml/code_pages.hpp"

#include <boost/system/errc.hpp>

#include <cstring>

namespace easd::protocol::test {
namespace {

const std::string pdf = "%PDF-1.4 attachment bytes 0123456789";

class ItemOperationsTest : public ItemsTest {
protected:
  void SetUp() override {
    plain_uid_ = mail_.add_message("F1", backend::fake_message::plain("Hi", "Bob <bob@example.test>", "hello there"));
    att_uid_ = mail_.add_message(
        "F1", backend::fake_message::with_attachment("Report", "Bob <bob@example.test>", "see attached",
                                                     "report.pdf", "application/pdf", pdf));
    inbox_ = collection("F1");
    ASSERT_FALSE(inbox_.empty());
  }

  static wbxml::element root() { return wbxml::element::named("ItemOperations:ItemOperations"); }
  static wbxml::element& fetch_item(wbxml::element& r, std::string collection_id, std::string server_id) {
    auto& f = r.add("ItemOperations:Fetch");
    f.add("ItemOperations:Store", "Mailbox");
    f.add("AirSync:CollectionId", std::move(collection_id));
    f.add("AirSync:ServerId", std::move(server_id));
    return f;
  }
  static wbxml::element& fetch_file(wbxml::element& r, std::string reference,
                                    std::optional<std::string> range = std::nullopt) {
    auto& f = r.add("ItemOperations:Fetch");
    f.add("ItemOperations:Store", "Mailbox");
    f.add("AirSyncBase:FileReference", std::move(reference));
    if (range) f.add("ItemOperations:Options").add("ItemOperations:Range", std::move(*range));
    return f;
  }
  std::string attachment_ref() const { return file_reference(inbox_, att_uid_, "2"); }

  // The Response's operation results of a kind.
  static std::vector<wbxml::element> results(const wbxml::element& doc, std::string_view kind) {
    std::vector<wbxml::element> out;
    const auto* response = doc.child("ItemOperations:Response");
    if (!response) return out;
    const auto t = wbxml::find_tag(kind);
    for (const auto& c : response->children()) {
      if (c.id() == t) out.push_back(c);
    }
    return out;
  }
  static unsigned status(const wbxml::element& e) {
    return static_cast<unsigned>(std::stoul(std::string(e.child_text("ItemOperations:Status").value_or("0"))));
  }

  std::string inbox_;
  std::uint32_t plain_uid_ = 0, att_uid_ = 0;
};

TEST_F(ItemOperationsTest, FetchesAMailboxItemWithBodyPreference) {
  auto r = root();
  auto& f = fetch_item(r, inbox_, item_server_id(inbox_, plain_uid_));
  auto& pref = f.add("ItemOperations:Options").add("AirSyncBase:BodyPreference");
  pref.add("AirSyncBase:Type", "1");
  pref.add("AirSyncBase:TruncationSize", "5");
  const auto rep = run(context("ItemOperations"), r);
  ASSERT_EQ(rep.http_status, 200u);
  EXPECT_EQ(rep.content_type, wbxml_content_type);
  EASD_EXPECT_VALID("itemoperations-fetch", rep.body);
  const auto doc = decode(rep);
  EXPECT_EQ(doc.child_text("ItemOperations:Status"), "1");
  const auto fetches = results(doc, "ItemOperations:Fetch");
  ASSERT_EQ(fetches.size(), 1u);
  EXPECT_EQ(status(fetches[0]), 1u);
  EXPECT_EQ(fetches[0].child_text("AirSync:ServerId"), item_server_id(inbox_, plain_uid_));
  EXPECT_EQ(fetches[0].child_text("AirSync:CollectionId"), inbox_);
  EXPECT_EQ(fetches[0].child_text("AirSync:Class"), "Email");
  const auto* props = fetches[0].child("ItemOperations:Properties");
  ASSERT_NE(props, nullptr);
  EXPECT_EQ(props->child_text("Email:Subject"), "Hi");
  const auto* body = props->child("AirSyncBase:Body");
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(body->child_text("AirSyncBase:Type"), "1");
  EXPECT_EQ(body->child_text("AirSyncBase:Truncated"), "1");
}

TEST_F(ItemOperationsTest, UnknownForgedOrMismatchedItemsAreNotFound) {
  backend::fake_mail_store bobs;
  for (const char* f : {"A", "B", "C", "D", "E"}) bobs.add_folder(f);
  const auto bob_e = bobs.folder_id("E");
  const auto bob_uid = bobs.add_message(bob_e, backend::fake_message::plain("secret", "x@example.test", "s"));
  services bob_svc = svc_;
  bob_svc.mail = &bobs;
  const auto bob_coll = collection_on(bob_svc, "bob@example.test", bob_e);
  ASSERT_FALSE(bob_coll.empty());

  auto r = root();
  fetch_item(r, inbox_, item_server_id(inbox_, 4242));                 // no such message
  fetch_item(r, bob_coll, item_server_id(bob_coll, bob_uid));          // Bob's (not an id of Ann's)
  fetch_item(r, inbox_, "1:01");                                        // not canonical
  fetch_item(r, "999", item_server_id(inbox_, plain_uid_));            // CollectionId disagrees
  fetch_item(r, inbox_, std::string("\x01:\x7f", 3));                  // garbage
  const auto rep = run(context("ItemOperations"), r);
  EASD_EXPECT_VALID("itemoperations-notfound", rep.body);
  const auto fetches = results(decode(rep), "ItemOperations:Fetch");
  ASSERT_EQ(fetches.size(), 5u);
  for (const auto& f : fetches) {
    EXPECT_EQ(status(f), 6u);
    EXPECT_EQ(f.child("ItemOperations:Properties"), nullptr);
  }
}

TEST_F(ItemOperationsTest, StoreAndIdentifierErrors) {
  auto r = root();
  auto& doclib = r.add("ItemOperations:Fetch");
  doclib.add("ItemOperations:Store", "DocumentLibrary");
  doclib.add("DocumentLibrary:LinkId", "\\\\server\\share\\file.txt");
  r.add("ItemOperations:Fetch").add("AirSync:ServerId", item_server_id(inbox_, plain_uid_));  // no Store
  auto& search = r.add("ItemOperations:Fetch");
  search.add("ItemOperations:Store", "mailbox");
  search.add("Search:LongId", "RgAAAAD");
  r.add("ItemOperations:Fetch").add("ItemOperations:Store", "Mailbox");  // nothing to fetch
  const auto rep = run(context("ItemOperations"), r);
  EASD_EXPECT_VALID("itemoperations-errors", rep.body);
  const auto fetches = results(decode(rep), "ItemOperations:Fetch");
  ASSERT_EQ(fetches.size(), 4u);
  EXPECT_EQ(status(fetches[0]), 9u);
  EXPECT_EQ(status(fetches[1]), 2u);
  EXPECT_EQ(status(fetches[2]), 6u);
  EXPECT_EQ(status(fetches[3]), 2u);
}

TEST_F(ItemOperationsTest, FetchesAnAttachmentInline) {
  auto r = root();
  fetch_file(r, attachment_ref());
  const auto rep = run(context("ItemOperations"), r);
  EASD_EXPECT_VALID("itemoperations-attachment", rep.body);
  const auto fetches = results(decode(rep), "ItemOperations:Fetch");
  ASSERT_EQ(fetches.size(), 1u);
  EXPECT_EQ(status(fetches[0]), 1u);
  EXPECT_EQ(fetches[0].child_text("AirSyncBase:FileReference"), attachment_ref());
  const auto* props = fetches[0].child("ItemOperations:Properties");
  ASSERT_NE(props, nullptr);
  EXPECT_EQ(props->child_text("AirSyncBase:ContentType"), "application/pdf");
  EXPECT_EQ(props->child_text("ItemOperations:Data"), encode_base64(pdf));
  EXPECT_EQ(props->child("ItemOperations:Part"), nullptr);
}

TEST_F(ItemOperationsTest, FetchesTheBodyOfASinglePartMessageAsSection1) {
  auto r = root();
  fetch_file(r, file_reference(inbox_, plain_uid_, "1"));
  const auto fetches = results(decode(run(context("ItemOperations"), r)), "ItemOperations:Fetch");
  ASSERT_EQ(fetches.size(), 1u);
  EXPECT_EQ(status(fetches[0]), 1u);
  EXPECT_EQ(fetches[0].child("ItemOperations:Properties")->child_text("ItemOperations:Data"),
            encode_base64("hello there"));
}

TEST_F(ItemOperationsTest, ForgedOrForeignFileReferencesAreInvalidAttachments) {
  backend::fake_mail_store bobs;
  for (const char* f : {"A", "B", "C", "D", "E"}) bobs.add_folder(f);
  const auto bob_e = bobs.folder_id("E");
  const auto bob_uid = bobs.add_message(
      bob_e, backend::fake_message::with_attachment("s", "x@example.test", "b", "secret.txt", "text/plain", "secret"));
  services bob_svc = svc_;
  bob_svc.mail = &bobs;
  const auto bob_coll = collection_on(bob_svc, "bob@example.test", bob_e);
  ASSERT_FALSE(bob_coll.empty());

  auto r = root();
  fetch_file(r, file_reference(bob_coll, bob_uid, "2"));  // Bob's, valid shape
  fetch_file(r, file_reference(inbox_, att_uid_, "3"));   // no such part
  fetch_file(r, file_reference(inbox_, 4242, "2"));       // no such message
  fetch_file(r, file_reference(inbox_, att_uid_, ""));    // the multipart root
  fetch_file(r, "../../etc/passwd");
  fetch_file(r, std::string("1:2:\x01", 5));
  const auto rep = run(context("ItemOperations"), r);
  EASD_EXPECT_VALID("itemoperations-badref", rep.body);
  const auto fetches = results(decode(rep), "ItemOperations:Fetch");
  ASSERT_EQ(fetches.size(), 6u);
  for (const auto& f : fetches) {
    EXPECT_EQ(status(f), 15u);
    EXPECT_EQ(f.child("ItemOperations:Properties"), nullptr);
  }
  EXPECT_EQ(bobs.calls("fetch_part"), 0);
}

TEST_F(ItemOperationsTest, ByteRanges) {
  auto r = root();
  fetch_file(r, attachment_ref(), "2-5");
  fetch_file(r, attachment_ref(), "10-100000");  // clipped at the end
  fetch_file(r, attachment_ref(), "1000-2000");  // beyond the end
  fetch_file(r, attachment_ref(), "5-2");        // reversed
  fetch_file(r, attachment_ref(), "a-b");
  fetch_file(r, attachment_ref(), "-5");
  const auto rep = run(context("ItemOperations"), r);
  EASD_EXPECT_VALID("itemoperations-range", rep.body);
  const auto fetches = results(decode(rep), "ItemOperations:Fetch");
  ASSERT_EQ(fetches.size(), 6u);
  EXPECT_EQ(status(fetches[0]), 1u);
  const auto* p0 = fetches[0].child("ItemOperations:Properties");
  ASSERT_NE(p0, nullptr);
  EXPECT_EQ(p0->child_text("ItemOperations:Range"), "2-5");
  EXPECT_EQ(p0->child_text("ItemOperations:Total"), std::to_string(pdf.size()));
  EXPECT_EQ(p0->child_text("ItemOperations:Data"), encode_base64(pdf.substr(2, 4)));
  EXPECT_EQ(status(fetches[1]), 1u);
  const auto* p1 = fetches[1].child("ItemOperations:Properties");
  ASSERT_NE(p1, nullptr);
  EXPECT_EQ(p1->child_text("ItemOperations:Range"), "10-" + std::to_string(pdf.size() - 1));
  EXPECT_EQ(p1->child_text("ItemOperations:Data"), encode_base64(pdf.substr(10)));
  for (std::size_t i = 2; i < 6; ++i) EXPECT_EQ(status(fetches[i]), 8u) << i;
}

TEST(ByteRange, ParsesStrictly) {
  EXPECT_EQ(parse_byte_range("0-0"), (byte_range{0, 0}));
  EXPECT_EQ(parse_byte_range("12-345"), (byte_range{12, 345}));
  for (const char* bad : {"", "-", "1-", "-1", "1--2", "+1-2", "1-2 ", " 1-2", "2-1", "1-99999999999999999999",
                          "0x1-2", "1-2-3"}) {
    EXPECT_FALSE(parse_byte_range(bad)) << bad;
  }
}

// fetch_attachment's cap, with a small cap instead of 64 MiB of test data.
TEST_F(ItemOperationsTest, AttachmentsAboveTheCapAreTooLargeUnlessRanged) {
  const auto ctx = context("ItemOperations");
  const auto ref = attachment_ref();
  net::io_context ioc;
  auto whole = net::co_spawn(ioc, fetch_attachment(svc_, ctx, ref, std::nullopt, 8), net::use_future);
  auto ranged = net::co_spawn(ioc, fetch_attachment(svc_, ctx, ref, byte_range{0, 1000}, 8), net::use_future);
  auto exact = net::co_spawn(ioc, fetch_attachment(svc_, ctx, ref, std::nullopt, pdf.size()), net::use_future);
  ioc.run();
  EXPECT_EQ(whole.get().status, attachment_status::too_large);
  const auto r = ranged.get();
  EXPECT_EQ(r.status, attachment_status::ok);
  EXPECT_EQ(r.bytes, pdf.substr(0, 8));
  EXPECT_EQ(r.range, (byte_range{0, 7}));
  EXPECT_EQ(r.total, pdf.size());
  const auto e = exact.get();
  EXPECT_EQ(e.status, attachment_status::ok);
  EXPECT_EQ(e.bytes, pdf);
}

TEST_F(ItemOperationsTest, BackendFailuresAreServerErrors) {
  mail_.fail_next(make_error_code(boost::system::errc::connection_reset), "fetch_part");
  auto r = root();
  fetch_file(r, attachment_ref());
  const auto fetches = results(decode(run(context("ItemOperations"), r)), "ItemOperations:Fetch");
  ASSERT_EQ(fetches.size(), 1u);
  EXPECT_EQ(status(fetches[0]), 3u);
}

std::uint32_t le32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<std::size_t>(i)]);
  return v;
}

TEST(Multipart, LayoutByteByByte) {
  const std::vector<std::string> parts{"WBX", "", "hello"};
  const auto body = encode_multipart(parts);
  ASSERT_TRUE(body);
  const std::string expected("\x03\x00\x00\x00"   // 3 parts
                             "\x1c\x00\x00\x00\x03\x00\x00\x00"  // part 0 at 28, 3 bytes
                             "\x1f\x00\x00\x00\x00\x00\x00\x00"  // part 1 at 31, empty
                             "\x1f\x00\x00\x00\x05\x00\x00\x00"  // part 2 at 31, 5 bytes
                             "WBXhello",
                             36);
  EXPECT_EQ(*body, expected);
  EXPECT_FALSE(encode_multipart({}));
}

TEST_F(ItemOperationsTest, MultipartPutsAttachmentDataIntoParts) {
  auto r = root();
  fetch_file(r, attachment_ref());
  fetch_item(r, inbox_, item_server_id(inbox_, plain_uid_));
  fetch_file(r, attachment_ref(), "0-3");
  auto ctx = context("ItemOperations");
  ctx.accept_multipart = true;
  const auto rep = run(ctx, r);
  ASSERT_EQ(rep.http_status, 200u);
  EXPECT_EQ(rep.content_type, "application/vnd.ms-sync.multipart");
  const std::string& b = rep.body;
  ASSERT_GE(b.size(), 4u);
  const auto count = le32(b, 0);
  ASSERT_EQ(count, 3u);  // the WBXML and two data parts
  ASSERT_GE(b.size(), 4u + 8u * count);
  std::vector<std::string> parts;
  std::uint64_t expect_offset = 4 + 8 * count;
  for (std::uint32_t i = 0; i < count; ++i) {
    const auto offset = le32(b, 4 + 8 * i);
    const auto length = le32(b, 8 + 8 * i);
    EXPECT_EQ(offset, expect_offset);  // back to back
    ASSERT_LE(std::uint64_t{offset} + length, b.size());
    parts.push_back(b.substr(offset, length));
    expect_offset = std::uint64_t{offset} + length;
  }
  EXPECT_EQ(expect_offset, b.size());
  EXPECT_EQ(parts[1], pdf);
  EXPECT_EQ(parts[2], pdf.substr(0, 4));
  EASD_EXPECT_VALID("itemoperations-multipart-part0", parts[0]);
  auto doc = wbxml::decode(parts[0]);
  ASSERT_TRUE(doc);
  const auto fetches = results(*doc, "ItemOperations:Fetch");
  ASSERT_EQ(fetches.size(), 3u);
  const auto* p0 = fetches[0].child("ItemOperations:Properties");
  ASSERT_NE(p0, nullptr);
  EXPECT_EQ(p0->child_text("ItemOperations:Part"), "1");
  EXPECT_EQ(p0->child("ItemOperations:Data"), nullptr);
  EXPECT_EQ(p0->child_text("AirSyncBase:ContentType"), "application/pdf");
  // Mailbox items stay inline.
  EXPECT_NE(fetches[1].child("ItemOperations:Properties")->child("Email:Subject"), nullptr);
  EXPECT_EQ(fetches[2].child("ItemOperations:Properties")->child_text("ItemOperations:Part"), "2");
}

TEST_F(ItemOperationsTest, EmptyFolderContentsKeepsSubfoldersUnlessAsked) {
  const auto trash = mail_.add_folder("Trash", backend::folder_role::trash);
  const auto sub = mail_.add_folder("Trash/Old");
  for (int i = 0; i < 3; ++i) mail_.add_message(trash, backend::fake_message::plain("x", "a@example.test", "y"));
  const auto in_sub = mail_.add_message(sub, backend::fake_message::plain("x", "a@example.test", "y"));
  const auto trash_coll = collection(trash);

  auto r = root();
  r.add("ItemOperations:EmptyFolderContents").add("AirSync:CollectionId", trash_coll);
  auto rep = run(context("ItemOperations"), r);
  EASD_EXPECT_VALID("itemoperations-empty", rep.body);
  auto empties = results(decode(rep), "ItemOperations:EmptyFolderContents");
  ASSERT_EQ(empties.size(), 1u);
  EXPECT_EQ(status(empties[0]), 1u);
  EXPECT_EQ(empties[0].child_text("AirSync:CollectionId"), trash_coll);
  EXPECT_TRUE(mail_.uids(trash).empty());
  EXPECT_TRUE(mail_.uids(sub).contains(in_sub));
  EXPECT_TRUE(mail_.uids("F1").contains(plain_uid_));

  auto r2 = root();
  auto& e = r2.add("ItemOperations:EmptyFolderContents");
  e.add("AirSync:CollectionId", trash_coll);
  e.add("ItemOperations:Options").add("ItemOperations:DeleteSubFolders");
  rep = run(context("ItemOperations"), r2);
  empties = results(decode(rep), "ItemOperations:EmptyFolderContents");
  ASSERT_EQ(empties.size(), 1u);
  EXPECT_EQ(status(empties[0]), 1u);
  EXPECT_EQ(mail_.folder_id("Trash/Old"), "");
  EXPECT_NE(mail_.folder_id("Trash"), "");
}

TEST_F(ItemOperationsTest, EmptyFolderContentsOfAnUnknownFolder) {
  auto r = root();
  r.add("ItemOperations:EmptyFolderContents").add("AirSync:CollectionId", "999");
  r.add("ItemOperations:EmptyFolderContents");  // no CollectionId
  const auto rep = run(context("ItemOperations"), r);
  const auto empties = results(decode(rep), "ItemOperations:EmptyFolderContents");
  ASSERT_EQ(empties.size(), 2u);
  EXPECT_EQ(status(empties[0]), 6u);
  EXPECT_EQ(empties[0].child_text("AirSync:CollectionId"), "999");
  EXPECT_EQ(status(empties[1]), 2u);
  EXPECT_TRUE(mail_.uids("F1").contains(plain_uid_));
}

TEST_F(ItemOperationsTest, ConversationMoveIsAnsweredPerItem) {
  const auto work = collection(mail_.add_folder("Work"));
  auto r = root();
  auto add_move = [&r](std::string dst, bool always) {
    auto& m = r.add("ItemOperations:Move");
    auto id = wbxml::element::named("ItemOperations:ConversationId");
    id.set_opaque(std::string("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f", 16));
    m.add(std::move(id));
    m.add("ItemOperations:DstFldId", std::move(dst));
    if (always) m.add("ItemOperations:Options").add("ItemOperations:MoveAlways");
  };
  add_move(work, false);
  add_move("999", true);
  add_move(work, true);
  r.add("ItemOperations:Move").add("ItemOperations:DstFldId", work);  // no ConversationId
  // A Fetch first in the request still comes after the Moves (schema order).
  fetch_file(r, attachment_ref());
  std::swap(r.children().front(), r.children().back());
  const auto rep = run(context("ItemOperations"), r);
  EASD_EXPECT_VALID("itemoperations-move", rep.body);
  const auto doc = decode(rep);
  const auto moves = results(doc, "ItemOperations:Move");
  ASSERT_EQ(moves.size(), 4u);
  // Fetch moved to the front, so the first Move of the request is now last.
  EXPECT_EQ(status(moves[0]), 156u);
  EXPECT_EQ(status(moves[1]), 3u);
  EXPECT_EQ(status(moves[2]), 2u);
  EXPECT_EQ(status(moves[3]), 155u);
  EXPECT_EQ(moves[3].child("ItemOperations:ConversationId")->text().size(), 16u);
  const auto& response = doc.child("ItemOperations:Response")->children();
  EXPECT_EQ(response.back().qualified_name(), "ItemOperations:Fetch");
}

TEST_F(ItemOperationsTest, RequestLevelErrors) {
  auto none = root();
  auto rep = run(context("ItemOperations"), none);
  EXPECT_EQ(decode(rep).child_text("ItemOperations:Status"), "2");
  EASD_EXPECT_VALID("itemoperations-global", rep.body);

  auto many = root();
  for (int i = 0; i < 101; ++i) fetch_file(many, attachment_ref());
  rep = run(context("ItemOperations"), many);
  EXPECT_EQ(decode(rep).child_text("ItemOperations:Status"), "11");
  EXPECT_EQ(decode(rep).child("ItemOperations:Response"), nullptr);

  auto odd = root();
  odd.add("ItemOperations:Store", "Mailbox");
  rep = run(context("ItemOperations"), odd);
  EXPECT_EQ(decode(rep).child_text("ItemOperations:Status"), "2");
}

TEST_F(ItemOperationsTest, Works12_1) {
  auto r = root();
  fetch_file(r, attachment_ref());
  const auto rep = run(context("ItemOperations", protocol_version::v12_1), r);
  EASD_EXPECT_VALID("itemoperations-12", rep.body);
  const auto fetches = results(decode(rep), "ItemOperations:Fetch");
  ASSERT_EQ(fetches.size(), 1u);
  EXPECT_EQ(status(fetches[0]), 1u);
}

}  // namespace
}  // namespace easd::protocol::test
