#include "eas/protocol/command_table.hpp"

#include "eas/wbxml/code_pages.hpp"

#include <gtest/gtest.h>

#include <set>

namespace easd::protocol {
namespace {

TEST(CommandTable, EveryRootIsAKnownElement) {
  for (const auto& row : command_table::standard().rows()) {
    if (row.root.empty()) continue;
    EXPECT_TRUE(wbxml::find_tag(std::string(row.root))) << row.name;
    // The common-status reply needs a Status element in the command's namespace.
    const auto ns = std::string(row.root.substr(0, row.root.find(':')));
    EXPECT_TRUE(wbxml::find_tag(ns + ":Status")) << row.name;
  }
}

TEST(CommandTable, NamesAreUniqueAndFound) {
  std::set<std::string_view> names;
  for (const auto& row : command_table::standard().rows()) {
    EXPECT_TRUE(names.insert(row.name).second) << row.name;
    EXPECT_EQ(command_table::standard().find(row.name), &row);
  }
  EXPECT_EQ(command_table::standard().find("sync"), nullptr);  // case-sensitive
  EXPECT_TRUE(names.count("Sync") && names.count("Ping") && names.count("Provision") && names.count("Find"));
}

TEST(CommandTable, AdvertisesOnlyImplementedCommands) {
  for (const auto& row : command_table::standard().rows()) {
    const auto advertised = command_table::standard().advertised_commands();
    const bool listed = ("," + advertised + ",").find("," + std::string(row.name) + ",") != std::string::npos;
    EXPECT_EQ(listed, row.handler != nullptr) << row.name;
  }
}

}  // namespace
}  // namespace easd::protocol
