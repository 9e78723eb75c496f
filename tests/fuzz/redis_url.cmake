# The [redis] url setting is parsed at start from the configuration file (STYLE.md 16).
easd_fuzzer(redis_url SOURCE redis_url_fuzz.cpp LIBS easd_core)
