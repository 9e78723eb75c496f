// `easd wbxml decode FILE` and `easd wbxml encode FILE` as plain functions; the easd binary wires them to
// its subcommands. FILE "-" reads standard input. Return value: process exit code — 0 success, 1 the
// input is not valid WBXML/XML (message on `err`, with the byte offset for WBXML), 2 the file cannot be
// read or exceeds the size cap.
#pragma once

#include <ostream>
#include <string>

namespace easd::wbxml {

// Decodes a WBXML file and writes its XML rendering (to_xml) to `out`.
int wbxml_decode_file(const std::string& path, std::ostream& out, std::ostream& err);
// Parses an XML file (from_xml) and writes the WBXML encoding to `out`, which should be binary.
int wbxml_encode_file(const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace easd::wbxml
