/* forkbomb TRIES [RESULT_FILE]
 * A bounded fork bomb: tries exactly TRIES forks from one parent (children never fork). Every
 * child that is born pauses until it is killed, so all successful forks are alive at once.
 * Writes "ok=N failed=M first_errno=E" to RESULT_FILE (and stdout), then the parent pauses too.
 * Kernel-lab helper: it runs only inside the throwaway VM, inside a box with pids.max set. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: forkbomb TRIES [RESULT_FILE]\n"); return 2; }
    long tries = atol(argv[1]);
    if (tries < 0 || tries > 100000) return 2;
    long ok = 0, failed = 0; int first_errno = 0;
    for (long i = 0; i < tries; i++) {
        pid_t p = fork();
        if (p == 0) { for (;;) pause(); }
        if (p > 0) ok++;
        else { failed++; if (!first_errno) first_errno = errno; }
    }
    char line[160];
    snprintf(line, sizeof line, "ok=%ld failed=%ld first_errno=%d (%s)\n", ok, failed, first_errno,
             first_errno ? strerror(first_errno) : "none");
    fputs(line, stdout); fflush(stdout);
    if (argc > 2) { FILE *f = fopen(argv[2], "w"); if (f) { fputs(line, f); fclose(f); } }
    for (;;) pause();
}
