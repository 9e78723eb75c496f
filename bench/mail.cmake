# mail_sync_bench: initial / no-change Sync and FolderSync of the real easd against Dovecot on loopback
# (bench/mail_sync_bench.cpp; results and method in bench/RESULTS.md "Mail sync"). It starts services
# through the test support library, so it exists only with EASD_BUILD_TESTS. Run it with
#   ninja -C BUILD run_mail_sync_bench      (or BUILD/bench/mail_sync_bench --sizes 1000 --windows 100)
if(TARGET easd_test_support)
  add_executable(mail_sync_bench ${CMAKE_CURRENT_SOURCE_DIR}/mail_sync_bench.cpp)
  target_link_libraries(mail_sync_bench PRIVATE easd_test_support easd_wbxml easd_warnings)
  target_include_directories(mail_sync_bench PRIVATE ${PROJECT_SOURCE_DIR})
  if(TARGET easd)
    add_dependencies(mail_sync_bench easd)
  endif()
  add_custom_target(run_mail_sync_bench
    COMMAND mail_sync_bench --sizes 1000,10000 --windows 100,512 --iterations 200
    COMMAND mail_sync_bench --no-condstore --sizes 1000 --windows 100 --iterations 100
    DEPENDS mail_sync_bench
    USES_TERMINAL
    COMMENT "mail_sync_bench against Dovecot with and without CONDSTORE")
endif()
