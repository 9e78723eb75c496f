#include "eas/protocol/convert/provision_doc.hpp"

#include "eas/wbxml/code_pages.hpp"

#include <stdexcept>
#include <string>

namespace easd::protocol::convert {

namespace {

constexpr auto provision_page = wbxml::tag_of("Provision:EASProvisionDoc").page;

// The field table names elements by local name; the code page gives the tag (a row naming an element
// the page lacks is a programming error, which policy_test catches).
wbxml::tag tag_for(std::string_view local) {
  const auto t = wbxml::find_tag(provision_page, local);
  if (!t) throw std::logic_error("provision_doc: no Provision element " + std::string(local));
  return *t;
}

}  // namespace

wbxml::element provision_doc(const provisioning::policy& p, protocol_version version) {
  wbxml::element doc(wbxml::tag_of("Provision:EASProvisionDoc"));
  for (const auto& f : provisioning::fields()) {
    if (!f.document || f.since > version) continue;
    if (f.type == provisioning::field_type::string_list) {
      const auto& items = provisioning::field_values(p, f);
      if (items.empty()) continue;
      wbxml::element list(tag_for(f.element));
      const auto item_tag = tag_for(f.item_element);
      for (const auto& item : items) list.add(wbxml::element(item_tag, item));
      doc.add(std::move(list));
      continue;
    }
    doc.add(wbxml::element(tag_for(f.element), provisioning::field_text(p, f)));
  }
  return doc;
}

}  // namespace easd::protocol::convert
