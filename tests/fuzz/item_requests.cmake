# MoveItems, ItemOperations, GetItemEstimate and GetAttachment requests are device input all the way down
# to the mail store: the whole decoded request goes through the real dispatcher and handlers, against a
# fresh fake mail store per input and one temporary SQLite state store.
easd_fuzzer(item_requests SOURCE item_requests_fuzz.cpp LIBS easd_protocol easd_backend_fake easd_state)
