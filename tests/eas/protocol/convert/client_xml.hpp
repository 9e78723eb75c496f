// What a device asks for, in the converter tests: its XML (ApplicationData, Options) decoded like a
// request, and body preferences.
#pragma once

#include "eas/protocol/convert/email.hpp"
#include "eas/wbxml/codec.hpp"
#include "eas/wbxml/element.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

namespace easd::protocol::convert::test_xml {

inline wbxml::element client_data(const std::string& xml) {
  auto r = wbxml::from_xml(xml);
  EXPECT_TRUE(r) << xml;
  return r ? *r : wbxml::element::named("AirSync:ApplicationData");
}

inline body_preference pref(std::uint8_t type, std::optional<std::uint32_t> truncation = std::nullopt,
                            bool all_or_none = false, std::optional<std::uint32_t> preview = std::nullopt) {
  body_preference p;
  p.type = type;
  p.truncation_size = truncation;
  p.all_or_none = all_or_none;
  p.preview = preview;
  return p;
}

}  // namespace easd::protocol::convert::test_xml
