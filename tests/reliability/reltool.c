/*
 * tests/reliability/reltool.c - the reliability drivers' entry point:
 * `reltool SUBCOMMAND [options]` runs one driver and exits 0 (passed),
 * 1 (failed), 2 (could not run) or 77 (skipped: a privilege or tool is
 * missing).  tests/reliability/run.sh and tests/reliability.cmake call it.
 *
 *   crash   kill -9 of writer processes, then full consistency checks
 *   fault   LD_PRELOAD fault sweep over every I/O call of a save/checkpoint
 *   enospc  a small tmpfs filling up mid-save
 *   conc    N processes x M threads saving, readers loading meanwhile
 *   paths   hostile names and planted symlinks
 *   mem     peak RSS of load and scan over files of 10x / 100x a row group
 *   temps   temporary files left by a crash are cleaned by the next writer
 *   tidkey  the trades key switching tid -> composite -> tid (known bug)
 */
#include <stdio.h>
#include <string.h>

#include "rel.h"

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {{"crash", rel_crash_main}, {"fault", rel_fault_main}, {"enospc", rel_enospc_main},
                {"conc", rel_conc_main},   {"paths", rel_paths_main}, {"mem", rel_mem_main},
                {"temps", rel_temps_main}, {"tidkey", rel_tidkey_main}};
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 2)
        for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
            if (!strcmp(argv[1], cmds[i].name))
                return cmds[i].fn(argc - 2, argv + 2);
    fprintf(stderr, "usage: reltool {crash|fault|enospc|conc|paths|mem|temps|tidkey} [options]\n");
    return 2;
}
