# Tests of the item commands: MoveItems, ItemOperations, GetAttachment, GetItemEstimate.
easd_test(items_test
  SOURCES
    move_items_test.cpp
    item_operations_test.cpp
    get_attachment_test.cpp
    get_item_estimate_test.cpp
  LIBS easd_protocol easd_backend_fake easd_state)
