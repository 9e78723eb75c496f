#include "eas/server/admin_cli.hpp"

#include "eas/core/config.hpp"
#include "eas/server/admin_cli_client.hpp"
#include "eas/server/admin_cli_render.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>

namespace easd::server::admin_cli {

namespace json = boost::json;
namespace beast = boost::beast;

namespace {

constexpr int exit_refused = 1;
constexpr int exit_usage = 2;
constexpr int exit_unreachable = 3;

struct connection {
  admin_target target;
  std::string token;
};

// --admin-url and --token (or EASD_ADMIN_TOKEN) win; the configuration file fills in what they leave
// open. The file is read only when needed, and a file that does not load is fatal only without a URL.
std::optional<connection> find_daemon(const invocation& inv, const environment& env, std::ostream& err, int& code) {
  connection c;
  std::optional<admin_target> target;
  if (!inv.admin_url.empty()) {
    std::string why;
    target = parse_admin_url(inv.admin_url, &why);
    if (!target) {
      err << "easd: " << why << "\n";
      code = exit_usage;
      return std::nullopt;
    }
  }
  c.token = !inv.token.empty() ? inv.token : env.token;
  if (!target || c.token.empty()) {
    try {
      const auto cfg = load_config(inv.config_path);
      if (!target) target = target_from_config(cfg);
      if (c.token.empty()) c.token = cfg.admin.api_token;
      if (!target) {
        err << "easd: " << inv.config_path << " has no [admin] listen: the admin API is off (or pass --admin-url)\n";
        code = exit_refused;
        return std::nullopt;
      }
    } catch (const config_error& e) {
      if (!target) {
        err << e.what() << "\neasd: cannot find the admin API without the configuration (or pass --admin-url)\n";
        code = exit_refused;
        return std::nullopt;
      }
    }
  }
  // It goes into a header line: CR, LF or other controls there would be header injection.
  if (!std::all_of(c.token.begin(), c.token.end(), [](char ch) { return ch > 0x20 && ch < 0x7f; })) {
    err << "easd: the API token has characters other than printable ASCII\n";
    code = exit_usage;
    return std::nullopt;
  }
  c.target = *target;
  return c;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string render(const invocation& inv, const json::value& v) {
  if (inv.json) return pretty_json(v);
  if (inv.group == "device") {
    if (inv.action == "list") return render_device_list(v);
    if (inv.action == "show") return render_device(v);
    return render_device_action(inv.action, v);
  }
  if (inv.action == "list") return render_policy_list(v);
  if (inv.action == "show" || inv.action == "set") return render_policy(v);
  return render_policy_action(inv.action, v);
}

// The server's {"error":"…"} text, escaped; with a hint for the two answers that usually mean set-up.
std::string refusal(const http_answer& answer) {
  json::error_code ec;
  const auto v = json::parse(answer.body, ec);
  const json::value* error = !ec && v.is_object() ? v.as_object().if_contains("error") : nullptr;
  std::string text = error && error->is_string() ? terminal_escape(error->as_string()) : "";
  if (answer.status == 401) {
    if (text.empty()) text = "unauthorized";
    text += " (the token is [admin] api_token in the configuration, --token or EASD_ADMIN_TOKEN)";
  } else if (answer.status == 404 && !error) {
    text = "not found (the admin API is off unless the daemon's [admin] api_token is set)";
  } else if (text.empty()) {
    text = "the server refused";
  }
  return text + " (HTTP " + std::to_string(answer.status) + ")";
}

}  // namespace

environment process_environment() {
  environment env;
  if (const char* t = std::getenv("EASD_ADMIN_TOKEN")) env.token = t;
  env.actor = choose_actor(std::getenv("SUDO_USER"), std::getenv("USER"));
  return env;
}

int run(const invocation& inv, const environment& env, std::ostream& out, std::ostream& err,
        const run_options& options) {
  std::string file_text;
  if (!inv.file.empty()) {
    auto text = read_file(inv.file);
    if (!text) {
      err << "easd: cannot read " << inv.file << "\n";
      return exit_usage;
    }
    file_text = std::move(*text);
  }
  std::string why;
  const auto request = build_request(inv, file_text, &why);
  if (!request) {
    err << "easd: " << terminal_escape(why) << "\n";
    return exit_usage;
  }

  int code = 0;
  const auto daemon = find_daemon(inv, env, err, code);
  if (!daemon) return code;
  const auto url = daemon->target.url();

  client_options client;
  client.timeout = options.timeout;
  const auto answer = send_request(daemon->target, *request, daemon->token, env.actor, client);
  if (!answer) {
    const auto ec = answer.error();
    if (ec == beast::http::error::body_limit) {
      err << "easd: the answer from " << url << " is over " << (client.body_limit >> 20) << " MiB\n";
      return exit_refused;
    }
    if (ec.category() == beast::http::make_error_code(beast::http::error::body_limit).category()) {
      err << "easd: bad HTTP answer from " << url << ": " << ec.message() << "\n";
      return exit_refused;
    }
    const auto ms = options.timeout.count();
    const auto what = ec != beast::error::timeout ? ec.message()
                      : ms % 1000 == 0            ? "no answer within " + std::to_string(ms / 1000) + " s"
                                                  : "no answer within " + std::to_string(ms) + " ms";
    err << "easd: cannot reach the admin API at " << url << ": " << what << "\n";
    return exit_unreachable;
  }
  if (answer->status < 200 || answer->status > 299) {
    err << "easd: " << refusal(*answer) << "\n";
    return exit_refused;
  }
  json::error_code ec;
  const auto v = json::parse(answer->body, ec);
  if (ec) {
    err << "easd: the answer from " << url << " is not JSON: " << ec.message() << "\n";
    return exit_refused;
  }
  out << render(inv, v);
  return 0;
}

}  // namespace easd::server::admin_cli
