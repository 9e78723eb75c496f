// Process-wide logging set-up (spdlog to stderr, where systemd's journal or the demo's log file takes it).
#pragma once

#include "eas/core/config.hpp"

namespace easd {

void init_logging(const log_config& cfg);

}  // namespace easd
