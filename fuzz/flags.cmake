# Compiler and linker flags for the libFuzzer build (-DVERDICT_FUZZ=ON, see fuzz/run).
# Included from the top-level CMakeLists.txt before any target is defined, so the
# libraries are instrumented too: coverage for libFuzzer (fuzzer-no-link) and
# ASan+UBSan with every finding fatal. The fuzz executables add -fsanitize=fuzzer.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "VERDICT_FUZZ needs clang: configure with CC=clang CXX=clang++")
endif()
set(VERDICT_FUZZ_SANITIZERS -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all)
add_compile_options(${VERDICT_FUZZ_SANITIZERS} -fno-omit-frame-pointer -g)
add_link_options(-fsanitize=address,undefined)

# Warnings clang raises in project code that g++ does not; fix the code, then drop these.
set(VERDICT_FUZZ_WNO)
add_compile_options(${VERDICT_FUZZ_WNO})
