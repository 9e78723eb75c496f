// Flag-only changes in both directions: the ApplicationData of a server Change after a flag change
// elsewhere, and the Read/Flag/Categories of a device's Change ([MS-ASEMAIL] 3.1.5.4: the only properties
// a device may change on a received message).
#include "eas/protocol/convert/email_detail.hpp"

namespace easd::protocol::convert {

wbxml::element email_flag_change(const backend::message_flags& flags, protocol_version v) {
  auto data = wbxml::element::named("AirSync:ApplicationData");
  data.add("Email:Read", flags.seen ? "1" : "0");
  if (v >= protocol_version::v12_0) data.add(detail::flag_element(flags.flagged));
  if (v >= protocol_version::v14_0) {
    // An empty Categories removes all ([MS-ASEMAIL] 2.2.2.16): a keyword removed elsewhere must go.
    data.add(detail::categories_element(detail::categories_of(flags.keywords)));
    if (const int verb = detail::last_verb_of(flags); verb != 0)
      data.add("Email2:LastVerbExecuted", std::to_string(verb));
  }
  return data;
}

client_flag_change parse_client_flag_change(const wbxml::element& application_data) {
  static const auto read_tag = wbxml::element::named("Email:Read").id();
  static const auto flag_tag = wbxml::element::named("Email:Flag").id();
  static const auto status_tag = wbxml::element::named("Email:Status").id();
  static const auto categories_tag = wbxml::element::named("Email:Categories").id();
  static const auto category_tag = wbxml::element::named("Email:Category").id();
  client_flag_change out;
  for (const auto& c : application_data.children()) {
    if (c.id() == read_tag) {
      // [MS-ASDTYPE] 2.1: boolean; anything but 0/1 is ignored rather than guessed.
      if (c.text() == "1" || c.text().empty()) out.read = true;
      if (c.text() == "0") out.read = false;
    } else if (c.id() == flag_tag) {
      // Status 2 = active follow-up = \Flagged. An empty Flag, Status 0 (cleared) and Status 1 (complete:
      // the follow-up is done, Exchange drops it from the to-do list) all mean unflagged on IMAP.
      const auto* status = c.child(status_tag);
      out.flagged = status != nullptr && status->text() == "2";
    } else if (c.id() == categories_tag) {
      std::vector<std::string> cats;
      for (const auto& cat : c.children()) {
        if (cat.id() != category_tag || cat.text().empty()) continue;
        if (cats.size() >= 300) break;
        cats.push_back(cat.text());
      }
      out.categories = std::move(cats);
    }
  }
  return out;
}

}  // namespace easd::protocol::convert
