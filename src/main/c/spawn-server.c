/*
 * boxd's native spawn server: spawn-server.pl's protocol and checks, in C. A spawn then clones a
 * process of a few hundred kilobytes instead of a perl interpreter (about 200 page faults fewer
 * per spawn on the bench host). Built by Maven where a C compiler is found; boxd falls back to
 * the perl server where it is not. Protocol on stdin/stdout, one exchange per spawn:
 *   boxd:   <length>\n<fields joined by NUL>   procs, cgroup, log, cwd, uid, gid, argc, argv..., env K=V...
 *   server: ok <pid>                           the child was in <cgroup> by /proc/<pid>/cgroup,
 *                                              then it exec'd the target
 *           failed <code> <why>                the target did not run
 * A child never runs the target unless /proc/<pid>/cgroup names the box's cgroup. The server
 * exits when boxd closes its stdin; box processes live on. One thread: the children are plain
 * copies of it, so they may call anything before their exec.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#define CLONE_INTO_CGROUP_FLAG 0x200000000ULL
#define MSG_MAX 4096 /* under PIPE_BUF: a child's words arrive in one read */

extern char **environ;

/* struct clone_args as of Linux 5.7, spelled out so that old kernel headers build it too. */
struct clone3_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

static void reply(const char *fmt, ...) {
    char line[MSG_MAX + 256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0) _exit(0);
    if ((size_t)n > sizeof line - 2) n = sizeof line - 2;
    for (int i = 0; i < n; i++) if (line[i] == '\n') line[i] = ' ';
    line[n++] = '\n';
    for (int off = 0; off < n;) {
        ssize_t w = write(1, line + off, n - off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) _exit(0); /* boxd is gone */
        off += w;
    }
}

/* ---- boxd's requests: buffered reads of stdin ---------------------------------------------- */

static char *in;
static size_t in_len, in_cap;

static int fill_in(size_t want) {
    if (in_cap < want) {
        char *grown = realloc(in, want);
        if (!grown) return 0;
        in = grown;
        in_cap = want;
    }
    ssize_t r;
    do { r = read(0, in + in_len, in_cap - in_len); } while (r < 0 && errno == EINTR);
    if (r <= 0) return 0;
    in_len += r;
    return 1;
}

static void consume(size_t n) {
    memmove(in, in + n, in_len - n);
    in_len -= n;
}

/* The next request's payload (NUL-terminated copy, its length in *len), or NULL at the end. */
static char *next_request(size_t *len) {
    char *nl;
    while (!in_len || !(nl = memchr(in, '\n', in_len))) {
        if (in_len > 4096 || !fill_in(in_cap < 65536 ? 65536 : in_cap)) return NULL;
    }
    size_t head = nl - in;
    if (head < 1 || head > 8) return NULL;
    size_t n = 0;
    for (size_t i = 0; i < head; i++) {
        if (in[i] < '0' || in[i] > '9') return NULL;
        n = n * 10 + (in[i] - '0');
    }
    while (in_len < head + 1 + n) {
        if (!fill_in(head + 1 + n > in_cap ? head + 1 + n : in_cap)) return NULL;
    }
    char *payload = malloc(n + 1);
    if (!payload) return NULL;
    memcpy(payload, in + head + 1, n);
    payload[n] = 0;
    consume(head + 1 + n);
    *len = n;
    return payload;
}

/* ---- pipes between the server and one child ---------------------------------------------------- */

/* One message of the child's, which it writes in one write: one read. "" at end of file. */
static void message(int fd, char *out) {
    ssize_t r;
    do { r = read(fd, out, MSG_MAX); } while (r < 0 && errno == EINTR);
    out[r > 0 ? r : 0] = 0;
}

/* Appends everything up to end of file (the exec closed the pipe, or the child is gone). */
static void slurp(int fd, char *out, size_t cap) {
    size_t n = strlen(out);
    for (;;) {
        ssize_t r = read(fd, out + n, cap - 1 - n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0 || (n += r) >= cap - 1) break;
    }
    out[n] = 0;
}

/* ---- the child, from its birth to the exec of the target ---------------------------------- */

struct target {
    const char *procs, *cgroup, *log, *cwd, *uid, *gid;
    char **argv, **env;
};

