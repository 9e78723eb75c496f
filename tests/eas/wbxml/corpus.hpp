// Test corpus: request and response documents of every EAS command, written in the XML form of
// from_xml, plus the real client requests in tests/fixtures/client-requests.
#pragma once

#include "eas/wbxml/element.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace easd::wbxml::test {

struct corpus_document {
  std::string name;
  std::string xml;
};

// ~40 documents: FolderSync/Create/Update/Delete, Sync (requests with options and commands, responses with
// email, calendar, contact, task and note items), GetItemEstimate, Ping, Provision (incl. wipe), Settings,
// ItemOperations, MoveItems, MeetingResponse, Search (mailbox, GAL, document library), ResolveRecipients,
// ValidateCert, SendMail/SmartReply/SmartForward with Mime as OPAQUE, Find (16.1) and a 2.5 request with
// legacy tokens.
const std::vector<corpus_document>& command_corpus();

// Parses one corpus document; fails the calling test (ADD_FAILURE) and returns an empty element on error.
element parse_corpus_document(const corpus_document& doc);

struct fixture_file {
  std::string name;  // relative to tests/fixtures/client-requests
  std::vector<std::uint8_t> bytes;
};

// Every *.req.wbxml under tests/fixtures/client-requests, sorted by name.
std::vector<fixture_file> client_request_fixtures();

}  // namespace easd::wbxml::test
