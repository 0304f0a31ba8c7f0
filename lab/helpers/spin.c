/* spin SECONDS [DELAY_S] [RESULT_FILE]
 * Sleeps DELAY_S (so the exec and start-up cost is out of the way), then one thread busy-loops
 * for SECONDS of wall-clock time. Around the loop it reads usage_usec, nr_periods and
 * nr_throttled from its OWN cgroup's cpu.stat (found through /proc/self/cgroup), so the kernel's
 * figures cover exactly the loop. Writes
 *   wall_us=W cpu_us=C usage0=U0 usage1=U1 periods0=P0 periods1=P1 throttled0=T0 throttled1=T1
 * to RESULT_FILE (and stdout). Kernel-lab helper for the cpu.max scenario. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(clockid_t c) { struct timespec t; clock_gettime(c, &t); return t.tv_sec + t.tv_nsec / 1e9; }

static char stat_path[8192];

static void find_cpu_stat(void) {
    FILE *f = fopen("/proc/self/cgroup", "r");
    char line[4096];
    stat_path[0] = 0;
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "0::", 3) == 0) {
            line[strcspn(line, "\n")] = 0;
            snprintf(stat_path, sizeof stat_path, "/sys/fs/cgroup%s/cpu.stat", line + 3);
        }
    }
    fclose(f);
}

static long stat_val(const char *key) {
    FILE *f = fopen(stat_path, "r");
    char k[64]; long v, r = -1;
    if (!f) return -1;
    while (fscanf(f, "%63s %ld", k, &v) == 2) if (strcmp(k, key) == 0) { r = v; break; }
    fclose(f);
    return r;
}

int main(int argc, char **argv) {
    double secs = argc > 1 ? atof(argv[1]) : 5;
    double delay = argc > 2 ? atof(argv[2]) : 0;
    if (delay > 0) { struct timespec d = { (time_t) delay, (long) ((delay - (long) delay) * 1e9) }; nanosleep(&d, NULL); }
    find_cpu_stat();
    long u0 = stat_val("usage_usec"), p0 = stat_val("nr_periods"), t0 = stat_val("nr_throttled");
    double start = now(CLOCK_MONOTONIC), cpu0 = now(CLOCK_PROCESS_CPUTIME_ID);
    volatile unsigned long n = 0;
    while (now(CLOCK_MONOTONIC) - start < secs) for (int i = 0; i < 10000; i++) n++;
    double wall = now(CLOCK_MONOTONIC) - start, cpu = now(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
    long u1 = stat_val("usage_usec"), p1 = stat_val("nr_periods"), t1 = stat_val("nr_throttled");
    char line[512];
    snprintf(line, sizeof line, "wall_us=%ld cpu_us=%ld usage0=%ld usage1=%ld periods0=%ld periods1=%ld throttled0=%ld throttled1=%ld\n",
             (long) (wall * 1e6), (long) (cpu * 1e6), u0, u1, p0, p1, t0, t1);
    fputs(line, stdout);
    if (argc > 3) { FILE *f = fopen(argv[3], "w"); if (f) { fputs(line, f); fclose(f); } }
    return 0;
}
