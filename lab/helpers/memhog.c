/* memhog MIB [STEP_MS] [HOLD_S] [PROGRESS_FILE]
 * Allocates MIB mebibytes one MiB at a time, touching every page, sleeping STEP_MS between
 * steps; then holds the memory for HOLD_S seconds. Writes "allocated N" to PROGRESS_FILE
 * (overwritten) after every MiB so the suite can watch how far it got. Kernel-lab helper:
 * it runs only inside the throwaway VM, inside a box with a memory limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

static void progress(const char *path, long n, const char *state) {
    if (!path) return;
    FILE *f = fopen(path, "w");
    if (!f) return;
    fprintf(f, "%s %ld\n", state, n);
    fclose(f);
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: memhog MIB [STEP_MS] [HOLD_S] [PROGRESS_FILE]\n"); return 2; }
    long mib = atol(argv[1]);
    long step_ms = argc > 2 ? atol(argv[2]) : 0;
    long hold_s = argc > 3 ? atol(argv[3]) : 0;
    const char *pf = argc > 4 ? argv[4] : NULL;
    long page = sysconf(_SC_PAGESIZE);
    for (long i = 0; i < mib; i++) {
        char *p = malloc(1 << 20);
        if (!p) { fprintf(stderr, "malloc failed at %ld MiB\n", i); progress(pf, i, "failed"); return 1; }
        for (long off = 0; off < (1 << 20); off += page) p[off] = (char) (i + off);
        progress(pf, i + 1, "allocated");
        if (step_ms > 0) { struct timespec ts = { step_ms / 1000, (step_ms % 1000) * 1000000L }; nanosleep(&ts, NULL); }
    }
    printf("memhog: allocated %ld MiB\n", mib);
    fflush(stdout);
    progress(pf, mib, "holding");
    if (hold_s > 0) sleep((unsigned) hold_s);
    progress(pf, mib, "done");
    return 0;
}
