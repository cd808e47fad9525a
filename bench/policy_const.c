/* policy_const: the ceiling for the policy load test. An epoll policy server that answers
 * "action=DUNNO\n\n" to every request (a request ends with an empty line), without looking
 * at it, so a load run against it measures the client, the kernel and the socket alone.
 *
 *   policy_const unix:/path | HOST:PORT | inet:HOST:PORT  [-t THREADS]
 *
 * One epoll loop per thread (default 1); the threads share the listening socket
 * (EPOLLEXCLUSIVE). Stops on SIGTERM/SIGINT. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAXFD 65536
static const char kAnswer[] = "action=DUNNO\n\n";
static int g_listen = -1;
static volatile sig_atomic_t g_stop = 0;
/* per connection: whether the last byte seen was '\n' (a second one ends a request) */
static unsigned char g_prev_nl[MAXFD];

static void on_signal(int s) { (void)s; g_stop = 1; }

static int open_listener(const char *spec) {
    int fd;
    if (strncmp(spec, "unix:", 5) == 0 || spec[0] == '/') {
        const char *path = spec[0] == '/' ? spec : spec + 5;
        struct sockaddr_un sa;
        memset(&sa, 0, sizeof sa);
        sa.sun_family = AF_UNIX;
        if (strlen(path) >= sizeof sa.sun_path) { fprintf(stderr, "policy_const: path too long\n"); return -1; }
        strcpy(sa.sun_path, path);
        unlink(path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) { perror("policy_const: bind"); return -1; }
        chmod(path, 0666);
    } else {
        char host[256];
        const char *s = strncmp(spec, "inet:", 5) == 0 ? spec + 5 : spec;
        const char *colon = strrchr(s, ':');
        if (!colon || (size_t)(colon - s) >= sizeof host) { fprintf(stderr, "policy_const: bad address %s\n", spec); return -1; }
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = 0;
        struct sockaddr_in sa;
        memset(&sa, 0, sizeof sa);
        sa.sin_family = AF_INET;
        sa.sin_port = htons((unsigned short)atoi(colon + 1));
        if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) { fprintf(stderr, "policy_const: bad host %s\n", host); return -1; }
        fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) { perror("policy_const: bind"); return -1; }
    }
    if (listen(fd, 1024) != 0) { perror("policy_const: listen"); return -1; }
    return fd;
}

static void *loop(void *arg) {
    (void)arg;
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.fd = g_listen};
    epoll_ctl(ep, EPOLL_CTL_ADD, g_listen, &ev);
    struct epoll_event evs[256];
    static __thread char buf[65536];
    static __thread char out[65536];
    while (!g_stop) {
        int n = epoll_wait(ep, evs, 256, 200);
        for (int i = 0; i < n; ++i) {
            int fd = evs[i].data.fd;
            if (fd == g_listen) {
                for (;;) {
                    int c = accept4(g_listen, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (c < 0) break;
                    if (c >= MAXFD) { close(c); continue; }
                    int one = 1;
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* fails harmlessly on unix */
                    g_prev_nl[c] = 0;
                    struct epoll_event cev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                }
                continue;
            }
            for (;;) {
                ssize_t r = read(fd, buf, sizeof buf);
                if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
                    epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
                    close(fd);
                    break;
                }
                if (r < 0) break;
                size_t answers = 0;
                unsigned char prev = g_prev_nl[fd];
                for (ssize_t k = 0; k < r; ++k) {
                    if (buf[k] == '\n') {
                        if (prev) { ++answers; prev = 0; } else prev = 1;
                    } else prev = 0;
                }
                g_prev_nl[fd] = prev;
                size_t len = 0;
                while (answers > 0) {
                    size_t chunk = 0;
                    while (answers > 0 && len + sizeof kAnswer - 1 <= sizeof out) {
                        memcpy(out + len, kAnswer, sizeof kAnswer - 1);
                        len += sizeof kAnswer - 1;
                        --answers;
                        ++chunk;
                    }
                    size_t off = 0;
                    while (off < len) { /* answers are tiny: a short blocking spin is fine */
                        ssize_t w = write(fd, out + off, len - off);
                        if (w < 0 && errno != EAGAIN && errno != EINTR) break;
                        if (w > 0) off += (size_t)w;
                    }
                    len = 0;
                    (void)chunk;
                }
                if ((size_t)r < sizeof buf) break;
            }
        }
    }
    close(ep);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s unix:/path|HOST:PORT [-t THREADS]\n", argv[0]); return 2; }
    int threads = 1;
    if (argc >= 4 && strcmp(argv[2], "-t") == 0) threads = atoi(argv[3]);
    if (threads < 1) threads = 1;
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    g_listen = open_listener(argv[1]);
    if (g_listen < 0) return 1;
    fprintf(stderr, "policy_const: listening on %s with %d thread(s)\n", argv[1], threads);
    pthread_t tids[64];
    if (threads > 64) threads = 64;
    for (int i = 1; i < threads; ++i) pthread_create(&tids[i], NULL, loop, NULL);
    loop(NULL);
    for (int i = 1; i < threads; ++i) pthread_join(tids[i], NULL);
    if (strncmp(argv[1], "unix:", 5) == 0) unlink(argv[1] + 5);
    return 0;
}