static int st_w = -1; /* the child's end of the status pipe */

/* The child's last words, in one write, then its exit with the same code. */
static void fail(int code, const char *fmt, ...) {
    char words[MSG_MAX];
    int n = snprintf(words, sizeof words, "%d ", code);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(words + n, sizeof words - n, fmt, ap);
    va_end(ap);
    size_t len = m < 0 ? (size_t)n : (size_t)n + m < sizeof words ? (size_t)n + m : sizeof words - 1;
    ssize_t ignored = write(st_w, words, len);
    (void)ignored;
    _exit(code);
}

static int id_of(const char *s, unsigned long *out) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] < '0' || s[0] > '9' || v >= 0xffffffffUL) return 0;
    *out = v;
    return 1;
}

/* What setpriv --reuid --regid --clear-groups does, each step read back. */
static void become(const char *uid, const char *gid) {
    unsigned long u = 0, g = 0;
    if (*uid && !id_of(uid, &u)) fail(127, "bad uid %s", uid);
    if (*gid && !id_of(gid, &g)) fail(127, "bad gid %s", gid);
    if (setgroups(0, NULL)) fail(127, "setgroups: %s", strerror(errno));
    if (*gid) {
        gid_t r = 0, e = 0, s = 0;
        if (setresgid(g, g, g)) fail(127, "setgid %s: %s", gid, strerror(errno));
        if (getresgid(&r, &e, &s) || r != g || e != g || s != g) fail(127, "gid is %u / %u / %u, not %s", r, e, s, gid);
    }
    int left = getgroups(0, NULL);
    if (left != 0) fail(127, "supplementary groups left: %d", left);
    if (*uid) {
        uid_t r = 0, e = 0, s = 0;
        if (setresuid(u, u, u)) fail(127, "setuid %s: %s", uid, strerror(errno));
        if (getresuid(&r, &e, &s) || r != u || e != u || s != u) fail(127, "uid is %u / %u / %u, not %s", r, e, s, uid);
    }
}

static void child(int st, int go, int forked, const struct target *t) {
    st_w = st;
    /* Every signal to its default: an ignored one outlives the exec (the server ignores SIGCHLD
       and SIGPIPE; a boxd started under nohup passes on an ignored SIGHUP, a shell's background
       job an ignored SIGINT and SIGQUIT). By the raw syscall: libc's sigaction refuses the two
       signals it keeps for itself. An all-zero kernel sigaction is SIG_DFL on every layout;
       SIGKILL and SIGSTOP refuse, as they may. */
    unsigned long dfl[4] = {0};
    for (int s = 1; s <= 64; s++) syscall(SYS_rt_sigaction, s, dfl, NULL, 8);
    /* A session of its own: not boxd's terminal (a box could type into the operator's shell
       with TIOCSTI, and a ^C meant for boxd would kill it), and a clean signal mask, not the
       JVM's (which blocks SIGQUIT). */
    if (setsid() < 0) fail(125, "setsid: %s", strerror(errno));
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL)) fail(125, "signal mask: %s", strerror(errno));
    int null = open("/dev/null", O_RDONLY);
    if (null < 0 || dup2(null, 0) < 0) fail(125, "stdin /dev/null: %s", strerror(errno));
    if (null > 2) close(null); /* 0 to 2 are open (the server's pipes), so it is above them */
    int log = open(t->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640); /* boxd makes it first; see Spawner */
    if (log < 0) fail(125, "log %s: %s", t->log, strerror(errno));
    if (dup2(log, 1) < 0 || dup2(log, 2) < 0) fail(125, "stdout, stderr: %s", strerror(errno));
    if (log > 2) close(log);
    if (forked) {
        /* Not born inside: writing 0 to cgroup.procs moves the writer, this process. */
        int p = open(t->procs, O_WRONLY | O_CLOEXEC);
        if (p < 0) fail(125, "could not join: open %s: %s", t->procs, strerror(errno));
        if (write(p, "0", 1) != 1) fail(125, "could not join: write %s: %s", t->procs, strerror(errno));
        if (close(p)) fail(125, "could not join: close %s: %s", t->procs, strerror(errno));
    }
    if (write(st, "placed\n", 7) != 7) _exit(126);
    char g = 0;
    ssize_t r;
    do { r = read(go, &g, 1); } while (r < 0 && errno == EINTR);
    if (r != 1 || g != 'g') _exit(126);
    close(go);
    if (*t->uid || *t->gid) become(t->uid, t->gid);
    /* Only now, as the target's uid: as root, a chdir under a directory the target may not
       search would succeed, and the target would then read what it could not reach. */
    if (*t->cwd && chdir(t->cwd)) fail(127, "chdir %s: %s", t->cwd, strerror(errno));
    environ = t->env; /* execvp searches the target's own PATH, as perl's exec does */
    execvp(t->argv[0], t->argv);
    fail(127, "exec %s: %s", t->argv[0], strerror(errno));
}

