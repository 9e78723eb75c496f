#include "eas/core/xml_char.hpp"

#include <gtest/gtest.h>

namespace easd {
namespace {

TEST(XmlChar, Xml10CharProduction) {
  for (char32_t c :
       {U'\t', U'\n', U'\r', U' ', U'\x7F', U'\x85', U'\xD7FF', U'\xE000', U'\xFFFD', U'\x10000', U'\x10FFFF'}) {
    EXPECT_TRUE(is_xml_char(c)) << static_cast<unsigned long>(c);
  }
  for (char32_t c : {U'\0', U'\x01', U'\x08', U'\x0B', U'\x0C', U'\x1F', char32_t{0xD800}, char32_t{0xDFFF}, U'\xFFFE',
                     U'\xFFFF', char32_t{0x110000}}) {
    EXPECT_FALSE(is_xml_char(c)) << static_cast<unsigned long>(c);
  }
}

}  // namespace
}  // namespace easd
