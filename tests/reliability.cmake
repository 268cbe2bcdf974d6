# tests/reliability.cmake - the reliability suite (issue 5; docs/RELIABILITY.md).
#   reltool     tests/reliability/*.c drivers (public API only)
#   faultshim   tests/reliability/faultshim.c, an LD_PRELOAD library that
#               fails the Nth call of an I/O function with a chosen errno
# CTest entries (label `reliability`) run the short forms, each well under a
# minute; `./dev.sh torture` runs tests/reliability/run.sh with
# DCCD_TORTURE=1 for the long forms.  A test lacking a privilege (mounting a
# tmpfs) or the preload shim exits 77: CTest reports it as skipped.
set(DCCD_REL_DIR ${CMAKE_CURRENT_SOURCE_DIR}/reliability)
file(GLOB DCCD_REL_SOURCES CONFIGURE_DEPENDS ${DCCD_REL_DIR}/rel*.c)
add_executable(reltool ${DCCD_REL_SOURCES})
target_include_directories(reltool PRIVATE ${CMAKE_SOURCE_DIR}/include ${DCCD_REL_DIR})
target_compile_options(reltool PRIVATE ${DCCD_WARN})
find_package(Threads REQUIRED)
target_link_libraries(reltool PRIVATE dccd_static Threads::Threads)

add_library(dccd_faultshim MODULE ${DCCD_REL_DIR}/faultshim.c)
target_compile_options(dccd_faultshim PRIVATE ${DCCD_WARN} -Wno-missing-prototypes)
target_link_libraries(dccd_faultshim PRIVATE ${CMAKE_DL_LIBS})
set_target_properties(dccd_faultshim PROPERTIES PREFIX "lib")

# Short forms (label `reliability`).  Scratch stores on /dev/shm when
# present (fsync there is free); the crash test uses the build tree's file
# system, where fsync is real.
set(_rel_shm /tmp)
if(EXISTS /dev/shm)
  set(_rel_shm /dev/shm)
endif()
function(dccd_rel_test name env)
  add_test(NAME reliability_${name} COMMAND reltool ${ARGN})
  set_tests_properties(reliability_${name} PROPERTIES
    ENVIRONMENT "${env}" SKIP_RETURN_CODE 77 TIMEOUT 120 LABELS reliability)
endfunction()
# (the short fault sweep - every write/fsync/rename call, every third
# open/close call - runs ~400 operations: ~20 s in the gcc build, minutes
# under ASan on a busy machine, hence its own timeout below; the long form
# in run.sh fails every call)
dccd_rel_test(crash "DCCD_REL_TMP=${CMAKE_CURRENT_BINARY_DIR}" crash --cycles 20 --writers 2)
dccd_rel_test(fault
  "DCCD_REL_TMP=${_rel_shm};LD_PRELOAD=$<TARGET_FILE:dccd_faultshim>;ASAN_OPTIONS=verify_asan_link_order=0"
  fault --stride 3)
set_tests_properties(reliability_fault PROPERTIES TIMEOUT 600)
dccd_rel_test(enospc "DCCD_REL_TMP=/tmp" enospc)
dccd_rel_test(conc "DCCD_REL_TMP=${_rel_shm}" conc --procs 3 --threads 3 --batches 24 --readers 2 --timeout 50)
dccd_rel_test(paths "DCCD_REL_TMP=${_rel_shm}" paths)
dccd_rel_test(temps "DCCD_REL_TMP=${_rel_shm}" temps)
dccd_rel_test(tidkey "DCCD_REL_TMP=${_rel_shm}" tidkey)
dccd_rel_test(mem "DCCD_REL_TMP=${_rel_shm}" mem --mults 10 --scan-limit-mb 6)
