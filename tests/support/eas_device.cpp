#include "tests/support/eas_device.hpp"

#include "eas/core/base64.hpp"
#include "eas/wbxml/codec.hpp"

#include <cstring>
#include <stdexcept>

namespace easd::test {

namespace {

using wbxml::element;

unsigned to_unsigned(std::string_view s) {
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v;
}

std::uint64_t to_u64(std::string_view s) {
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

std::vector<const element*> children(const element& e, std::string_view name) {
  std::vector<const element*> out;
  const auto t = element::named(name).id();
  for (const auto& c : e.children()) {
    if (c.id() == t) out.push_back(&c);
  }
  return out;
}

element body_preference_element(const body_preference& p, bool with_preview) {
  element bp = element::named("AirSyncBase:BodyPreference");
  bp.add("AirSyncBase:Type", std::to_string(p.type));
  if (p.truncation_size) bp.add("AirSyncBase:TruncationSize", std::to_string(*p.truncation_size));
  if (p.all_or_none) bp.add("AirSyncBase:AllOrNone", *p.all_or_none ? "1" : "0");
  if (p.preview && with_preview) bp.add("AirSyncBase:Preview", std::to_string(*p.preview));
  return bp;
}

bool at_least_14(const std::string& version) { return version.rfind("12.", 0) != 0 && version.rfind("2.", 0) != 0; }

}  // namespace

std::string text_of(const element& e, std::string_view qualified_name) {
  auto t = e.child_text(qualified_name);
  return t ? std::string(*t) : std::string();
}

void read_email(const element& data, device_item& item) {
  if (auto s = data.child_text("Email:Subject")) item.subject = std::string(*s);
  if (auto s = data.child_text("Email:From")) item.from = std::string(*s);
  if (auto s = data.child_text("Email:MessageClass")) item.message_class = std::string(*s);
  if (auto s = data.child_text("Email:Read")) item.read = *s == "1";
  if (const element* flag = data.child("Email:Flag")) {
    // An empty Flag clears it ([MS-ASEMAIL] 2.2.2.35).
    item.flag_status = text_of(*flag, "Email:Status");
  }
  if (const element* body = data.child("AirSyncBase:Body")) {
    item.body_type = to_unsigned(text_of(*body, "AirSyncBase:Type"));
    item.body = text_of(*body, "AirSyncBase:Data");
    item.body_truncated = text_of(*body, "AirSyncBase:Truncated") == "1";
    item.body_estimated_size = to_u64(text_of(*body, "AirSyncBase:EstimatedDataSize"));
  }
  if (const element* atts = data.child("AirSyncBase:Attachments")) {
    item.attachments.clear();
    for (const element* a : children(*atts, "AirSyncBase:Attachment")) {
      device_attachment d;
      d.file_reference = text_of(*a, "AirSyncBase:FileReference");
      d.display_name = text_of(*a, "AirSyncBase:DisplayName");
      d.content_id = text_of(*a, "AirSyncBase:ContentId");
      d.is_inline = text_of(*a, "AirSyncBase:IsInline") == "1";
      d.estimated_size = to_u64(text_of(*a, "AirSyncBase:EstimatedDataSize"));
      item.attachments.push_back(std::move(d));
    }
  }
}

std::optional<std::vector<std::string>> split_multipart(std::string_view body) {
  auto le32 = [&](std::size_t at) -> std::optional<std::uint32_t> {
    if (at + 4 > body.size()) return std::nullopt;
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(body[at + static_cast<std::size_t>(i)]);
    return v;
  };
  auto count = le32(0);
  if (!count || *count == 0 || *count > 10000) return std::nullopt;
  std::vector<std::string> parts;
  for (std::uint32_t i = 0; i < *count; ++i) {
    auto off = le32(4 + 8 * i);
    auto len = le32(8 + 8 * i);
    if (!off || !len || std::uint64_t(*off) + *len > body.size()) return std::nullopt;
    parts.emplace_back(body.substr(*off, *len));
  }
  return parts;
}

// ---- plumbing

eas_response eas_device::send(std::string_view cmd, const element& request, const field_list& headers) {
  auto r = client_.command(cmd, &request, {}, headers);
  ++requests;
  bytes_received += r.body.size();
  if (observer) observer(cmd, r);
  return r;
}

device_folder* eas_device::folder_of_type(unsigned type) {
  for (auto& [id, f] : folders_) {
    if (f.type == type) return &f;
  }
  return nullptr;
}

device_folder* eas_device::folder_named(std::string_view display_name) {
  for (auto& [id, f] : folders_) {
    if (f.display_name == display_name) return &f;
  }
  return nullptr;
}

device_folder& eas_device::folder(const std::string& server_id) {
  auto it = folders_.find(server_id);
  if (it == folders_.end()) throw std::runtime_error("device: no folder " + server_id);
  return it->second;
}

// ---- hierarchy

folder_sync_round eas_device::apply_folder_sync(eas_response response) {
  folder_sync_round out;
  if (!response.document) {
    if (response.status == 200) note("FolderSync: no WBXML document (" + response.describe() + ")");
    out.response = std::move(response);
    return out;
  }
  const element& root = *response.document;
  out.status = to_unsigned(text_of(root, "FolderHierarchy:Status"));
  if (out.status == 9) {
    ++resyncs;
    folder_key_ = "0";
  }
  if (out.status != 1) {
    out.response = std::move(response);
    return out;
  }
  const bool initial = folder_key_ == "0";
  const std::string key = text_of(root, "FolderHierarchy:SyncKey");
  if (key.empty()) note("FolderSync: Status 1 without SyncKey");
  std::map<std::string, device_folder> old;
  if (initial) old.swap(folders_);
  if (const element* changes = root.child("FolderHierarchy:Changes")) {
    for (const auto& c : changes->children()) {
      const std::string name = c.qualified_name();
      const std::string id = text_of(c, "FolderHierarchy:ServerId");
      if (name == "FolderHierarchy:Add" || name == "FolderHierarchy:Update") {
        const bool add = name == "FolderHierarchy:Add";
        if (add) ++out.adds; else ++out.updates;
        if (add && folders_.count(id)) note("FolderSync: Add of existing folder " + id);
        if (!add && !folders_.count(id)) note("FolderSync: Update of unknown folder " + id);
        device_folder& f = folders_[id];
        if (add) {
          // A resync keeps ServerIds ([MS-ASCMD] 3.1.5.3): the collection state survives it.
          if (auto it = old.find(id); it != old.end()) f = std::move(it->second);
        }
        f.server_id = id;
        f.parent_id = text_of(c, "FolderHierarchy:ParentId");
        f.display_name = text_of(c, "FolderHierarchy:DisplayName");
        f.type = to_unsigned(text_of(c, "FolderHierarchy:Type"));
      } else if (name == "FolderHierarchy:Delete") {
        ++out.deletes;
        if (!folders_.erase(id)) note("FolderSync: Delete of unknown folder " + id);
      }
    }
  }
  if (!key.empty()) folder_key_ = key;
  out.response = std::move(response);
  return out;
}

folder_sync_round eas_device::folder_sync() {
  element req = element::named("FolderHierarchy:FolderSync");
  req.add("FolderHierarchy:SyncKey", folder_key_);
  return apply_folder_sync(send("FolderSync", req));
}

unsigned eas_device::folder_create(const std::string& parent_id, const std::string& name, unsigned type,
                                   std::string* new_id) {
  element req = element::named("FolderHierarchy:FolderCreate");
  req.add("FolderHierarchy:SyncKey", folder_key_);
  req.add("FolderHierarchy:ParentId", parent_id);
  req.add("FolderHierarchy:DisplayName", name);
  req.add("FolderHierarchy:Type", std::to_string(type));
  auto r = send("FolderCreate", req);
  if (!r.document) return 0;
  const unsigned status = to_unsigned(text_of(*r.document, "FolderHierarchy:Status"));
  if (status == 1) {
    const std::string id = text_of(*r.document, "FolderHierarchy:ServerId");
    folder_key_ = text_of(*r.document, "FolderHierarchy:SyncKey");
    device_folder& f = folders_[id];
    f.server_id = id;
    f.parent_id = parent_id;
    f.display_name = name;
    f.type = type;
    if (new_id) *new_id = id;
  }
  if (status == 9) ++resyncs;
  return status;
}

unsigned eas_device::folder_update(const std::string& server_id, const std::string& parent_id, const std::string& name) {
  element req = element::named("FolderHierarchy:FolderUpdate");
  req.add("FolderHierarchy:SyncKey", folder_key_);
  req.add("FolderHierarchy:ServerId", server_id);
  req.add("FolderHierarchy:ParentId", parent_id);
  req.add("FolderHierarchy:DisplayName", name);
  auto r = send("FolderUpdate", req);
  if (!r.document) return 0;
  const unsigned status = to_unsigned(text_of(*r.document, "FolderHierarchy:Status"));
  if (status == 1) {
    folder_key_ = text_of(*r.document, "FolderHierarchy:SyncKey");
    if (auto it = folders_.find(server_id); it != folders_.end()) {
      it->second.parent_id = parent_id;
      it->second.display_name = name;
    }
  }
  if (status == 9) ++resyncs;
  return status;
}

unsigned eas_device::folder_delete(const std::string& server_id) {
  element req = element::named("FolderHierarchy:FolderDelete");
  req.add("FolderHierarchy:SyncKey", folder_key_);
  req.add("FolderHierarchy:ServerId", server_id);
  auto r = send("FolderDelete", req);
  if (!r.document) return 0;
  const unsigned status = to_unsigned(text_of(*r.document, "FolderHierarchy:Status"));
  if (status == 1) {
    folder_key_ = text_of(*r.document, "FolderHierarchy:SyncKey");
    folders_.erase(server_id);
  }
  if (status == 9) ++resyncs;
  return status;
}

// ---- Sync

element eas_device::sync_request(const device_folder& f, const sync_options& opts,
                                 const std::vector<client_change>& changes) const {
  const bool initial = f.sync_key == "0";
  const bool v14 = at_least_14(client_.config().protocol_version);
  element req = element::named("AirSync:Sync");
  element& c = req.add("AirSync:Collections").add("AirSync:Collection");
  c.add("AirSync:SyncKey", f.sync_key);
  c.add("AirSync:CollectionId", f.server_id);
  if (opts.deletes_as_moves) c.add("AirSync:DeletesAsMoves", *opts.deletes_as_moves ? "1" : "0");
  if (!initial && opts.get_changes) c.add("AirSync:GetChanges");
  if (opts.window_size && !initial) c.add("AirSync:WindowSize", std::to_string(*opts.window_size));
  element o = element::named("AirSync:Options");
  if (opts.filter_type) o.add("AirSync:FilterType", std::to_string(*opts.filter_type));
  for (const auto& p : opts.body_preferences) o.add(body_preference_element(p, v14));
  if (opts.conflict) o.add("AirSync:Conflict", std::to_string(*opts.conflict));
  if (opts.mime_support) o.add("AirSync:MIMESupport", std::to_string(*opts.mime_support));
  if (!o.children().empty()) c.add(std::move(o));
  if (!changes.empty() && !initial) {
    element& cmds = c.add("AirSync:Commands");
    for (const auto& ch : changes) {
      switch (ch.kind) {
        case client_change::read: {
          element& e = cmds.add("AirSync:Change");
          e.add("AirSync:ServerId", ch.server_id);
          e.add("AirSync:ApplicationData").add("Email:Read", ch.value ? "1" : "0");
          break;
        }
        case client_change::flag: {
          element& e = cmds.add("AirSync:Change");
          e.add("AirSync:ServerId", ch.server_id);
          element& flag = e.add("AirSync:ApplicationData").add("Email:Flag");
          if (ch.value) {
            flag.add("Email:Status", "2");
            flag.add("Email:FlagType", "Flag for follow up");
          }
          break;
        }
        case client_change::remove:
          cmds.add("AirSync:Delete").add("AirSync:ServerId", ch.server_id);
          break;
        case client_change::fetch:
          cmds.add("AirSync:Fetch").add("AirSync:ServerId", ch.server_id);
          break;
      }
    }
  }
  return req;
}

sync_round eas_device::apply_sync(device_folder& f, eas_response response, bool apply) {
  sync_round out;
  out.empty_body = response.status == 200 && response.body.empty();
  if (!response.document) {
    if (response.status == 200 && !out.empty_body) note("Sync: undecodable response (" + response.describe() + ")");
    out.response = std::move(response);
    return out;
  }
  const element& root = *response.document;
  if (auto s = root.child_text("AirSync:Status")) out.top_status = to_unsigned(*s);
  const element* coll = nullptr;
  if (const element* cs = root.child("AirSync:Collections")) {
    for (const element* c : children(*cs, "AirSync:Collection")) {
      if (text_of(*c, "AirSync:CollectionId") == f.server_id) coll = c;
    }
  }
  if (!coll) {
    if (!out.top_status) note("Sync: no Collection " + f.server_id + " in the response");
    out.response = std::move(response);
    return out;
  }
  out.status = to_unsigned(text_of(*coll, "AirSync:Status"));
  out.sync_key = text_of(*coll, "AirSync:SyncKey");
  out.more_available = coll->child("AirSync:MoreAvailable") != nullptr;
  if (const element* rs = coll->child("AirSync:Responses")) {
    for (const auto& r : rs->children()) {
      const std::string id = text_of(r, "AirSync:ServerId");
      out.item_status[id] = to_unsigned(text_of(r, "AirSync:Status"));
      if (r.qualified_name() == "AirSync:Fetch") {
        if (const element* d = r.child("AirSync:ApplicationData")) out.fetched.push_back(*d);
      }
    }
  }
  if (out.status == 3 && apply) {
    ++resyncs;
    f.sync_key = "0";
    f.items.clear();
    f.gone.clear();
  }
  if (out.status == 1) {
    if (const element* cmds = coll->child("AirSync:Commands")) {
      for (const auto& c : cmds->children()) {
        const std::string name = c.qualified_name();
        const std::string id = text_of(c, "AirSync:ServerId");
        if (name == "AirSync:Add") {
          ++out.adds;
          if (!apply) continue;
          if (f.items.count(id)) note("Sync: duplicate Add of " + id + " in " + f.server_id);
          device_item& item = f.items[id];
          item = device_item{};
          item.server_id = id;
          if (const element* d = c.child("AirSync:ApplicationData")) {
            read_email(*d, item);
            item.data = *d;
          }
        } else if (name == "AirSync:Change") {
          ++out.changes;
          if (!apply) continue;
          auto it = f.items.find(id);
          if (it == f.items.end()) {
            note("Sync: Change of unknown item " + id + " in " + f.server_id);
            continue;
          }
          if (const element* d = c.child("AirSync:ApplicationData")) read_email(*d, it->second);
        } else if (name == "AirSync:Delete" || name == "AirSync:SoftDelete") {
          if (name == "AirSync:Delete") ++out.deletes; else ++out.soft_deletes;
          if (!apply) continue;
          if (!f.items.erase(id) && !f.gone.erase(id)) {
            note("Sync: " + name.substr(8) + " of unknown item " + id + " in " + f.server_id);
          }
        }
      }
    }
    if (apply) {
      if (out.sync_key.empty()) note("Sync: Status 1 without SyncKey");
      else f.sync_key = out.sync_key;
      // A Change the server refused (conflict, not found) leaves the item as the server has it; the next
      // Sync brings the server's version. Not found: the item is gone.
      for (const auto& [id, st] : out.item_status) {
        if (st == 8 && f.items.erase(id)) f.gone.insert(id);
      }
    }
  }
  out.response = std::move(response);
  return out;
}

sync_round eas_device::sync(const std::string& collection_id, const sync_options& opts,
                            const std::vector<client_change>& changes) {
  device_folder& f = folder(collection_id);
  const element req = sync_request(f, opts, changes);
  if (f.sync_key != "0") {
    for (const auto& ch : changes) {
      auto it = f.items.find(ch.server_id);
      if (it == f.items.end()) continue;
      if (ch.kind == client_change::read) it->second.read = ch.value;
      if (ch.kind == client_change::flag) it->second.flag_status = ch.value ? "2" : "";
      if (ch.kind == client_change::remove) f.items.erase(it);
    }
  }
  return apply_sync(f, send("Sync", req), true);
}

sync_round eas_device::send_sync_and_lose(const std::string& collection_id, const sync_options& opts,
                                          const std::vector<client_change>& changes) {
  device_folder& f = folder(collection_id);
  const element req = sync_request(f, opts, changes);
  return apply_sync(f, send("Sync", req), false);
}

sync_totals eas_device::sync_all(const std::string& collection_id, const sync_options& opts, unsigned max_rounds) {
  sync_totals t;
  for (unsigned round = 0; round < max_rounds; ++round) {
    const bool priming = folder(collection_id).sync_key == "0";
    auto r = sync(collection_id, opts);
    ++t.requests;
    t.bytes += r.response.body.size();
    t.adds += r.adds;
    t.changes += r.changes;
    t.deletes += r.deletes;
    t.soft_deletes += r.soft_deletes;
    t.last_status = r.status;
    t.top_status = r.top_status;
    if (r.top_status || (r.status != 1 && !r.empty_body)) return t;
    if (!priming && !r.more_available) return t;
  }
  note("Sync: still MoreAvailable after " + std::to_string(max_rounds) + " requests");
  return t;
}

// ---- other commands

std::pair<unsigned, std::optional<std::uint64_t>> eas_device::estimate(const std::string& collection_id,
                                                                       std::optional<unsigned> filter_type) {
  const device_folder& f = folder(collection_id);
  element req = element::named("GetItemEstimate:GetItemEstimate");
  element& c = req.add("GetItemEstimate:Collections").add("GetItemEstimate:Collection");
  if (at_least_14(version())) {
    c.add("AirSync:SyncKey", f.sync_key);
    c.add("GetItemEstimate:CollectionId", collection_id);
    element& o = c.add("AirSync:Options");
    o.add("AirSync:Class", "Email");
    if (filter_type) o.add("AirSync:FilterType", std::to_string(*filter_type));
  } else {
    // 12.1: Class and FilterType directly in Collection ([MS-ASCMD] 2.2.3.27.2).
    c.add("GetItemEstimate:Class", "Email");
    c.add("GetItemEstimate:CollectionId", collection_id);
    c.add("AirSync:FilterType", std::to_string(filter_type.value_or(0)));
    c.add("AirSync:SyncKey", f.sync_key);
  }
  auto r = send("GetItemEstimate", req);
  if (!r.document) return {0, std::nullopt};
  const element* resp = r.document->child("GetItemEstimate:Response");
  if (!resp) return {to_unsigned(text_of(*r.document, "GetItemEstimate:Status")), std::nullopt};
  const unsigned status = to_unsigned(text_of(*resp, "GetItemEstimate:Status"));
  std::optional<std::uint64_t> est;
  if (const element* c2 = resp->child("GetItemEstimate:Collection")) {
    if (auto e = c2->child_text("GetItemEstimate:Estimate")) est = to_u64(*e);
  }
  return {status, est};
}

namespace {

fetched_item read_fetch(eas_response r, bool multipart, std::vector<std::string>& anomalies) {
  fetched_item out;
  std::optional<element> doc = r.document;
  std::vector<std::string> parts;
  if (multipart && r.header("Content-Type").find("multipart") != std::string::npos) {
    auto split = split_multipart(r.body);
    if (!split || split->empty()) {
      anomalies.push_back("ItemOperations: malformed multipart body");
      out.response = std::move(r);
      return out;
    }
    parts = std::move(*split);
    auto d = wbxml::decode(parts[0]);
    if (!d) {
      anomalies.push_back("ItemOperations: multipart part 0 is not WBXML");
      out.response = std::move(r);
      return out;
    }
    doc = std::move(*d);
  }
  if (!doc) {
    out.response = std::move(r);
    return out;
  }
  out.status = to_unsigned(text_of(*doc, "ItemOperations:Status"));
  const element* resp = doc->child("ItemOperations:Response");
  const element* fetch = resp ? resp->child("ItemOperations:Fetch") : nullptr;
  if (fetch) {
    out.status = to_unsigned(text_of(*fetch, "ItemOperations:Status"));
    if (const element* props = fetch->child("ItemOperations:Properties")) {
      out.properties = *props;
      out.content_type = text_of(*props, "AirSyncBase:ContentType");
      if (const element* data = props->child("ItemOperations:Data")) {
        if (data->is_opaque()) {
          out.bytes = data->text();
        } else if (auto bytes = decode_base64(data->text(), 256u << 20)) {
          out.bytes = std::move(*bytes);
        } else {
          anomalies.push_back("ItemOperations: Data is not base64");
        }
      } else if (auto part = props->child_text("ItemOperations:Part")) {
        const unsigned index = to_unsigned(*part);
        if (index == 0 || index >= parts.size()) anomalies.push_back("ItemOperations: bad Part " + std::string(*part));
        else out.bytes = parts[index];
      }
    }
  }
  if (doc && !r.document) r.document = std::move(doc);
  out.response = std::move(r);
  return out;
}

}  // namespace

fetched_item eas_device::fetch_attachment(const std::string& file_reference, bool multipart) {
  element req = element::named("ItemOperations:ItemOperations");
  element& f = req.add("ItemOperations:Fetch");
  f.add("ItemOperations:Store", "Mailbox");
  f.add("AirSyncBase:FileReference", file_reference);
  field_list headers;
  if (multipart) headers.emplace_back("MS-ASAcceptMultiPart", "T");
  return read_fetch(send("ItemOperations", req, headers), multipart, anomalies);
}

fetched_item eas_device::fetch_item(const std::string& collection_id, const std::string& server_id,
                                    std::vector<body_preference> prefs, bool multipart) {
  element req = element::named("ItemOperations:ItemOperations");
  element& f = req.add("ItemOperations:Fetch");
  f.add("ItemOperations:Store", "Mailbox");
  f.add("AirSync:CollectionId", collection_id);
  f.add("AirSync:ServerId", server_id);
  if (!prefs.empty()) {
    element& o = f.add("ItemOperations:Options");
    for (const auto& p : prefs) o.add(body_preference_element(p, at_least_14(version())));
  }
  field_list headers;
  if (multipart) headers.emplace_back("MS-ASAcceptMultiPart", "T");
  return read_fetch(send("ItemOperations", req, headers), multipart, anomalies);
}

eas_response eas_device::get_attachment(const std::string& file_reference) {
  auto r = client_.command("GetAttachment", nullptr, {{"AttachmentName", file_reference}});
  ++requests;
  bytes_received += r.body.size();
  if (observer) observer("GetAttachment", r);
  return r;
}

std::vector<move_result> eas_device::move_items(const std::vector<std::string>& server_ids, const std::string& src,
                                                const std::string& dst) {
  element req = element::named("Move:MoveItems");
  for (const auto& id : server_ids) {
    element& m = req.add("Move:Move");
    m.add("Move:SrcMsgId", id);
    m.add("Move:SrcFldId", src);
    m.add("Move:DstFldId", dst);
  }
  auto r = send("MoveItems", req);
  std::vector<move_result> out;
  if (!r.document) return out;
  for (const element* resp : children(*r.document, "Move:Response")) {
    move_result m{text_of(*resp, "Move:SrcMsgId"), to_unsigned(text_of(*resp, "Move:Status")),
                  text_of(*resp, "Move:DstMsgId")};
    if (m.status == 3) {
      auto s = folders_.find(src);
      auto d = folders_.find(dst);
      if (s != folders_.end() && d != folders_.end()) {
        auto it = s->second.items.find(m.src_id);
        if (it != s->second.items.end()) {
          device_item item = std::move(it->second);
          s->second.items.erase(it);
          item.server_id = m.dst_id;
          d->second.items[m.dst_id] = std::move(item);
        }
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

unsigned eas_device::empty_folder(const std::string& collection_id, bool delete_subfolders) {
  element req = element::named("ItemOperations:ItemOperations");
  element& e = req.add("ItemOperations:EmptyFolderContents");
  e.add("AirSync:CollectionId", collection_id);
  if (delete_subfolders) e.add("ItemOperations:Options").add("ItemOperations:DeleteSubFolders");
  auto r = send("ItemOperations", req);
  if (!r.document) return 0;
  const element* resp = r.document->child("ItemOperations:Response");
  const element* efc = resp ? resp->child("ItemOperations:EmptyFolderContents") : nullptr;
  return to_unsigned(text_of(efc ? *efc : *r.document, "ItemOperations:Status"));
}

}  // namespace easd::test
