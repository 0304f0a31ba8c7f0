// The kernel floor of reaping orphan cgroups, with no boxd in the way: for every directory
// under DIR, cgroup.kill, wait for "populated 0" in cgroup.events, rmdir (retrying EBUSY).
//   floor DIR serial   one cgroup at a time, kill then wait then rmdir (what one thread can do)
//   floor DIR batch    cgroup.kill every cgroup first, then wait and rmdir each
// Prints: cgroups, total ms, ms per cgroup.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void kill1(const char *d) {
    char path[4096];
    snprintf(path, sizeof path, "%s/cgroup.kill", d);
    int fd = open(path, O_WRONLY);
    if (fd >= 0) { (void) write(fd, "1", 1); close(fd); }
}

static int populated(const char *d) {
    char path[4096], buf[256];
    snprintf(path, sizeof path, "%s/cgroup.events", d);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    return strstr(buf, "populated 1") != NULL;
}

static void rm(const char *d) {
    while (populated(d)) usleep(20);
    while (rmdir(d) != 0) {
        if (errno == ENOENT) return;
        if (errno != EBUSY) { perror(d); exit(1); }
        usleep(50);
    }
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: floor DIR serial|batch\n"); return 2; }
    int batch = strcmp(argv[2], "batch") == 0;
    DIR *dp = opendir(argv[1]);
    if (!dp) { perror(argv[1]); return 1; }
    size_t cap = 1024, n = 0;
    char **dirs = malloc(cap * sizeof *dirs);
    struct dirent *e;
    while ((e = readdir(dp))) {
        if (e->d_type != DT_DIR || e->d_name[0] == '.') continue;
        if (n == cap) dirs = realloc(dirs, (cap *= 2) * sizeof *dirs);
        if (asprintf(&dirs[n++], "%s/%s", argv[1], e->d_name) < 0) return 1;
    }
    closedir(dp);
    long long t0 = now();
    if (batch) {
        for (size_t i = 0; i < n; i++) kill1(dirs[i]);
        for (size_t i = 0; i < n; i++) rm(dirs[i]);
    } else {
        for (size_t i = 0; i < n; i++) { kill1(dirs[i]); rm(dirs[i]); }
    }
    double ms = (now() - t0) / 1e6;
    printf("%zu %.0f %.3f\n", n, ms, n ? ms / n : 0.0);
    return 0;
}
