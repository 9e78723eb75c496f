// Declarations of the parts of Debian 12's libwbxml 0.11.8 (libwbxml2-1) that the oracle tests and the
// benchmark use but libwbxml2-dev does not install headers for: the callback parser, the tree API and the
// ActiveSync tag table. The library exports these symbols; the layouts below are the library's public C
// structs (wbxml_tables.h, wbxml_elt.h, wbxml_handlers.h), written down from its documented fields.
// Test-only: easd itself never links libwbxml.
#pragma once

#include <wbxml/wbxml.h>

extern "C" {

// wbxml_tables.h: one tag of a language table.
struct WBXMLTagEntry {
  const char* xmlName;
  WB_UTINY wbxmlCodePage;
  WB_UTINY wbxmlToken;
  WB_ULONG options;  // WBXML_TAG_OPTION_BINARY = 0x1: content goes as OPAQUE
};
struct WBXMLLangEntry;
struct WBXMLBuffer;
struct WBXMLAttribute;
struct WBXMLTree;
struct WBXMLTreeNode;
typedef struct WBXMLParser_s WBXMLParser;

// wbxml_elt.h
enum WBXMLValueType { WBXML_VALUE_TOKEN = 0, WBXML_VALUE_LITERAL = 1 };
struct WBXMLTag {
  WBXMLValueType type;
  union {
    const WBXMLTagEntry* token;
    WBXMLBuffer* literal;  // the parser uses a literal "unknown" for tokens missing from its table
  } u;
};

// wbxml_handlers.h
struct WBXMLContentHandler {
  void (*start_document_clb)(void* ctx, WBXMLCharsetMIBEnum charset, const WBXMLLangEntry* lang);
  void (*end_document_clb)(void* ctx);
  void (*start_element_clb)(void* ctx, WBXMLTag* local_name, WBXMLAttribute** atts, WB_BOOL empty);
  void (*end_element_clb)(void* ctx, WBXMLTag* local_name, WB_BOOL empty);
  void (*characters_clb)(void* ctx, WB_UTINY* ch, WB_ULONG start, WB_ULONG length);
  void (*pi_clb)(void* ctx, const WB_UTINY* target, WB_UTINY* data);
};

// The AirSync/ActiveSync tag table (wbxml_tables.c), terminated by an entry with xmlName == NULL.
extern const WBXMLTagEntry sv_airsync_tag_table[];

// wbxml_parser.h
WBXMLParser* wbxml_parser_create(void);
void wbxml_parser_destroy(WBXMLParser* parser);
WBXMLError wbxml_parser_parse(WBXMLParser* parser, WB_UTINY* wbxml, WB_ULONG wbxml_len);
void wbxml_parser_set_user_data(WBXMLParser* parser, void* user_data);
void wbxml_parser_set_content_handler(WBXMLParser* parser, WBXMLContentHandler* handler);
WB_BOOL wbxml_parser_set_language(WBXMLParser* parser, WBXMLLanguage lang);

// wbxml_elt.h, wbxml_tree.h (0.11.8 signatures)
WBXMLTag* wbxml_tag_create_token(const WBXMLTagEntry* value);
void wbxml_tag_destroy(WBXMLTag* tag);
WBXMLTree* wbxml_tree_create(WBXMLLanguage lang, WBXMLCharsetMIBEnum orig_charset);
void wbxml_tree_destroy(WBXMLTree* tree);
WBXMLTreeNode* wbxml_tree_add_elt(WBXMLTree* tree, WBXMLTreeNode* parent, WBXMLTag* tag);
WBXMLTreeNode* wbxml_tree_add_text(WBXMLTree* tree, WBXMLTreeNode* parent, const WB_UTINY* text,
                                   WB_ULONG len);
WBXMLError wbxml_tree_from_wbxml(WB_UTINY* wbxml, WB_ULONG wbxml_len, WBXMLLanguage lang,
                                 WBXMLCharsetMIBEnum charset, WBXMLTree** tree);
WBXMLError wbxml_tree_to_wbxml(WBXMLTree* tree, WB_UTINY** wbxml, WB_ULONG* wbxml_len,
                               WBXMLGenWBXMLParams* params);

// wbxml_mem.h
void wbxml_free(void* memblock);

}  // extern "C"
