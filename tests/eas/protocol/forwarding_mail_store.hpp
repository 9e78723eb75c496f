// A mail_store that hands every call to another one. Tests derive from it and override only the calls
// whose behaviour they change or count (a server without COPYUID, a store that records fetch sizes).
#pragma once

#include "backend/api/mail_store.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace easd::protocol::test {

class forwarding_mail_store : public backend::mail_store {
public:
  explicit forwarding_mail_store(backend::mail_store& inner) : inner_(inner) {}

  boost::asio::awaitable<result<std::vector<backend::mail_folder>>> list_folders(const backend::account& a) override {
    return inner_.list_folders(a);
  }
  boost::asio::awaitable<result<backend::mail_folder>> create_folder(const backend::account& a, std::string p,
                                                                    std::string n) override {
    return inner_.create_folder(a, std::move(p), std::move(n));
  }
  boost::asio::awaitable<result<backend::mail_folder>> rename_folder(const backend::account& a, std::string f,
                                                                    std::string p, std::string n) override {
    return inner_.rename_folder(a, std::move(f), std::move(p), std::move(n));
  }
  boost::asio::awaitable<result<void>> delete_folder(const backend::account& a, std::string f) override {
    return inner_.delete_folder(a, std::move(f));
  }
  boost::asio::awaitable<result<backend::mailbox_status>> status(const backend::account& a, std::string f) override {
    return inner_.status(a, std::move(f));
  }
  boost::asio::awaitable<result<backend::mailbox_delta>> changes(const backend::account& a, std::string f,
                                                                std::uint32_t v, std::uint64_t m,
                                                                uid_set k) override {
    return inner_.changes(a, std::move(f), v, m, std::move(k));
  }
  boost::asio::awaitable<result<uid_set>> search(const backend::account& a, std::string f,
                                                 backend::search_criteria c) override {
    return inner_.search(a, std::move(f), std::move(c));
  }
  boost::asio::awaitable<result<std::vector<backend::message_summary>>> summaries(const backend::account& a,
                                                                                 std::string f,
                                                                                 uid_set u) override {
    return inner_.summaries(a, std::move(f), std::move(u));
  }
  boost::asio::awaitable<result<backend::part_bytes>> fetch_part(const backend::account& a, std::string f,
                                                                std::uint32_t uid, std::string section,
                                                                bool decoded, std::uint64_t offset,
                                                                std::uint64_t max_bytes) override {
    return inner_.fetch_part(a, std::move(f), uid, std::move(section), decoded, offset, max_bytes);
  }
  boost::asio::awaitable<result<void>> set_flags(const backend::account& a, std::string f, uid_set u,
                                                 backend::message_flags add,
                                                 backend::message_flags remove) override {
    return inner_.set_flags(a, std::move(f), std::move(u), std::move(add), std::move(remove));
  }
  boost::asio::awaitable<result<std::vector<std::pair<std::uint32_t, std::uint32_t>>>> move(
      const backend::account& a, std::string f, uid_set u, std::string to) override {
    return inner_.move(a, std::move(f), std::move(u), std::move(to));
  }
  boost::asio::awaitable<result<void>> expunge(const backend::account& a, std::string f, uid_set u) override {
    return inner_.expunge(a, std::move(f), std::move(u));
  }
  boost::asio::awaitable<result<std::uint32_t>> append(const backend::account& a, std::string f, std::string m,
                                                       backend::message_flags fl) override {
    return inner_.append(a, std::move(f), std::move(m), std::move(fl));
  }

protected:
  backend::mail_store& inner_;
};

}  // namespace easd::protocol::test
