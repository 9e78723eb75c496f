# Sources of this area: target_sources(easd_protocol PRIVATE ...)
target_sources(easd_protocol PRIVATE
  commands/get_attachment.cpp
  commands/get_item_estimate.cpp
  commands/item_operations.cpp
  commands/item_operations_attachment.cpp
  commands/item_operations_empty.cpp
  commands/item_operations_fetch.cpp
  commands/item_operations_move.cpp
  commands/item_operations_multipart.cpp
  commands/move_items.cpp
)
# g++ 12 inlines coroutine ramps and then warns falsely that Asio's frame allocator does not match its
# operator delete (the same suppression as sync.cmake and backend/imap/client).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set_source_files_properties(
    commands/get_attachment.cpp commands/get_item_estimate.cpp commands/item_operations.cpp
    commands/item_operations_attachment.cpp commands/item_operations_empty.cpp commands/item_operations_fetch.cpp
    commands/item_operations_move.cpp commands/move_items.cpp
    TARGET_DIRECTORY easd_protocol
    PROPERTIES COMPILE_OPTIONS -Wno-mismatched-new-delete)
endif()
