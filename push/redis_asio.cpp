#include "push/redis_asio.hpp"

#include <hiredis/async.h>

#include <boost/asio/posix/stream_descriptor.hpp>

#include <memory>

namespace easd::push {
namespace {

namespace net = boost::asio;

// Shared by the hooks and by every pending wait, so a wait may complete after cleanup without touching
// freed memory; `ac` is null from cleanup on.
struct watch {
  watch(const redis_strand& strand, int fd) : descriptor(strand, fd) {}

  net::posix::stream_descriptor descriptor;
  redisAsyncContext* ac = nullptr;
  bool want_read = false, want_write = false;
  bool read_armed = false, write_armed = false;
};

// ev.data: hiredis holds a raw pointer; this box owns one reference until cleanup deletes it.
struct hook_box {
  std::shared_ptr<watch> w;
};

// One readiness wait per direction at a time; when it fires, hiredis does the I/O and the wait is armed
// again while hiredis still wants that direction.
void arm(const std::shared_ptr<watch>& w, bool write) {
  bool& armed = write ? w->write_armed : w->read_armed;
  const bool& wanted = write ? w->want_write : w->want_read;
  if (armed || !w->ac || !wanted) return;
  armed = true;
  const auto type = write ? net::posix::descriptor_base::wait_write : net::posix::descriptor_base::wait_read;
  w->descriptor.async_wait(type, [w, write](boost::system::error_code ec) {
    (write ? w->write_armed : w->read_armed) = false;
    if (ec == net::error::operation_aborted || !w->ac || !(write ? w->want_write : w->want_read)) return;
    // Other errors (the peer vanished) are for hiredis to find out: its read() or write() fails and it
    // disconnects, which frees the context and runs cleanup.
    if (write)
      redisAsyncHandleWrite(w->ac);
    else
      redisAsyncHandleRead(w->ac);
    arm(w, write);  // no-op when hiredis freed the context or no longer wants this direction
  });
}

// The hooks must be idempotent (async.h): a second addRead while a wait is armed changes nothing. delRead
// leaves an armed wait in place rather than cancelling (cancel() would also end the write wait); the wait
// finds want_read false and returns.
void add_read(void* data) {
  auto& w = static_cast<hook_box*>(data)->w;
  w->want_read = true;
  arm(w, false);
}
void del_read(void* data) { static_cast<hook_box*>(data)->w->want_read = false; }
void add_write(void* data) {
  auto& w = static_cast<hook_box*>(data)->w;
  w->want_write = true;
  arm(w, true);
}
void del_write(void* data) { static_cast<hook_box*>(data)->w->want_write = false; }

void cleanup(void* data) {
  auto* box = static_cast<hook_box*>(data);
  const auto w = std::move(box->w);
  delete box;
  w->ac = nullptr;
  w->want_read = w->want_write = false;
  boost::system::error_code ignored;
  w->descriptor.cancel(ignored);
  // hiredis closes the socket right after this hook (redisFree); closing it here would close it twice.
  w->descriptor.release();
}

}  // namespace

bool redis_asio_attach(redisAsyncContext* ac, const redis_strand& strand) {
  if (ac->ev.data != nullptr || ac->c.fd < 0) return false;
  std::shared_ptr<watch> w;
  try {
    w = std::make_shared<watch>(strand, ac->c.fd);
  } catch (const boost::system::system_error&) {
    return false;  // epoll registration failed (descriptor limits)
  }
  w->ac = ac;
  ac->ev.data = new hook_box{std::move(w)};
  ac->ev.addRead = add_read;
  ac->ev.delRead = del_read;
  ac->ev.addWrite = add_write;
  ac->ev.delWrite = del_write;
  ac->ev.cleanup = cleanup;
  return true;
}

}  // namespace easd::push
