// fake_mail_watch: leases recorded while alive, fire() only for watched users and folders, inert leases
// after shutdown, leases outliving the fake.
#include "backend/fake/fake_mail_watch.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using easd::backend::account;
using easd::backend::fake_mail_watch;

TEST(FakeMailWatch, RecordsLeasesAndFiresOnlyWhatIsWatched) {
  std::vector<std::string> seen;
  fake_mail_watch w([&](std::string_view user, std::string_view folder) {
    seen.push_back(std::string(user) + "|" + std::string(folder));
  });
  auto a = w.watch(account{"ann", "pw1", ""}, {"N:INBOX"});
  auto b = w.watch(account{"ann", "pw2", ""}, {"N:Work", "N:INBOX"});
  EXPECT_EQ(w.active_count("ann"), 2u);
  EXPECT_EQ(w.watched_folders("ann"), (std::vector<std::string>{"N:INBOX", "N:Work"}));
  EXPECT_EQ(w.active().back().acct.password, "pw2");

  EXPECT_TRUE(w.fire("ann", "N:Work"));
  EXPECT_TRUE(w.fire("ann", ""));
  EXPECT_FALSE(w.fire("ann", "N:Other"));
  EXPECT_FALSE(w.fire("bob", "N:INBOX"));
  b.reset();
  EXPECT_FALSE(w.fire("ann", "N:Work"));
  w.fire_always("bob", "N:INBOX");
  EXPECT_EQ(seen, (std::vector<std::string>{"ann|N:Work", "ann|", "bob|N:INBOX"}));
  EXPECT_EQ(w.leases_taken(), 2u);

  w.shutdown();
  EXPECT_TRUE(w.is_shut_down());
  auto late = w.watch(account{"ann", "pw", ""}, {"N:INBOX"});
  EXPECT_EQ(w.active_count("ann"), 1u);  // only `a`
  EXPECT_EQ(w.leases_taken(), 2u);
}

TEST(FakeMailWatch, ALeaseMayOutliveTheFake) {
  std::unique_ptr<easd::backend::mail_watch::lease> l;
  {
    fake_mail_watch w;
    l = w.watch(account{"ann", "pw", ""}, {"N:INBOX"});
    EXPECT_FALSE(w.fire("ann", "N:INBOX"));  // no sink set
  }
  l.reset();
}
