# push_load: the push load generator of issue 4 — thousands of simulated phones (FolderSync, Sync, then
# Ping in a loop) against the real easd, Dovecot (and Redis for two nodes) on loopback; measures held-Ping
# memory and CPU, IMAP connections and push latency (bench/push_load.cpp; results and method in
# bench/RESULTS.md "Push"). It starts services through the test support library, so it exists only with
# EASD_BUILD_TESTS. Run it with
#   ninja -C BUILD run_push_bench      (or BUILD/bench/push_load --steps 1000 --samples 50; --help)
if(TARGET easd_test_support)
  add_library(easd_push_load STATIC
    ${CMAKE_CURRENT_SOURCE_DIR}/push_http.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/push_device.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/push_fleet.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/push_options.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/push_proc.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/push_servers.cpp)
  target_include_directories(easd_push_load PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(easd_push_load PUBLIC easd_test_support easd_wbxml easd_core PRIVATE easd_warnings)
  # Coroutine-heavy code: g++ 12 warns wrongly about the frames' new/delete.
  target_compile_options(easd_push_load PRIVATE $<$<CXX_COMPILER_ID:GNU>:-Wno-mismatched-new-delete>)

  add_executable(push_load ${CMAKE_CURRENT_SOURCE_DIR}/push_load.cpp)
  target_link_libraries(push_load PRIVATE easd_push_load easd_warnings)
  if(TARGET easd)
    add_dependencies(push_load easd)
  endif()

  if(COMMAND easd_test)
    easd_test(push_load_test SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/push_load_test.cpp LIBS easd_push_load)
  endif()

  # The issue's numbers: 10,000 held Pings over TLS and over plain HTTP with 200 latency samples each,
  # and latency with a single Ping held — with IMAP NOTIFY, then with Dovecot's push plugin. One run at a time; the machine should be otherwise quiet.
  add_custom_target(run_push_bench
    COMMAND push_load --steps 0 --samples 200
    COMMAND push_load --steps 5000,10000 --samples 200 --rate 50
    COMMAND push_load --plain --steps 5000,10000 --samples 200
    COMMAND push_load --nodes 2 --probe-devices 2 --steps 5000,10000 --samples 200 --rate 50
    COMMAND push_load --push-plugin --steps 0 --samples 200
    COMMAND push_load --push-plugin --steps 5000,10000 --samples 200 --rate 50
    COMMAND push_load --push-plugin --plain --steps 5000,10000 --samples 200
    COMMAND push_load --push-plugin --nodes 2 --probe-devices 2 --steps 5000,10000 --samples 200 --rate 50
    DEPENDS push_load
    USES_TERMINAL
    COMMENT "push_load: held Pings and push latency against easd + Dovecot on loopback")
endif()
