// A phone's mail state machine over eas_client, for integration tests and bench/: it builds FolderSync,
// Folder{Create,Update,Delete}, Sync, GetItemEstimate, ItemOperations, MoveItems and GetAttachment
// requests, keeps the folder hierarchy, the sync keys and the items it was sent (ServerId → subject, read,
// flag, body, attachments) and applies responses the way a careful client does.
//
// It also records what a careful client would complain about, so tests can assert there was none:
// `anomalies` (an Add for a ServerId it already has, a Change or Delete for one it never had, a response
// it could not read) and `resyncs` (Status 3 / 9 made it start a collection or the hierarchy again).
//
// A "lost response" is modelled by sending a request and not applying the answer (send_sync and
// lose_next): the next request then goes out with the old key, as after a dropped connection.
//
// ServerIds are opaque to the device; only tests that check easd's documented formats look inside.
// Not thread-safe.
#pragma once

#include "tests/support/eas_client.hpp"

#include "eas/wbxml/element.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace easd::test {

struct device_attachment {
  std::string file_reference;
  std::string display_name;
  std::string content_id;
  bool is_inline = false;
  std::uint64_t estimated_size = 0;
};

struct device_item {
  std::string server_id;
  std::string subject;
  std::string from;
  std::string message_class;
  bool read = false;
  std::string flag_status;   // "" no flag, "1" complete, "2" flagged ([MS-ASEMAIL] 2.2.2.35)
  unsigned body_type = 0;    // AirSyncBase:Body/Type of the last Add/Change/Fetch with a body
  std::string body;          // its Data
  bool body_truncated = false;
  std::uint64_t body_estimated_size = 0;
  std::vector<device_attachment> attachments;
  wbxml::element data;  // the ApplicationData of the last Add (properties not modelled above)
  bool flagged() const { return flag_status == "2"; }
};

struct device_folder {
  std::string server_id;
  std::string parent_id;
  std::string display_name;
  unsigned type = 0;
  std::string sync_key = "0";  // Sync key of the collection; "0" until primed
  std::map<std::string, device_item> items;
  // Items dropped because the server answered a Change or Fetch with Status 8 (gone): the server still
  // sends their Delete later, which is then expected, not an anomaly.
  std::set<std::string> gone;
};

struct body_preference {
  unsigned type = 2;  // 1 plain, 2 HTML, 3 RTF, 4 MIME
  std::optional<std::uint32_t> truncation_size;
  std::optional<bool> all_or_none;
  std::optional<unsigned> preview;  // 14.0+
};

struct sync_options {
  std::optional<unsigned> window_size = 100;
  std::optional<unsigned> filter_type;
  std::vector<body_preference> body_preferences = {body_preference{2, 51200, std::nullopt, std::nullopt}};
  std::optional<unsigned> mime_support;
  std::optional<bool> deletes_as_moves;
  std::optional<unsigned> conflict;
  bool get_changes = true;     // sent as <GetChanges/> on non-initial requests
};

// A change the device makes locally and sends in Sync/Commands.
struct client_change {
  enum kind_t { read, flag, remove, fetch } kind = read;
  std::string server_id;
  bool value = true;  // read: Read 1/0; flag: flagged (Status 2) or cleared (empty Flag)
};

struct sync_round {
  eas_response response;
  std::optional<unsigned> top_status;  // Sync/Status (global error)
  unsigned status = 0;                 // Collection/Status
  std::string sync_key;                // the new key ("" when absent)
  bool more_available = false;
  unsigned adds = 0, changes = 0, deletes = 0, soft_deletes = 0;
  std::map<std::string, unsigned> item_status;  // Responses/Change|Delete|Fetch: ServerId → Status
  std::vector<wbxml::element> fetched;           // Responses/Fetch ApplicationData
  bool empty_body = false;                       // HTTP 200 with no body (nothing changed)
};

struct sync_totals {
  unsigned requests = 0;
  std::uint64_t bytes = 0;  // response bodies
  unsigned adds = 0, changes = 0, deletes = 0, soft_deletes = 0;
  unsigned last_status = 0;
  std::optional<unsigned> top_status;
};

struct folder_sync_round {
  eas_response response;
  unsigned status = 0;
  unsigned adds = 0, updates = 0, deletes = 0;
};

struct fetched_item {
  unsigned status = 0;      // ItemOperations/Response/Fetch/Status (or the top-level one when absent)
  std::string content_type;
  std::string bytes;        // decoded Data, or the multipart part
  wbxml::element properties;
  eas_response response;
};

