// `easd device …` and `easd policy …`: the admin CLI, a client of the running daemon's admin API (the
// contract: the README's "Devices, policies and remote wipe"). The pure parts live in
// admin_cli_request.hpp (arguments → request) and admin_cli_render.hpp (answer → text); this is the
// command-line tree and the one function that ties them to the HTTP client.
//
// Exit codes: 0 done; 1 the server refused (its {"error":…} text on stderr) or the configuration is
// unusable; 2 a usage error; 3 the daemon could not be reached (the message names the URL).
#pragma once

#include "eas/server/admin_cli_request.hpp"

#include <chrono>
#include <iosfwd>
#include <string>

namespace CLI {
class App;
}

namespace easd::server::admin_cli {

// Adds the `device` and `policy` subcommand trees to `app`; the leaf that parses fills `inv` (group and
// action included). `inv` must outlive parsing.
void add_commands(CLI::App& app, invocation& inv);

// What the CLI takes from its environment: EASD_ADMIN_TOKEN and the actor (choose_actor()).
struct environment {
  std::string token;
  std::string actor = "cli";
};
environment process_environment();

struct run_options {
  std::chrono::milliseconds timeout{10'000};
};

// Runs a parsed invocation: finds the daemon, sends the request, prints the answer to `out` (errors to
// `err`). Returns the exit code.
int run(const invocation& inv, const environment& env, std::ostream& out, std::ostream& err,
        const run_options& options = {});

}  // namespace easd::server::admin_cli
