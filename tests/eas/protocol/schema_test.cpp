// Every kind of response easd produces is checked against Microsoft's response schemas with the shared
// validator (../shared/tools/validate-eas-response: libwbxml's wbxml2xml + xmllint).
#include "eas/protocol/dispatcher.hpp"

#include "tests/eas/protocol/validate_response.hpp"

#include <gtest/gtest.h>

namespace easd::protocol {
namespace {

using test::validate_response;
using test::validator;

class StatusReplySchema : public ::testing::TestWithParam<common_status> {};

TEST_P(StatusReplySchema, ValidatesForEveryCommand) {
  if (!std::filesystem::exists(validator())) GTEST_SKIP() << "no validator at " << validator();
  for (const auto& row : command_table::standard().rows()) {
    // Debian's libwbxml 0.11.8 has no page 25, so the validator cannot read Find (wbxml.md §7.2).
    if (row.name == "Find") continue;
    const auto r = status_reply(row, GetParam(), protocol_version::v16_1);
    if (r.body.empty()) continue;
    std::string out;
    EXPECT_EQ(validate_response(std::string(row.name), r.body, out), 0) << row.name << ": " << out;
  }
}

INSTANTIATE_TEST_SUITE_P(CommonStatuses, StatusReplySchema,
                         ::testing::Values(common_status::invalid_wbxml, common_status::invalid_xml,
                                           common_status::command_not_supported,
                                           common_status::server_error_retry_later));

}  // namespace
}  // namespace easd::protocol
