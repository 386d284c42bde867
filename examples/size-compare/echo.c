/* The echo server of examples/nostd-echo in C: `echo PORT [COUNT]`, the same exit codes
 * (2: bad arguments, 1: bind or receive failed). `cargo xtask size` builds it with musl-gcc,
 * static, -Os, linked by the same rust-lld with the same flags as the Rust programs. */
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

static char buf[65536];

/* The decimal number in s, if it is one and is at most max. */
static int number(const char *s, unsigned long max, unsigned long *out)
{
    unsigned long n = 0;
    if (!*s)
        return 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        n = n * 10 + (unsigned long)(*s - '0');
        if (n > max)
            return 0;
    }
    *out = n;
    return 1;
}

int main(int argc, char **argv)
{
    unsigned long port, count = 0, echoed = 0;
    if (argc < 2 || argc > 3 || !number(argv[1], 65535, &port) ||
        (argc == 3 && !number(argv[2], 0xffffffffUL, &count)))
        return 2;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
        return 1;
    for (;;) {
        struct sockaddr_storage from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return 1;
        }
        sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
        if (++echoed == count)
            return 0;
    }
}
