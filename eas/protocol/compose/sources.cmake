# Sources of this area: our own bounded MIME for sending (issue 6; ARCHITECTURE.md §1 "MIME").
target_sources(easd_protocol PRIVATE
  compose/address_list.cpp
  compose/compose_parts.cpp
  compose/error.cpp
  compose/forward_compose.cpp
  compose/header_block.cpp
  compose/mime_parts.cpp
  compose/mime_writer.cpp
  compose/outgoing.cpp
  compose/reply_compose.cpp
)
# Message-IDs and boundaries come from OpenSSL's CSPRNG (mime_writer.cpp).
target_link_libraries(easd_protocol PRIVATE OpenSSL::Crypto)
