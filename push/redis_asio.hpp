// hiredis 0.14's async API driven by Boost.Asio: the context's event hooks (ev.addRead … ev.cleanup) map
// onto a posix::stream_descriptor waiting for readiness on the given strand. hiredis does the I/O itself and
// owns the socket, so cleanup releases the descriptor instead of closing it.
//
// Threads: every hiredis call on an attached context (commands, redisAsyncFree) must run on `strand`; the
// adapter calls redisAsyncHandleRead/Write only from there. A wait that completes after hiredis freed the
// context (cleanup ran) sees that and does nothing: the descriptor's state outlives the context.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>

struct redisAsyncContext;

namespace easd::push {

using redis_strand = boost::asio::strand<boost::asio::any_io_executor>;

// Hooks `ac` (fresh from redisAsyncConnect, not yet attached, ac->err == 0) to `strand`. Returns false when
// the socket cannot be registered; the caller then frees the context.
bool redis_asio_attach(redisAsyncContext* ac, const redis_strand& strand);

}  // namespace easd::push
