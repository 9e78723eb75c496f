# Compiler flags shared by every easd target, applied through the easd_warnings interface target.
add_library(easd_warnings INTERFACE)
target_compile_options(easd_warnings INTERFACE -Wall -Wextra -Wpedantic
  $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local> $<$<CXX_COMPILER_ID:Clang>:-Wshadow-uncaptured-local>)
if(EASD_WERROR)
  target_compile_options(easd_warnings INTERFACE -Werror)
endif()
# Boost.Asio: no deprecated interfaces; coroutines from the standard library.
target_compile_definitions(easd_warnings INTERFACE
  BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_HAS_CO_AWAIT)

if(EASD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
    $<$<CXX_COMPILER_ID:Clang>:-fno-sanitize=function>)
  add_link_options(-fsanitize=address,undefined)
endif()

if(EASD_BUILD_FUZZERS)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "EASD_BUILD_FUZZERS needs clang: configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # Instrument all project code for coverage-guided fuzzing; the fuzzer main is linked per target.
  # -fsanitize=function cannot compile coroutines in clang 14 ("difference across sections").
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# easd_library(NAME SOURCES... ) — a static library with the project's warnings and include root.
function(easd_library name)
  add_library(${name} STATIC ${ARGN})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE easd_warnings)
endfunction()
