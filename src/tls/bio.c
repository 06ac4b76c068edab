// A socket BIO that writes with MSG_NOSIGNAL: a peer that closed the connection turns a write
// into EPIPE, never a SIGPIPE that would kill the whole process (a SIP UA cannot ask every host
// application to ignore the signal). Reads and retries behave as OpenSSL's socket BIO does.
#include <errno.h>
#include <openssl/bio.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>

#include "internal.h"

static BIO_METHOD *nosigpipe_method;  // made once, lives as long as the process
static pthread_once_t nosigpipe_once = PTHREAD_ONCE_INIT;

static int fd_of(BIO *b)
{
    return (int)(intptr_t)BIO_get_data(b);
}

static bool retryable(int e)
{
    return e == EAGAIN || e == EWOULDBLOCK || e == EINTR;
}

static int nb_write(BIO *b, const char *buf, int len)
{
    BIO_clear_retry_flags(b);
    ssize_t n = send(fd_of(b), buf, (size_t)len, MSG_NOSIGNAL);
    if (n < 0 && retryable(errno)) {
        BIO_set_retry_write(b);
    }
    return (int)n;
}

static int nb_read(BIO *b, char *buf, int len)
{
    BIO_clear_retry_flags(b);
    if (buf == NULL) {
        return 0;
    }
    ssize_t n = recv(fd_of(b), buf, (size_t)len, 0);
    if (n < 0 && retryable(errno)) {
        BIO_set_retry_read(b);
    }
    return (int)n;
}

static long nb_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)num;
    switch (cmd) {
        case BIO_CTRL_FLUSH:
            return 1;
        case BIO_C_GET_FD:
            if (ptr != NULL) {
                *(int *)ptr = fd_of(b);
            }
            return fd_of(b);
        default:
            return 0;
    }
}

static int nb_create(BIO *b)
{
    BIO_set_data(b, (void *)(intptr_t)-1);
    return 1;
}

static void make_method(void)
{
    BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK | BIO_TYPE_DESCRIPTOR,
                                 "galois socket (MSG_NOSIGNAL)");
    if (m == NULL) {
        return;
    }
    if (BIO_meth_set_write(m, nb_write) != 1 || BIO_meth_set_read(m, nb_read) != 1 ||
        BIO_meth_set_ctrl(m, nb_ctrl) != 1 || BIO_meth_set_create(m, nb_create) != 1) {
        BIO_meth_free(m);
        return;
    }
    nosigpipe_method = m;
}

BIO *tls_nosigpipe_bio(int fd)
{
    if (pthread_once(&nosigpipe_once, make_method) != 0 || nosigpipe_method == NULL) {
        return NULL;
    }
    BIO *b = BIO_new(nosigpipe_method);
    if (b == NULL) {
        return NULL;
    }
    BIO_set_data(b, (void *)(intptr_t)fd);
    BIO_set_init(b, 1);
    return b;
}
