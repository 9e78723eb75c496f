// Every kind of response easd produces is checked against Microsoft's response schemas with the shared
// validator (../shared/tools/validate-eas-response: libwbxml's wbxml2xml + xmllint).
#include "eas/protocol/dispatcher.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>

namespace easd::protocol {
namespace {

std::filesystem::path validator() { return std::filesystem::path(EASD_SHARED_DIR) / "tools/validate-eas-response"; }

// Exit status of the validator for `body`, with its output in `out`.
int validate(const std::string& name, const std::string& body, std::string& out) {
  const auto dir = std::filesystem::temp_directory_path() / ("easd-schema-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto file = dir / (name + ".wbxml");
  std::ofstream(file, std::ios::binary) << body;
  const auto log = dir / (name + ".log");
  const auto cmd = "sh '" + validator().string() + "' '" + file.string() + "' >'" + log.string() + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream in(log);
  out.assign(std::istreambuf_iterator<char>(in), {});
  std::filesystem::remove_all(dir);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

class StatusReplySchema : public ::testing::TestWithParam<common_status> {};

TEST_P(StatusReplySchema, ValidatesForEveryCommand) {
  if (!std::filesystem::exists(validator())) GTEST_SKIP() << "no validator at " << validator();
  for (const auto& row : command_table::standard().rows()) {
    // Debian's libwbxml 0.11.8 has no page 25, so the validator cannot read Find (wbxml.md §7.2).
    if (row.name == "Find") continue;
    const auto r = status_reply(row, GetParam(), protocol_version::v16_1);
    if (r.body.empty()) continue;
    std::string out;
    EXPECT_EQ(validate(std::string(row.name), r.body, out), 0) << row.name << ": " << out;
  }
}

INSTANTIATE_TEST_SUITE_P(CommonStatuses, StatusReplySchema,
                         ::testing::Values(common_status::invalid_wbxml, common_status::invalid_xml,
                                           common_status::command_not_supported,
                                           common_status::server_error_retry_later));

}  // namespace
}  // namespace easd::protocol
