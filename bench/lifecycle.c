// boxd's REST lifecycle over loopback: create, spawn `sleep`, kill, delete. Runs N lifecycles
// with C concurrent clients, each on its own keep-alive HTTP/1.1 connection, and prints p50, p99
// and lifecycles per second. A small C client, so that the load generator does not take the CPU
// it measures (on 2 cores a JVM client used about a quarter of the machine).
// Every status code is checked; a wrong one ends the run with the response.
// Usage: lifecycle PORT CLIENTS LIFECYCLES WARMUP   (token from $BOXD_TOKEN, host 127.0.0.1)
// BENCH_PACE_US=N: each client sleeps N µs after each lifecycle (a steady load, not a benchmark).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port, clients, total;
static long pace_us;
static const char *token;
static char prefix[64];
static long long *lat;
static int next_index;
static long long step_ns[4];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static long long now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int connect_once(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *) &a, sizeof a) != 0) { perror("connect"); exit(1); }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

// One request; returns the status. The body is read (Content-Length or chunked) and dropped.
static int call(int *fd, const char *method, const char *path, const char *body, char *resp, size_t cap) {
    char req[2048];
    int n;
    if (body) {
        n = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s%s%sContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n%s", method, path, port,
                     token ? "Authorization: Bearer " : "", token ? token : "", token ? "\r\n" : "", strlen(body), body);
    } else {
        n = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n%s%s%sContent-Length: 0\r\n\r\n",
                     method, path, port, token ? "Authorization: Bearer " : "", token ? token : "", token ? "\r\n" : "");
    }
    for (int off = 0; off < n;) {
        ssize_t w = write(*fd, req + off, n - off);
        if (w <= 0) { perror("write"); exit(1); }
        off += w;
    }
    size_t len = 0;
    char *end = NULL;
    while (!end) {
        if (len + 1 >= cap) { fprintf(stderr, "response headers too large\n"); exit(1); }
        ssize_t r = read(*fd, resp + len, cap - 1 - len);
        if (r <= 0) { fprintf(stderr, "%s %s: connection closed\n", method, path); exit(1); }
        len += r;
        resp[len] = 0;
        end = strstr(resp, "\r\n\r\n");
    }
    int status = atoi(resp + 9);
    size_t head = end + 4 - resp;
    char *cl = strcasestr(resp, "\r\ncontent-length:");
    int chunked = strcasestr(resp, "\r\ntransfer-encoding: chunked") != NULL && (!cl || cl > end);
    int closing = strcasestr(resp, "\r\nconnection: close") != NULL;
    if (cl && cl < end) {
        size_t want = head + strtoul(cl + 17, NULL, 10);
        while (len < want) {
            if (want >= cap) { fprintf(stderr, "response too large\n"); exit(1); }
            ssize_t r = read(*fd, resp + len, want - len);
            if (r <= 0) { fprintf(stderr, "short body\n"); exit(1); }
            len += r;
        }
        resp[len] = 0;
    } else if (chunked) {
        while (!strstr(resp + head, "\r\n0\r\n\r\n") && strncmp(resp + head, "0\r\n\r\n", 5) != 0) {
            if (len + 1 >= cap) { fprintf(stderr, "response too large\n"); exit(1); }
            ssize_t r = read(*fd, resp + len, cap - 1 - len);
            if (r <= 0) { fprintf(stderr, "short chunked body\n"); exit(1); }
            len += r;
            resp[len] = 0;
        }
    }
    if (closing) { close(*fd); *fd = connect_once(); }
    return status;
}

static void expect(int *fd, const char *method, const char *path, const char *body, int want) {
    static __thread char resp[65536];
    int got = call(fd, method, path, body, resp, sizeof resp);
    if (got != want) { fprintf(stderr, "%s %s -> %d, expected %d\n%s\n", method, path, got, want, resp); exit(1); }
}

static void *client(void *arg) {
    (void) arg;
    int fd = connect_once();
    char path[256], body[256];
    for (;;) {
        pthread_mutex_lock(&mu);
        int i = next_index < total ? next_index++ : -1;
        pthread_mutex_unlock(&mu);
        if (i < 0) break;
        long long t[5];
        t[0] = now();
        snprintf(body, sizeof body, "{\"id\":\"%s%d\",\"limits\":{\"pidsMax\":\"max\"}}", prefix, i);
        expect(&fd, "POST", "/v1/boxes", body, 201);
        t[1] = now();
        snprintf(path, sizeof path, "/v1/boxes/%s%d/processes", prefix, i);
        expect(&fd, "POST", path, "{\"argv\":[\"sleep\",\"300\"]}", 201);
        t[2] = now();
        snprintf(path, sizeof path, "/v1/boxes/%s%d/kill", prefix, i);
        expect(&fd, "POST", path, NULL, 200);
        t[3] = now();
        snprintf(path, sizeof path, "/v1/boxes/%s%d", prefix, i);
        expect(&fd, "DELETE", path, NULL, 204);
        t[4] = now();
        lat[i] = t[4] - t[0];
        pthread_mutex_lock(&mu);
        for (int s = 0; s < 4; s++) step_ns[s] += t[s + 1] - t[s];
        pthread_mutex_unlock(&mu);
        if (pace_us > 0) usleep(pace_us);
    }
    close(fd);
    return NULL;
}

static int cmp(const void *a, const void *b) {
    long long x = *(const long long *) a, y = *(const long long *) b;
    return x < y ? -1 : x > y;
}

// Runs n lifecycles with ids <tag><i>; returns the wall time in ns.
static long long run(int n, const char *tag) {
    total = n;
    next_index = 0;
    memset(step_ns, 0, sizeof step_ns);
    snprintf(prefix, sizeof prefix, "%s", tag);
    lat = calloc(n, sizeof *lat);
    pthread_t th[64];
    long long t0 = now();
    for (int c = 0; c < clients; c++) pthread_create(&th[c], NULL, client, NULL);
    for (int c = 0; c < clients; c++) pthread_join(th[c], NULL);
    return now() - t0;
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: lifecycle PORT CLIENTS LIFECYCLES WARMUP\n"); return 2; }
    port = atoi(argv[1]);
    clients = atoi(argv[2]);
    int n = atoi(argv[3]), warmup = atoi(argv[4]);
    if (clients < 1 || clients > 64 || n < 1) { fprintf(stderr, "CLIENTS 1..64, LIFECYCLES >= 1\n"); return 2; }
    token = getenv("BOXD_TOKEN");
    if (getenv("BENCH_PACE_US")) pace_us = atol(getenv("BENCH_PACE_US"));
    if (token && !*token) token = NULL;
    char tag[64];
    long run_id = (long) (now() % 1000000000LL);
    if (warmup > 0) {
        snprintf(tag, sizeof tag, "w%lx-%d-", run_id, clients);
        run(warmup, tag);
        free(lat);
    }
    snprintf(tag, sizeof tag, "b%lx-%d-", run_id, clients);
    long long wall = run(n, tag);
    qsort(lat, n, sizeof *lat, cmp);
    printf("rest   clients=%d lifecycles=%d p50=%.2fms p99=%.2fms rate=%.0f/s", clients, n,
           lat[(n + 1) / 2 - 1] / 1e6, lat[(int) (n * 0.99)] / 1e6, n / (wall / 1e9));
    if (getenv("BENCH_STEPS"))
        printf("  (mean ms: create %.2f spawn %.2f kill %.2f delete %.2f)", step_ns[0] / 1e6 / n,
               step_ns[1] / 1e6 / n, step_ns[2] / 1e6 / n, step_ns[3] / 1e6 / n);
    printf("\n");
    return 0;
}
