/* `ops-c c <op> <N>`: bench/src/bin/ops.rs in C over glibc, the same shape: one operation N
 * times after the same set-up, `elapsed_ns=<loop time>` printed. Built by `cargo xtask bench`
 * with the system gcc at -O2 (dynamically linked glibc, as a C program usually is). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LEN 64
#define RCVBUF 65536
#define DEADLINE_MS 5000

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void check(long n) {
    if (n != LEN)
        die("short transfer");
}

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Keeps a value alive, like Rust's black_box. */
#define KEEP(x) __asm__ volatile("" : : "g"(&(x)) : "memory")

static struct sockaddr_in loopback(void) {
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

static struct sockaddr_in bound(int fd) {
    struct sockaddr_in a = loopback();
    socklen_t len = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
        die("bind");
    if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
        die("getsockname");
    return a;
}

__attribute__((noinline)) static void a_loop(int s, const struct sockaddr_in *to, long n) {
    char out[LEN], buf[LEN];
    memset(out, 7, LEN);
    for (long i = 0; i < n; i++) {
        struct sockaddr_in from;
        socklen_t len = sizeof from;
        check(sendto(s, out, LEN, 0, (const struct sockaddr *)to, sizeof *to));
        check(recvfrom(s, buf, LEN, 0, (struct sockaddr *)&from, &len));
        KEEP(from);
    }
}

static long long op_a(long n) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        die("socket");
    struct sockaddr_in to = bound(s);
    long long t = now_ns();
    a_loop(s, &to, n);
    return now_ns() - t;
}

__attribute__((noinline)) static void b_loop(int a, int b, long n) {
    char out[LEN], buf[LEN];
    memset(out, 7, LEN);
    for (long i = 0; i < n; i++) {
        check(write(a, out, LEN));
        check(read(b, buf, LEN));
    }
}

static void pair(int sv[2]) {
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        die("socketpair");
}

static long long op_b(long n) {
    int sv[2];
    pair(sv);
    long long t = now_ns();
    b_loop(sv[0], sv[1], n);
    return now_ns() - t;
}

__attribute__((noinline)) static void c_loop(int s, long n) {
    for (long i = 0; i < n; i++) {
        int v = RCVBUF;
        if (setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v) < 0)
            die("setsockopt");
        socklen_t len = sizeof v;
        if (getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len) < 0)
            die("getsockopt");
        KEEP(v);
    }
}

static long long op_c(long n) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        die("socket");
    long long t = now_ns();
    c_loop(s, n);
    return now_ns() - t;
}

__attribute__((noinline)) static void d_loop(int l, const struct sockaddr_in *to, long n) {
    for (long i = 0; i < n; i++) {
        int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (c < 0)
            die("socket");
        if (connect(c, (const struct sockaddr *)to, sizeof *to) < 0)
            die("connect");
        struct sockaddr_in peer;
        socklen_t len = sizeof peer;
        int s = accept4(l, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
        if (s < 0)
            die("accept4");
        KEEP(peer);
        close(s);
        close(c);
    }
}

static long long op_d(long n) {
    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l < 0)
        die("socket");
    struct sockaddr_in to = bound(l);
    if (listen(l, 128) < 0)
        die("listen");
    long long t = now_ns();
    d_loop(l, &to, n);
    return now_ns() - t;
}

__attribute__((noinline)) static void e_loop(int a, int b, long n) {
    char out[LEN], buf[LEN];
    memset(out, 7, LEN);
    for (long i = 0; i < n; i++) {
        check(write(a, out, LEN));
        struct pollfd p = {.fd = b, .events = POLLIN};
        if (poll(&p, 1, DEADLINE_MS) != 1)
            die("poll");
        check(read(b, buf, LEN));
    }
}

static long long op_e(long n) {
    int sv[2];
    pair(sv);
    long long t = now_ns();
    e_loop(sv[0], sv[1], n);
    return now_ns() - t;
}

/* The premise of the wall-clock goal, checked: what a `ret` right after a `syscall` costs
 * here (return-stack mitigations can make it dear). One `getppid` N times, three ways: the
 * `syscall` instruction inlined into the loop (as rustix and baresock make their calls), the
 * same instruction in a function of its own (call, syscall, ret), and glibc's getppid. */
#if defined(__x86_64__)
static inline long getppid_inline(void) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(110L) : "rcx", "r11", "memory");
    return r;
}

__attribute__((noinline)) static long getppid_stub(void) {
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(110L) : "rcx", "r11", "memory");
    return r;
}

__attribute__((noinline)) static void inline_loop(long n) {
    for (long i = 0; i < n; i++) {
        long r = getppid_inline();
        KEEP(r);
    }
}

__attribute__((noinline)) static void stub_loop(long n) {
    for (long i = 0; i < n; i++) {
        long r = getppid_stub();
        KEEP(r);
    }
}

__attribute__((noinline)) static void glibc_loop(long n) {
    for (long i = 0; i < n; i++) {
        long r = getppid();
        KEEP(r);
    }
}

static long long timed_loop(void (*f)(long), long n) {
    long long t = now_ns();
    f(n);
    return now_ns() - t;
}
#endif

int main(int argc, char **argv) {
    if (argc != 4 || strcmp(argv[1], "c") != 0 || strlen(argv[2]) != 1) {
        fprintf(stderr, "usage: ops-c c a|b|c|d|e|x|y|z N\n");
        return 2;
    }
    long n = atol(argv[3]);
    long long ns;
    switch (argv[2][0]) {
    case 'a': ns = op_a(n); break;
    case 'b': ns = op_b(n); break;
    case 'c': ns = op_c(n); break;
    case 'd': ns = op_d(n); break;
    case 'e': ns = op_e(n); break;
#if defined(__x86_64__)
    case 'x': ns = timed_loop(inline_loop, n); break;
    case 'y': ns = timed_loop(stub_loop, n); break;
    case 'z': ns = timed_loop(glibc_loop, n); break;
#else
    case 'x': case 'y': case 'z': printf("n/a\n"); return 0;
#endif
    case 'f': printf("n/a\n"); return 0; /* baresock's own variant of `a` */
    default: fprintf(stderr, "unknown op\n"); return 2;
    }
    printf("elapsed_ns=%lld\n", ns);
    return 0;
}
