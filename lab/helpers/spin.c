/* spin SECONDS: one thread busy-loops for SECONDS of wall-clock time, then prints how much CPU
 * it got. Kernel-lab helper for the cpu.max scenario. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(clockid_t c) { struct timespec t; clock_gettime(c, &t); return t.tv_sec + t.tv_nsec / 1e9; }

int main(int argc, char **argv) {
    double secs = argc > 1 ? atof(argv[1]) : 5;
    double start = now(CLOCK_MONOTONIC), cpu0 = now(CLOCK_PROCESS_CPUTIME_ID);
    volatile unsigned long n = 0;
    while (now(CLOCK_MONOTONIC) - start < secs) for (int i = 0; i < 10000; i++) n++;
    printf("spin: wall=%.3fs cpu=%.3fs\n", now(CLOCK_MONOTONIC) - start, now(CLOCK_PROCESS_CPUTIME_ID) - cpu0);
    return 0;
}
