/*
 * fuzz/replay.c - a main() for the fuzz targets without libFuzzer: runs
 * LLVMFuzzerTestOneInput once on each input file, so saved crash inputs
 * (tests/data/fuzz-regress/) replay under any compiler in plain CTest and
 * under ASan/UBSan (tests/fuzz.cmake builds one replay_<target> per
 * target).
 *
 *   replay_fuzz_pages DIR [PREFIX]   every regular file in DIR whose name
 *                                    starts with PREFIX (all when absent)
 *   replay_fuzz_pages FILE...        the given files
 *
 * Prints one line per input; exits 0 when every input ran (a violated
 * invariant aborts inside the target, which fails the test), 1 when an
 * input could not be read or none matched.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_util.h"

static int run_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        perror(path);
        return 1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *b = malloc(cap);
    size_t got;
    while (b && (got = fread(b + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    fclose(fp);
    if (!b) {
        fprintf(stderr, "%s: out of memory\n", path);
        return 1;
    }
    /* an exactly-sized copy, so a read past the input is caught by ASan */
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact) {
        free(b);
        return 1;
    }
    memcpy(exact, b, n);
    free(b);
    printf("replay %s (%zu bytes)\n", path, n);
    fflush(stdout);
    LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    struct stat st;
    if (argc < 2) {
        fprintf(stderr, "usage: %s DIR [PREFIX] | FILE...\n", argv[0]);
        return 1;
    }
    if (stat(argv[1], &st) == 0 && S_ISDIR(st.st_mode)) {
        const char *prefix = argc > 2 ? argv[2] : "";
        DIR *d = opendir(argv[1]);
        if (!d) {
            perror(argv[1]);
            return 1;
        }
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 || e->d_name[0] == '.')
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                char **nn = realloc(names, cap * sizeof *names);
                if (!nn)
                    return 1;
                names = nn;
            }
            names[n] = malloc(strlen(argv[1]) + strlen(e->d_name) + 2);
            if (!names[n])
                return 1;
            sprintf(names[n], "%s/%s", argv[1], e->d_name);
            n++;
        }
        closedir(d);
        if (n)
            qsort(names, n, sizeof *names, cmp_str);
        int rc = n ? 0 : 1;
        if (!n)
            fprintf(stderr, "%s: no input named %s*\n", argv[1], prefix);
        for (size_t i = 0; i < n; i++) {
            rc |= run_file(names[i]);
            free(names[i]);
        }
        free(names);
        return rc;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= run_file(argv[i]);
    return rc;
}
