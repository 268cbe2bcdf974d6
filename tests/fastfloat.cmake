# tests/fastfloat.cmake - the committed power-of-five table of the number
# parser (src/common/fastfloat_table.h) is what its generator writes:
# fastfloat_table reruns scripts/gen_fastfloat_table.py and compares
# (skipped, exit 77, without python3).  The parser itself is tested by the
# cmocka test test_fastfloat (DCCD_FASTFLOAT_CASES random cases, default
# 2,000,000) and fuzzed by fuzz/fuzz_fastfloat.c.
add_test(NAME fastfloat_table
  COMMAND sh -c "command -v python3 >/dev/null || exit 77; python3 \"$0\" \"$1\" && cmp \"$1\" \"$2\""
    ${CMAKE_SOURCE_DIR}/scripts/gen_fastfloat_table.py ${CMAKE_CURRENT_BINARY_DIR}/fastfloat_table.h
    ${CMAKE_SOURCE_DIR}/src/common/fastfloat_table.h)
set_tests_properties(fastfloat_table PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60)