struct move_result {
  std::string src_id;
  unsigned status = 0;
  std::string dst_id;
};

class eas_device {
public:
  explicit eas_device(eas_client& client) : client_(client) {}

  eas_client& client() noexcept { return client_; }
  std::string version() const { return client_.config().protocol_version; }

  // Called with every response (the tests validate each against the schemas).
  std::function<void(std::string_view command, const eas_response&)> observer;

  // --- hierarchy -------------------------------------------------------------------------------------
  const std::string& folder_key() const noexcept { return folder_key_; }
  std::map<std::string, device_folder>& folders() noexcept { return folders_; }
  // The folder of a type (2 Inbox, 4 Deleted Items, ...) or with a display name; nullptr if none.
  device_folder* folder_of_type(unsigned type);
  device_folder* folder_named(std::string_view display_name);
  device_folder& folder(const std::string& server_id);

  folder_sync_round folder_sync();
  // Each returns the Status; on success the device applies the change and takes the new key.
  unsigned folder_create(const std::string& parent_id, const std::string& name, unsigned type, std::string* new_id = nullptr);
  unsigned folder_update(const std::string& server_id, const std::string& parent_id, const std::string& name);
  unsigned folder_delete(const std::string& server_id);

  // --- Sync ------------------------------------------------------------------------------------------
  wbxml::element sync_request(const device_folder& f, const sync_options& opts,
                              const std::vector<client_change>& changes) const;
  // One Sync of one collection: sends (key 0 primes), applies the response, returns what came.
  // Local changes are applied to the device's copy when sent (as phones do).
  sync_round sync(const std::string& collection_id, const sync_options& opts = {},
                  const std::vector<client_change>& changes = {});
  // Sends the Sync a device would send and throws the answer away: the device state does not move.
  sync_round send_sync_and_lose(const std::string& collection_id, const sync_options& opts = {},
                                const std::vector<client_change>& changes = {});
  // Primes (key 0) if needed, then syncs while MoreAvailable (at most max_rounds requests).
  sync_totals sync_all(const std::string& collection_id, const sync_options& opts = {}, unsigned max_rounds = 10000);

  // --- other commands --------------------------------------------------------------------------------
  // GetItemEstimate for one collection: {Response/Status, Estimate}.
  std::pair<unsigned, std::optional<std::uint64_t>> estimate(const std::string& collection_id,
                                                             std::optional<unsigned> filter_type = {});
  fetched_item fetch_attachment(const std::string& file_reference, bool multipart = false);
  fetched_item fetch_item(const std::string& collection_id, const std::string& server_id,
                          std::vector<body_preference> prefs = {body_preference{}}, bool multipart = false);
  // 12.1 GetAttachment ([MS-ASCMD] 2.2.1.7): the HTTP status and body.
  eas_response get_attachment(const std::string& file_reference);
  // MoveItems; successful moves are applied to the device's folders (item re-keyed to DstMsgId).
  std::vector<move_result> move_items(const std::vector<std::string>& server_ids, const std::string& src,
                                      const std::string& dst);
  // ItemOperations EmptyFolderContents: the operation's Status.
  unsigned empty_folder(const std::string& collection_id, bool delete_subfolders);

  // --- what went wrong -------------------------------------------------------------------------------
  std::vector<std::string> anomalies;
  unsigned resyncs = 0;         // Sync Status 3 (collection) and FolderSync Status 9
  unsigned requests = 0;
  std::uint64_t bytes_received = 0;

  // Applies a Sync response document to the folder (public for hermetic tests of the model).
  sync_round apply_sync(device_folder& f, eas_response response, bool apply = true);
  folder_sync_round apply_folder_sync(eas_response response);

private:
  eas_response send(std::string_view cmd, const wbxml::element& request, const field_list& headers = {});
  void note(std::string what) { anomalies.push_back(std::move(what)); }

  eas_client& client_;
  std::string folder_key_ = "0";
  std::map<std::string, device_folder> folders_;
};

// Reads an ApplicationData (or ItemOperations Properties) element into an item.
void read_email(const wbxml::element& data, device_item& item);
// The parts of an application/vnd.ms-sync.multipart body ([MS-ASCMD] 2.2.1.10.1); nullopt when malformed.
std::optional<std::vector<std::string>> split_multipart(std::string_view body);
// "Namespace:Name" of a child text, "" when absent.
std::string text_of(const wbxml::element& e, std::string_view qualified_name);

}  // namespace easd::test
