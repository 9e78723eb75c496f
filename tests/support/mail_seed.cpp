#include "tests/support/mail_seed.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace easd::test {

std::map<std::string, std::uint32_t> seed_corpus(imap_test_client& imap, std::string_view mailbox,
                                                 const std::vector<corpus_message>& corpus) {
  std::map<std::string, std::uint32_t> uids;
  for (const auto& m : corpus) uids[m.key] = imap.append(mailbox, m.mime);
  return uids;
}

std::vector<std::uint32_t> seed_small(imap_test_client& imap, std::string_view mailbox, std::string_view prefix,
                                      std::size_t count) {
  return imap.append_many(mailbox, small_messages(prefix, count));
}

std::size_t write_maildir(const std::filesystem::path& run, std::string_view user, std::string_view mailbox,
                          const std::vector<std::string>& messages) {
  namespace fs = std::filesystem;
  const fs::path home = run / "dovecot" / "mail" / std::string(user);
  fs::path dir = home / "Maildir";
  if (mailbox != "INBOX") dir /= "." + std::string(mailbox);
  const passwd* vmail = ::getpwnam("vmail");
  if (!vmail) throw std::runtime_error("write_maildir: no vmail user (start Dovecot first)");
  auto own = [&](const fs::path& p) {
    if (::chown(p.c_str(), vmail->pw_uid, vmail->pw_gid) != 0) throw std::runtime_error("chown " + p.string());
  };
  for (const fs::path& p : {home, home / "Maildir", dir, dir / "cur", dir / "new", dir / "tmp"}) {
    if (!fs::exists(p)) {
      fs::create_directory(p);
      fs::permissions(p, fs::perms::owner_all);
      own(p);
    }
  }
  const auto stamp = std::to_string(::time(nullptr));
  std::size_t n = 0;
  for (const auto& m : messages) {
    // Unique name with the size (S=) so Dovecot need not stat it; ":2," = no flags yet.
    const std::string base = stamp + ".M" + std::to_string(n) + "P" + std::to_string(::getpid()) + ".easdseed,S=" +
                             std::to_string(m.size());
    const fs::path tmp = dir / "tmp" / base;
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << m;
      if (!out) throw std::runtime_error("write_maildir: cannot write " + tmp.string());
    }
    own(tmp);
    fs::rename(tmp, dir / "cur" / (base + ":2,"));
    ++n;
  }
  return n;
}

std::vector<visible_message> server_view(imap_test_client& imap, std::string_view mailbox) {
  imap.select(mailbox);
  std::vector<visible_message> out;
  for (const auto& m : imap.messages(true)) {
    // The raw header (encoded words and all) as the client would display it: the corpus's expectation.
    out.push_back({expected_subject(m.subject), m.seen(), m.flagged()});
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<visible_message> device_view(const device_folder& folder) {
  std::vector<visible_message> out;
  for (const auto& [id, item] : folder.items) out.push_back({item.subject, item.read, item.flagged()});
  std::sort(out.begin(), out.end());
  return out;
}

std::string diff_views(const std::vector<visible_message>& server, const std::vector<visible_message>& device) {
  if (server == device) return {};
  std::ostringstream out;
  out << "server has " << server.size() << " messages, device " << device.size() << "\n";
  std::vector<visible_message> only_server, only_device;
  std::set_difference(server.begin(), server.end(), device.begin(), device.end(), std::back_inserter(only_server));
  std::set_difference(device.begin(), device.end(), server.begin(), server.end(), std::back_inserter(only_device));
  auto show = [&](const char* what, const std::vector<visible_message>& v) {
    for (std::size_t i = 0; i < v.size() && i < 15; ++i) {
      out << "  " << what << ": \"" << v[i].subject << "\" read=" << v[i].read << " flagged=" << v[i].flagged << "\n";
    }
    if (v.size() > 15) out << "  ... " << v.size() - 15 << " more " << what << "\n";
  };
  show("only on server", only_server);
  show("only on device", only_device);
  return out.str();
}

std::string mail_mutator::step() {
  std::uniform_int_distribution<std::size_t> pick_box(0, mailboxes_.size() - 1);
  const std::string box = mailboxes_[pick_box(rng_)];
  std::uniform_int_distribution<int> pick_op(0, 9);
  const int op = pick_op(rng_);
  std::string what;
  if (op == 9) {
    const std::string msg = small_message("mutator", appended_);
    imap_.append(box, msg);
    what = "append \"" + small_subject("mutator", appended_) + "\" to " + box;
    ++appended_;
    log.push_back(what);
    return what;
  }
  imap_.select(box);
  const auto msgs = imap_.messages(false);
  if (msgs.empty()) return {};
  std::uniform_int_distribution<std::size_t> pick_msg(0, msgs.size() - 1);
  const auto& m = msgs[pick_msg(rng_)];
  const std::string uid = std::to_string(m.uid);
  // The device (through easd) changes the same mailboxes meanwhile: a message it has just moved or
  // deleted is answered NO [EXPUNGEISSUED] (RFC 5530) by Dovecot. Then this change simply did not happen.
  try {
    switch (op) {
      case 0: case 1:
        if (m.seen()) imap_.remove_flags(uid, "\\Seen"); else imap_.add_flags(uid, "\\Seen");
        what = std::string(m.seen() ? "unread " : "read ") + box + ":" + uid;
        break;
      case 2: case 3:
        if (m.flagged()) imap_.remove_flags(uid, "\\Flagged"); else imap_.add_flags(uid, "\\Flagged");
        what = std::string(m.flagged() ? "unflag " : "flag ") + box + ":" + uid;
        break;
      case 4: case 5: case 6: {
        if (mailboxes_.size() < 2) return {};
        std::string to = box;
        while (to == box) to = mailboxes_[pick_box(rng_)];
        imap_.move(uid, to);
        what = "move " + box + ":" + uid + " to " + to;
        break;
      }
      default:
        imap_.expunge(uid);
        what = "expunge " + box + ":" + uid;
        break;
    }
  } catch (const std::exception& e) {
    if (std::string_view(e.what()).find("EXPUNGEISSUED") == std::string_view::npos) throw;
    return {};
  }
  log.push_back(what);
  return what;
}

}  // namespace easd::test
