# Compiler flags of the fuzz build (DATALAKE_FUZZ=ON), included before any target is defined so
# that the product libraries are instrumented too: coverage for libFuzzer, ASan, UBSan (every
# report fatal), and assertions kept on (-UNDEBUG). The fuzz targets link libFuzzer's main
# (-fsanitize=fuzzer) in fuzz/CMakeLists.txt.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "DATALAKE_FUZZ needs clang++ (-DCMAKE_CXX_COMPILER=clang++): libFuzzer is "
                      "part of clang's runtime (Debian: clang, libclang-rt-14-dev)")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                    -fno-omit-frame-pointer -g -UNDEBUG)
add_link_options(-fsanitize=address,undefined)
# The top-level -Wno-restrict silences a g++ 12 false positive; clang does not know it.
add_compile_options(-Wno-unknown-warning-option)
