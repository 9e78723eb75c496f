// The `device` and `policy` subcommand trees (admin_cli.hpp). Every leaf carries the common options, so
// they may follow the leaf's own arguments (`easd device list --json -c FILE`).
#include "eas/server/admin_cli.hpp"

#include <CLI/CLI.hpp>

namespace easd::server::admin_cli {

namespace {

void add_common(CLI::App* c, invocation& inv) {
  c->add_option("--config,-c", inv.config_path, "configuration file: the admin address and [admin] api_token")
      ->capture_default_str();
  c->add_option("--admin-url", inv.admin_url, "the admin listener, http://host:port (default: the first [admin] listen)");
  c->add_option("--token", inv.token, "the API token (default: $EASD_ADMIN_TOKEN, then [admin] api_token)");
  c->add_flag("--json", inv.json, "print the server's JSON answer");
}

CLI::App* leaf(CLI::App* parent, invocation& inv, const std::string& group, const std::string& action,
               const std::string& help) {
  auto* c = parent->add_subcommand(action, help);
  add_common(c, inv);
  c->callback([&inv, group, action] {
    inv.group = group;
    inv.action = action;
  });
  return c;
}

void add_user_device(CLI::App* c, invocation& inv) {
  c->add_option("user", inv.user, "the user's login name")->required();
  c->add_option("device", inv.device, "the DeviceId")->required();
}

void add_device_commands(CLI::App& app, invocation& inv) {
  auto* device = app.add_subcommand("device", "devices of the running daemon (through its admin API)");
  device->require_subcommand(1);

  auto* list = leaf(device, inv, "device", "list", "list devices: USER DEVICE TYPE MODEL ACCESS WIPE LAST-SEEN POLICY");
  list->add_option("--user", inv.filter_user, "only this user's devices");
  list->add_option("--access", inv.access, "only devices with this access state")
      ->check(CLI::IsMember({"allowed", "quarantined", "blocked"}));
  list->add_option("--wipe", inv.wipe, "only devices in this wipe state")
      ->check(CLI::IsMember({"none", "requested", "delivered", "acknowledged", "failed"}));
  list->add_option_function<std::int64_t>(
      "--seen-before", [&inv](const std::int64_t& t) { inv.seen_before = t; }, "last seen before UNIX seconds");
  list->add_option_function<std::int64_t>(
      "--seen-after", [&inv](const std::int64_t& t) { inv.seen_after = t; }, "last seen at or after UNIX seconds");

  add_user_device(leaf(device, inv, "device", "show", "one device: what it said, its keys, access, wipe, folders"), inv);
  add_user_device(leaf(device, inv, "device", "wipe", "remote wipe at the device's next request"), inv);
  add_user_device(leaf(device, inv, "device", "wipe-account", "remove only this account's data (EAS 16.1)"), inv);
  add_user_device(leaf(device, inv, "device", "cancel-wipe", "cancel a wipe not yet delivered"), inv);
  add_user_device(leaf(device, inv, "device", "block", "refuse the device everything"), inv);
  add_user_device(leaf(device, inv, "device", "allow", "allow the device (again, also after a wipe)"), inv);
  add_user_device(leaf(device, inv, "device", "approve", "allow a quarantined device"), inv);
  add_user_device(leaf(device, inv, "device", "remove", "forget the device and its sync state"), inv);
  auto* resync = leaf(device, inv, "device", "resync", "forget sync state: the device syncs from scratch");
  add_user_device(resync, inv);
  resync->add_option("--folder", inv.folder, "only this CollectionId (default: every folder and the hierarchy)");
}

void add_policy_commands(CLI::App& app, invocation& inv) {
  auto* policy = app.add_subcommand("policy", "device policies of the running daemon (through its admin API)");
  policy->require_subcommand(1);

  leaf(policy, inv, "policy", "list", "list policies: NAME SOURCE USERS");
  leaf(policy, inv, "policy", "show", "one policy's settings")->add_option("name", inv.name, "policy name")->required();
  auto* set = leaf(policy, inv, "policy", "set", "create or change a policy (unset keys keep their values)");
  set->add_option("name", inv.name, "policy name")->required();
  set->add_option("settings", inv.settings,
                  "KEY=VALUE: true/false, integers, KEY= for empty, [a,b] for lists, else a string");
  set->add_option("--file", inv.file, "a JSON object of settings, applied before the KEY=VALUE words")
      ->check(CLI::ExistingFile);
  leaf(policy, inv, "policy", "delete", "delete a policy made through the API")
      ->add_option("name", inv.name, "policy name")
      ->required();
  auto* assign = leaf(policy, inv, "policy", "assign", "assign a policy to a user or one device (\"\" or none: clear)");
  assign->add_option("name", inv.name, "policy name; \"\" or none clears the assignment")->required();
  assign->add_option("--user", inv.user, "the user's login name")->required();
  assign->add_option("--device", inv.device, "only this DeviceId of the user");
}

}  // namespace

void add_commands(CLI::App& app, invocation& inv) {
  add_device_commands(app, inv);
  add_policy_commands(app, inv);
}

}  // namespace easd::server::admin_cli
