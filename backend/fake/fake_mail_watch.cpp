#include "backend/fake/fake_mail_watch.hpp"

#include <algorithm>
#include <cstdint>

namespace easd::backend {

// Leases keep this alive, so a lease may outlive the fake.
struct fake_mail_watch::shared {
  mutable std::mutex mu;
  mail_change_sink sink;
  std::map<std::uint64_t, lease_record> leases;
  std::uint64_t next = 0;
  bool stopped = false;
};

namespace {

class fake_lease final : public mail_watch::lease {
public:
  fake_lease(std::shared_ptr<fake_mail_watch::shared> s, std::uint64_t id) : s_(std::move(s)), id_(id) {}
  ~fake_lease() override {
    if (!s_) return;
    std::lock_guard lock(s_->mu);
    s_->leases.erase(id_);
  }
  fake_lease(const fake_lease&) = delete;
  fake_lease& operator=(const fake_lease&) = delete;

private:
  std::shared_ptr<fake_mail_watch::shared> s_;
  std::uint64_t id_ = 0;
};

}  // namespace

fake_mail_watch::fake_mail_watch(mail_change_sink sink) : shared_(std::make_shared<shared>()) {
  shared_->sink = std::move(sink);
}

fake_mail_watch::~fake_mail_watch() = default;

void fake_mail_watch::set_sink(mail_change_sink sink) {
  std::lock_guard lock(shared_->mu);
  shared_->sink = std::move(sink);
}

std::unique_ptr<mail_watch::lease> fake_mail_watch::watch(const account& acct, std::vector<std::string> folder_ids) {
  std::lock_guard lock(shared_->mu);
  if (shared_->stopped) return std::make_unique<fake_lease>(nullptr, 0);
  const auto id = ++shared_->next;
  shared_->leases.emplace(id, lease_record{acct, std::move(folder_ids)});
  return std::make_unique<fake_lease>(shared_, id);
}

void fake_mail_watch::shutdown() {
  std::lock_guard lock(shared_->mu);
  shared_->stopped = true;
}

bool fake_mail_watch::fire(std::string_view user, std::string_view folder_id) {
  mail_change_sink sink;
  {
    std::lock_guard lock(shared_->mu);
    const bool watched = std::any_of(shared_->leases.begin(), shared_->leases.end(), [&](const auto& kv) {
      const auto& r = kv.second;
      return r.acct.user == user &&
             (folder_id.empty() || std::find(r.folder_ids.begin(), r.folder_ids.end(), folder_id) != r.folder_ids.end());
    });
    if (!watched || !shared_->sink) return false;
    sink = shared_->sink;
  }
  sink(user, folder_id);
  return true;
}

void fake_mail_watch::fire_always(std::string_view user, std::string_view folder_id) {
  mail_change_sink sink;
  {
    std::lock_guard lock(shared_->mu);
    sink = shared_->sink;
  }
  if (sink) sink(user, folder_id);
}

std::vector<fake_mail_watch::lease_record> fake_mail_watch::active() const {
  std::lock_guard lock(shared_->mu);
  std::vector<lease_record> out;
  for (const auto& [id, r] : shared_->leases) out.push_back(r);
  return out;
}

std::size_t fake_mail_watch::active_count(std::string_view user) const {
  std::lock_guard lock(shared_->mu);
  return static_cast<std::size_t>(std::count_if(shared_->leases.begin(), shared_->leases.end(),
                                                [&](const auto& kv) { return kv.second.acct.user == user; }));
}

std::vector<std::string> fake_mail_watch::watched_folders(std::string_view user) const {
  std::lock_guard lock(shared_->mu);
  std::vector<std::string> out;
  for (const auto& [id, r] : shared_->leases) {
    if (r.acct.user == user) out.insert(out.end(), r.folder_ids.begin(), r.folder_ids.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::size_t fake_mail_watch::leases_taken() const {
  std::lock_guard lock(shared_->mu);
  return static_cast<std::size_t>(shared_->next);
}

bool fake_mail_watch::is_shut_down() const {
  std::lock_guard lock(shared_->mu);
  return shared_->stopped;
}

}  // namespace easd::backend
