# bench_wbxml: easd's WBXML codec vs libwbxml (Debian 12, the test oracle) on a 100-email Sync response,
# plus the cost of rejecting the hostile inputs. Results and method: bench/RESULTS.md "WBXML codec".
add_executable(bench_wbxml ${CMAKE_CURRENT_SOURCE_DIR}/wbxml_bench.cpp)
target_link_libraries(bench_wbxml PRIVATE easd_wbxml benchmark::benchmark PkgConfig::LIBWBXML easd_warnings)
target_include_directories(bench_wbxml PRIVATE ${PROJECT_SOURCE_DIR})
