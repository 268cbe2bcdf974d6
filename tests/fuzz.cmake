# tests/fuzz.cmake - replays the saved fuzz inputs in plain CTest (any
# compiler, and under ASan/UBSan in the sanitizer build).  Included by
# tests/CMakeLists.txt.
#
# Each fuzz target (fuzz/fuzz_<name>.c) is built once more as replay_<name>
# with fuzz/replay.c as its main() instead of libFuzzer, linked to
# dccd_static, and the test fuzz_regress_<name> runs it on every file
# tests/data/fuzz-regress/<name>-* (reader-, chunk-, canon-, footer-, pages-, domain-,
# textin-, fastfloat-).  A target's invariant checks abort on a violation, so a
# regression fails the test.  The targeted assertions on the same inputs
# (error code expected for each) are in tests/unit/test_fuzz_regress.c.
set(_fz_dir ${CMAKE_SOURCE_DIR}/fuzz)
set(_fz_data ${CMAKE_SOURCE_DIR}/tests/data/fuzz-regress)
set(_fz_names reader chunk canon footer pages domain fastfloat)
if(EXISTS ${CMAKE_SOURCE_DIR}/src/cli/textin.c)
  list(APPEND _fz_names textin)
endif()
foreach(_n ${_fz_names})
  file(GLOB _inputs ${_fz_data}/${_n}-*)
  if(NOT _inputs)
    continue()
  endif()
  add_executable(replay_${_n} ${_fz_dir}/fuzz_${_n}.c ${_fz_dir}/replay.c)
  target_include_directories(replay_${_n} PRIVATE ${_fz_dir} ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/src/cli
    ${CMAKE_SOURCE_DIR}/include)
  target_compile_options(replay_${_n} PRIVATE ${DCCD_WARN})
  if(_n STREQUAL textin)
    # the CLI objects as an archive, so only what the importer needs is linked
    add_library(dccd_replay_cli STATIC $<TARGET_OBJECTS:dccd_cli_objs>)
    target_link_libraries(dccd_replay_cli PUBLIC dccd_static)
    target_link_libraries(replay_${_n} PRIVATE dccd_replay_cli dccd_static)
  else()
    target_link_libraries(replay_${_n} PRIVATE dccd_static)
  endif()
  add_test(NAME fuzz_regress_${_n} COMMAND replay_${_n} ${_fz_data} ${_n}-)
  set_tests_properties(fuzz_regress_${_n} PROPERTIES TIMEOUT 120 LABELS fuzz)
endforeach()