/* ---- one spawn ------------------------------------------------------------------------------ */

static int clone3_works = 1;

/* A child born in the box's cgroup (clone3 with CLONE_INTO_CGROUP), else a forked one; *inside says which. */
static pid_t new_child(const char *procs, int may_clone, int *inside) {
    *inside = 0;
    if (clone3_works && may_clone) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", procs);
        char *slash = strrchr(dir, '/');
        if (slash && strcmp(slash, "/cgroup.procs") == 0) *slash = 0;
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            struct clone3_args a = {0};
            a.flags = CLONE_INTO_CGROUP_FLAG;
            a.exit_signal = SIGCHLD;
            a.cgroup = (uint64_t)fd;
            pid_t pid = syscall(SYS_clone3, &a, sizeof a);
            int err = errno;
            if (pid != 0) close(fd);
            if (pid >= 0) {
                *inside = 1;
                return pid;
            }
            if (err == ENOSYS || err == EINVAL || err == E2BIG) clone3_works = 0;
        }
    }
    return fork();
}

/* The unified ("0::") line of /proc/<pid>/cgroup, into out; 0 when there is none. */
static int cgroup_of(pid_t pid, char *out, size_t cap) {
    char path[64], all[8192] = "";
    snprintf(path, sizeof path, "/proc/%d/cgroup", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    slurp(fd, all, sizeof all);
    close(fd);
    for (char *l = all; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, "0::", 3) == 0) {
            size_t n = strcspn(l + 3, "\n");
            if (n >= cap) return 0;
            memcpy(out, l + 3, n);
            out[n] = 0;
            return 1;
        }
    }
    return 0;
}

/* A number from a cgroup file; 0 for "max" or no file (no pids controller there). */
static int read_number(const char *dir, const char *name, long long *out) {
    char path[4200], buf[64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0 || buf[0] < '0' || buf[0] > '9') return 0;
    buf[n] = 0;
    *out = strtoll(buf, NULL, 10);
    return 1;
}

/* PidsRoom.require's twin: a fork is held to pids.max, a move is not (cgroup-v2.rst), so a child
   that moved itself in is checked at the box and every cgroup above it, up to the mount.
   1, with why, when one of them now holds more tasks than its pids.max. */
static int pids_over(const struct target *t, char *why, size_t cap) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", t->procs);
    char *slash = strrchr(dir, '/');
    if (!slash) return 0;
    *slash = 0;
    size_t len = strlen(dir), cl = strlen(t->cgroup);
    /* the mount is the box's directory less its cgroup path; where they do not line up, the box alone */
    size_t mount = cl < len && strcmp(dir + len - cl, t->cgroup) == 0 ? len - cl : len;
    while (len > 0) {
        long long max, cur;
        if (read_number(dir, "pids.max", &max) && read_number(dir, "pids.current", &cur) && cur > max) {
            snprintf(why, cap, "pids.max: %s has pids.current %lld with the new process, over its pids.max %lld", dir, cur, max);
            return 1;
        }
        slash = strrchr(dir, '/');
        if (!slash || (size_t)(slash - dir) <= mount) break;
        *slash = 0;
        len = strlen(dir);
    }
    return 0;
}

