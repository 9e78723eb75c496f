#include "eas/wbxml/cli.hpp"

#include "eas/wbxml/codec.hpp"

#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>

namespace easd::wbxml {
namespace {

// Reads at most `cap` bytes; nullopt (after a message) when the file is unreadable or larger.
std::optional<std::string> read_capped(const std::string& path, std::size_t cap, std::ostream& err) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      err << "easd: cannot open " << path << '\n';
      return std::nullopt;
    }
    in = &file;
  }
  std::string data;
  char buf[64 * 1024];
  while (*in) {
    in->read(buf, sizeof buf);
    const auto got = static_cast<std::size_t>(in->gcount());
    if (got > cap - data.size()) {
      err << "easd: " << path << " is larger than " << cap << " bytes\n";
      return std::nullopt;
    }
    data.append(buf, got);
  }
  if (in->bad()) {
    err << "easd: error reading " << path << '\n';
    return std::nullopt;
  }
  return data;
}

}  // namespace

int wbxml_decode_file(const std::string& path, std::ostream& out, std::ostream& err) {
  const limits lim;
  const auto data = read_capped(path, lim.max_decoded_bytes + lim.max_opaque_bytes, err);
  if (!data) return 2;
  std::size_t offset = 0;
  const auto doc = decode(std::span(reinterpret_cast<const std::uint8_t*>(data->data()), data->size()),
                          lim, offset);
  if (!doc) {
    err << "easd: " << path << ": invalid WBXML at byte " << offset << ": " << doc.error().message() << '\n';
    return 1;
  }
  out << to_xml(*doc);
  return out ? 0 : 2;
}

int wbxml_encode_file(const std::string& path, std::ostream& out, std::ostream& err) {
  const limits lim;
  const auto data = read_capped(path, lim.max_xml_bytes, err);
  if (!data) return 2;
  const auto doc = from_xml(*data, lim);
  if (!doc) {
    err << "easd: " << path << ": " << doc.error().message() << '\n';
    return 1;
  }
  std::string bytes;
  try {
    bytes = encode_to_string(*doc);
  } catch (const std::invalid_argument& e) {
    // Only reachable through encoding="base64" text containing NUL in a non-byte-array element.
    err << "easd: " << path << ": " << e.what() << '\n';
    return 1;
  }
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return out ? 0 : 2;
}

}  // namespace easd::wbxml
