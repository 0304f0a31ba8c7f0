// Plants orphan cgroups for the reconcile benchmark, as a crashed boxd would leave them:
// N directories DIR/o<i>, the first M of them each holding one live `sleep` that was placed
// with no escape window (the child writes its own pid to cgroup.procs, then execs sleep).
// Prints "ready" once every child is in place, then stays alive only to reap its children, and
// exits when the last one is gone (so killed sleeps never linger as zombies).
// Usage: plant DIR N M [SECONDS]
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: plant DIR N M [SECONDS]\n"); return 2; }
    const char *dir = argv[1];
    int n = atoi(argv[2]), m = atoi(argv[3]);
    const char *secs = argc > 4 ? argv[4] : "3600";
    int p[2];
    if (pipe(p) != 0) { perror("pipe"); return 1; }
    for (int i = 0; i < n; i++) {
        char d[4096];
        snprintf(d, sizeof d, "%s/o%d", dir, i);
        if (mkdir(d, 0755) != 0 && errno != EEXIST) { perror(d); return 1; }
    }
    for (int i = 0; i < m; i++) {
        pid_t pid = fork();
        if (pid < 0) { perror("fork"); return 1; }
        if (pid == 0) {
            char procs[4096], me[32];
            snprintf(procs, sizeof procs, "%s/o%d/cgroup.procs", dir, i);
            snprintf(me, sizeof me, "%d", getpid());
            int fd = open(procs, O_WRONLY);
            if (fd < 0 || write(fd, me, strlen(me)) < 0) _exit(125);
            close(fd);
            close(p[0]);
            (void) write(p[1], "k", 1);
            close(p[1]);
            execlp("sleep", "sleep", secs, (char *) NULL);
            _exit(127);
        }
    }
    close(p[1]);
    char buf[4096];
    long got = 0;
    ssize_t r;
    while (got < m && (r = read(p[0], buf, sizeof buf)) > 0) got += r;
    close(p[0]);
    if (got < m) { fprintf(stderr, "only %ld of %d children were placed\n", got, m); }
    printf("ready %ld\n", got);
    fflush(stdout);
    // Reap until no child is left.
    while (wait(NULL) > 0 || errno == EINTR) { }
    return got < m;
}
