# Per-target build settings: warnings as errors and the optional sanitizers.
# Nothing here touches global flags; every newsq target calls newsq_configure_target().

function(newsq_configure_target target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror
                         # GCC 12 reports false -Wrestrict at -O3 in libstdc++ (GCC bug 105651).
                         $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
  if(NEWSQ_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  # With the fuzz targets (clang only: the fuzz and asan-ubsan presets): coverage instrumentation
  # for libFuzzer in the newsq libraries, so the fuzzers see the branches of the code they drive;
  # the fuzz targets add the libFuzzer main themselves (tests/fuzz/CMakeLists.txt). The tests and
  # programs of the same build do without it.
  get_target_property(type ${target} TYPE)
  if(NEWSQ_BUILD_FUZZ AND type STREQUAL "STATIC_LIBRARY")
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link)
  endif()
  if(NEWSQ_TSAN)
    target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer
                           # GCC 12's -Wformat-truncation loses the value ranges under TSan at -O0
                           # and flags snprintf calls sized for real dates (access_log.cpp).
                           $<$<CXX_COMPILER_ID:GNU>:-Wno-format-truncation>)
    target_link_options(${target} PRIVATE -fsanitize=thread)
  endif()
endfunction()
