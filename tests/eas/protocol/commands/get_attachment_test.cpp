#include "tests/eas/protocol/commands/items_fixture.hpp"

#include <boost/system/errc.hpp>

namespace easd::protocol::test {
namespace {

class GetAttachmentTest : public ItemsTest {
protected:
  void SetUp() override {
    uid_ = mail_.add_message("F1", backend::fake_message::with_attachment("Report", "Bob <bob@example.test>", "see",
                                                                          "photo.jpg", "image/jpeg", data_));
    inbox_ = collection("F1");
    ASSERT_FALSE(inbox_.empty());
  }
  reply get(std::string name, protocol_version v = protocol_version::v12_1) {
    auto ctx = context("GetAttachment", v);
    ctx.attachment_name = std::move(name);
    return run_body(std::move(ctx), "");
  }

  const std::string data_ = std::string("\xff\xd8\xff\xe0\x00\x10JFIF\x00", 11) + "binary";
  std::string inbox_;
  std::uint32_t uid_ = 0;
};

TEST_F(GetAttachmentTest, AnswersTheRawBytesWithTheirContentType) {
  const auto r = get(file_reference(inbox_, uid_, "2"));
  EXPECT_EQ(r.http_status, 200u);
  EXPECT_EQ(r.content_type, "image/jpeg");
  EXPECT_EQ(r.body, data_);
}

TEST_F(GetAttachmentTest, UnknownForgedOrForeignReferencesAre500) {
  backend::fake_mail_store bobs;
  for (const char* f : {"A", "B", "C", "D", "E"}) bobs.add_folder(f);
  const auto bob_e = bobs.folder_id("E");
  const auto bob_uid = bobs.add_message(
      bob_e, backend::fake_message::with_attachment("s", "x@example.test", "b", "secret.txt", "text/plain", "secret"));
  services bob_svc = svc_;
  bob_svc.mail = &bobs;
  const auto bob_coll = collection_on(bob_svc, "bob@example.test", bob_e);
  ASSERT_FALSE(bob_coll.empty());

  for (const auto& name : {file_reference(bob_coll, bob_uid, "2"), file_reference(inbox_, uid_, "9"),
                           file_reference(inbox_, 4242, "2"), std::string(""), std::string("1:1:1\r\nX: y")}) {
    const auto r = get(name);
    EXPECT_EQ(r.http_status, 500u) << name;
    EXPECT_TRUE(r.body.empty());
    EXPECT_TRUE(r.content_type.empty());
  }
}

TEST_F(GetAttachmentTest, ACraftedMediaTypeIsNotEchoed) {
  auto m = backend::fake_message::with_attachment("x", "a@example.test", "b", "a.bin", "image/jpeg", "data");
  m.body.children[1].subtype = "jpeg\r\nSet-Cookie: x=1";
  const auto uid = mail_.add_message("F1", std::move(m));
  const auto r = get(file_reference(inbox_, uid, "2"));
  EXPECT_EQ(r.http_status, 200u);
  EXPECT_EQ(r.content_type, "application/octet-stream");
  EXPECT_EQ(r.body, "data");
}

TEST_F(GetAttachmentTest, BackendFailureIs503) {
  mail_.fail_next(make_error_code(boost::system::errc::connection_reset), "fetch_part");
  EXPECT_EQ(get(file_reference(inbox_, uid_, "2")).http_status, 503u);
}

TEST_F(GetAttachmentTest, NotAvailableFrom14_0) {
  const auto r = get(file_reference(inbox_, uid_, "2"), protocol_version::v14_1);
  EXPECT_NE(r.http_status, 200u);
  EXPECT_NE(r.body, data_);
}

}  // namespace
}  // namespace easd::protocol::test
