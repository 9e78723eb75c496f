#include "eas/wbxml/cli.hpp"

#include "eas/wbxml/codec.hpp"
#include "tests/eas/wbxml/test_util.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace easd::wbxml {
namespace {

class WbxmlCli : public ::testing::Test {
protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("easd-wbxml-cli-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& content) {
    const auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::filesystem::path dir_;
};

const std::string folder_sync("\x03\x01\x6A\x00\x00\x07\x56\x52\x03\x30\x00\x01\x01", 13);

TEST_F(WbxmlCli, DecodePrintsXml) {
  std::ostringstream out, err;
  EXPECT_EQ(wbxml_decode_file(write("a.wbxml", folder_sync), out, err), 0);
  EXPECT_EQ(out.str(), to_xml(decode(folder_sync).value()));
  EXPECT_EQ(err.str(), "");
}

TEST_F(WbxmlCli, EncodeWritesWbxml) {
  std::ostringstream out, err;
  EXPECT_EQ(wbxml_encode_file(write("a.xml", to_xml(decode(folder_sync).value())), out, err), 0);
  EXPECT_EQ(out.str(), folder_sync);
}

TEST_F(WbxmlCli, InvalidInputIsExitCodeOneWithOffset) {
  std::ostringstream out, err;
  const std::string hostile(reinterpret_cast<const char*>(test::hostile_entity_abort().data()), 12);
  EXPECT_EQ(wbxml_decode_file(write("bad.wbxml", hostile), out, err), 1);
  EXPECT_NE(err.str().find("at byte 5"), std::string::npos) << err.str();
  EXPECT_EQ(out.str(), "");
  std::ostringstream out2, err2;
  EXPECT_EQ(wbxml_encode_file(write("bad.xml", "<Snyc xmlns=\"AirSync\"/>"), out2, err2), 1);
  EXPECT_FALSE(err2.str().empty());
  std::ostringstream out3, err3;
  EXPECT_EQ(wbxml_encode_file(write("nul.xml", "<SyncKey xmlns=\"AirSync\" encoding=\"base64\">AA==</SyncKey>"), out3, err3), 1)
      << "NUL in text of a string element cannot be encoded";
}

TEST_F(WbxmlCli, MissingFileIsExitCodeTwo) {
  std::ostringstream out, err;
  EXPECT_EQ(wbxml_decode_file((dir_ / "missing").string(), out, err), 2);
  EXPECT_EQ(wbxml_encode_file((dir_ / "missing").string(), out, err), 2);
  EXPECT_NE(err.str().find("cannot open"), std::string::npos);
}

}  // namespace
}  // namespace easd::wbxml