static void spawn_one(const struct target *t) {
    for (int may_clone = 1; may_clone >= 0; may_clone--) {
        int st[2], go[2];
        if (pipe2(st, O_CLOEXEC)) {
            reply("failed 0 pipe: %s", strerror(errno));
            return;
        }
        if (pipe2(go, O_CLOEXEC)) {
            reply("failed 0 pipe: %s", strerror(errno));
            close(st[0]);
            close(st[1]);
            return;
        }
        int inside;
        pid_t pid = new_child(t->procs, may_clone, &inside);
        if (pid == 0) {
            close(st[0]);
            close(go[1]);
            child(st[1], go[0], !inside, t);
        }
        int err = errno;
        close(st[1]);
        close(go[0]);
        if (pid < 0) {
            close(st[0]);
            close(go[1]);
            reply("failed 0 fork: %s", strerror(err));
            return;
        }
        /* A forked child moves itself: wait until it says so. One born inside is checked at
           once, while it sets up its log; its "placed" is read with the rest below. */
        static char said[MSG_MAX + 16];
        said[0] = 0;
        if (!inside) {
            message(st[0], said);
            if (strcmp(said, "placed\n") != 0) {
                close(go[1]);
                close(st[0]);
                if (*said) {
                    reply("failed %s", said);
                } else {
                    reply("failed 0 exited before it was placed");
                }
                return;
            }
        }
        char where[4096], full[MSG_MAX];
        int known = cgroup_of(pid, where, sizeof where);
        int misplaced = !known || strcmp(where, t->cgroup) != 0;
        int over = !inside && !misplaced && pids_over(t, full, sizeof full);
        if (misplaced || over) {
            kill(pid, SIGKILL);
        } else {
            ssize_t ignored = write(go[1], "g", 1); /* a child that died early is seen below */
            (void)ignored;
        }
        close(go[1]);
        slurp(st[0], said, sizeof said);
        close(st[0]);
        /* Born inside and dead before a word. Linux 6.18 (at least) SIGKILLs every child cloned
           into a cgroup that was ever written cgroup.kill. It ran no code of its own: fork. */
        if (inside && !*said) continue;
        if (strncmp(said, "placed\n", 7) != 0) {
            reply("failed %s", said); /* it failed first, in its own words */
        } else if (misplaced) {
            reply("failed 125 pid %d is in %s, not %s; killed it before it ran the target", (int)pid,
                  known ? where : "no cgroup", t->cgroup);
        } else if (over) {
            reply("failed 0 %s; killed it before it ran the target", full);
        } else if (said[7]) {
            reply("failed %s", said + 7);
        } else {
            reply("ok %d", (int)pid);
        }
        return;
    }
    reply("failed 0 exited before it was placed");
}

/* procs, cgroup, log, cwd, uid, gid, argc, argv..., env...; 0 when the fields do not add up. */
static int parse(char *payload, size_t len, struct target *t, char ***fields) {
    size_t nf = 1;
    for (size_t i = 0; i < len; i++) nf += payload[i] == 0;
    char **f = calloc(nf + 2, sizeof *f);
    if (!f) return 0;
    *fields = f;
    f[0] = payload;
    for (size_t i = 0, k = 1; i < len; i++) if (payload[i] == 0) f[k++] = payload + i + 1;
    if (nf < 8) return 0;
    char *end;
    unsigned long argc = strtoul(f[6], &end, 10);
    if (*end || end == f[6] || argc < 1 || argc > nf - 7) return 0;
    t->procs = f[0], t->cgroup = f[1], t->log = f[2], t->cwd = f[3], t->uid = f[4], t->gid = f[5];
    /* argv and env in place, each NULL-terminated: shift env by one to make room */
    t->argv = f + 7;
    memmove(f + 7 + argc + 1, f + 7 + argc, (nf - 7 - argc) * sizeof *f);
    f[7 + argc] = NULL;
    t->env = f + 7 + argc + 1;
    t->env[nf - 7 - argc] = NULL;
    return 1;
}

int main(void) {
    signal(SIGCHLD, SIG_IGN); /* the kernel reaps box processes that exit; exit codes are not used */
    signal(SIGPIPE, SIG_IGN); /* a dead child's pipe is an error to read, not a death */
    reply("ready");
    size_t len;
    char *payload;
    while ((payload = next_request(&len))) {
        struct target t;
        char **fields = NULL;
        if (parse(payload, len, &t, &fields)) {
            spawn_one(&t);
        } else {
            reply("failed 0 malformed request");
        }
        free(fields);
        free(payload);
    }
    return 0;
}
