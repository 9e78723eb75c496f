# Push messages arrive from Redis, i.e. from other nodes or whoever can write to the channel: fuzz decode.
easd_fuzzer(push_message SOURCE push_message_fuzz.cpp LIBS easd_push)
