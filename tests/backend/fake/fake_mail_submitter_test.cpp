#include "backend/fake/fake_mail_submitter.hpp"

#include "tests/backend/imap/run_coroutine.hpp"

#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

namespace easd::backend {
namespace {

submission one(std::string message) {
  submission s;
  s.user = "alice";
  s.envelope_from = "alice@example.test";
  s.recipients = {"bob@example.test"};
  s.message = std::move(message);
  return s;
}

TEST(FakeMailSubmitter, RecordsAndAnswersFromTheScript) {
  boost::asio::io_context ctx;
  fake_mail_submitter f;
  f.script(submit_outcome::recipient_rejected, 550);
  const auto a = one("first");
  EXPECT_EQ(test::run_coroutine(ctx, f.submit(a)).outcome, submit_outcome::recipient_rejected);
  const auto b = one("second");
  auto r = test::run_coroutine(ctx, f.submit(b));
  EXPECT_EQ(r.outcome, submit_outcome::sent);  // script exhausted
  EXPECT_EQ(r.smtp_code, 250u);
  ASSERT_EQ(f.attempts().size(), 2u);
  ASSERT_EQ(f.sent().size(), 1u);
  EXPECT_EQ(f.sent()[0].message, "second");
}

TEST(FakeMailSubmitter, SizeLimit) {
  boost::asio::io_context ctx;
  fake_mail_submitter f;
  f.set_size_limit(4);
  EXPECT_EQ(f.size_limit(), 4u);
  const auto big = one("too long");
  EXPECT_EQ(test::run_coroutine(ctx, f.submit(big)).outcome, submit_outcome::too_large);
  EXPECT_TRUE(f.sent().empty());
  f.clear();
  EXPECT_TRUE(f.attempts().empty());
}

}  // namespace
}  // namespace easd::backend
