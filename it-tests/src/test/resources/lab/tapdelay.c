// The network lab's link: joins two TAP devices, one in each of two network namespaces, with a fixed one-way
// delay each way, as a path between two hosts would (this kernel has no netem). Frames read from one device are
// written to the other DELAY_US later, in order. Built and run by dev.tinygram.it.lab.Lab, for tests only.
// Usage: tapdelay TAP_A TAP_B DELAY_US; prints "ready" once both devices are open, and ends when its standard
// input closes, so that it never outlives the test JVM that started it, however that JVM ends.
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define QUEUE 4096
#define FRAME 65600

struct frame { long long due; int len; unsigned char data[FRAME]; };
struct queue { struct frame *f; int head, tail; };

static long long now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long) t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

static int open_tap(const char *name) {
    int fd = open("/dev/net/tun", O_RDWR);
    if (fd < 0) { perror("open /dev/net/tun"); exit(2); }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) { perror("TUNSETIFF"); exit(2); }
    return fd;
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: tapdelay TAP_A TAP_B DELAY_US\n"); return 2; }
    int fd[2] = { open_tap(argv[1]), open_tap(argv[2]) };
    long long delay = atoll(argv[3]);
    struct queue q[2];
    for (int i = 0; i < 2; i++) { q[i].f = calloc(QUEUE, sizeof(struct frame)); q[i].head = q[i].tail = 0; }
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        long long t = now_us();
        int timeout = 1000;
        for (int i = 0; i < 2; i++) {   // q[i]: frames read from fd[i], to write to fd[1-i]
            while (q[i].head != q[i].tail && q[i].f[q[i].head].due <= t) {
                struct frame *f = &q[i].f[q[i].head];
                if (write(fd[1 - i], f->data, f->len) < 0) { /* dropped, as a link would */ }
                q[i].head = (q[i].head + 1) % QUEUE;
            }
            if (q[i].head != q[i].tail) {
                long long wait = q[i].f[q[i].head].due - t;
                int ms = (int) ((wait + 999) / 1000);
                if (ms < timeout) timeout = ms;
            }
        }
        struct pollfd p[3] = { { fd[0], POLLIN, 0 }, { fd[1], POLLIN, 0 }, { 0, POLLIN, 0 } };
        int busy = (q[0].head != q[0].tail) || (q[1].head != q[1].tail);
        // sub-millisecond delays: spin briefly rather than sleep a whole millisecond
        int n = poll(p, 3, busy && timeout <= 1 ? 0 : timeout);
        if (n < 0) continue;
        if (p[2].revents & (POLLIN | POLLHUP)) {
            char c;
            if (read(0, &c, 1) <= 0) return 0;   // the test JVM is gone
        }
        for (int i = 0; i < 2; i++) {
            if (!(p[i].revents & POLLIN)) continue;
            int next = (q[i].tail + 1) % QUEUE;
            if (next == q[i].head) { char sink[FRAME]; if (read(fd[i], sink, sizeof sink) < 0) {} continue; }
            struct frame *f = &q[i].f[q[i].tail];
            int len = read(fd[i], f->data, FRAME);
            if (len <= 0) continue;
            f->len = len;
            f->due = now_us() + delay;
            q[i].tail = next;
        }
    }
}
