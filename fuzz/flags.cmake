# Compiler flags of the fuzz build (DATALAKE_FUZZ=ON), included before any target is defined so
# that the product libraries are instrumented too: coverage for libFuzzer (-fsanitize=
# fuzzer-no-link; the sanitizers come from DATALAKE_SANITIZE, ASan and UBSan by default) and
# assertions kept on (-UNDEBUG). The fuzz targets link libFuzzer's main (-fsanitize=fuzzer) in
# fuzz/CMakeLists.txt. The other programs of the build (unit tests, the connector) keep working:
# the sanitizer runtime has no-op coverage callbacks, so one build serves the fuzzing and the
# sanitizer test runs (scripts/sanitize.sh).
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "DATALAKE_FUZZ needs clang++ (-DCMAKE_CXX_COMPILER=clang++): libFuzzer is "
                      "part of clang's runtime (Debian: clang, libclang-rt-14-dev)")
endif()
add_compile_options(-fsanitize=fuzzer-no-link -UNDEBUG)
