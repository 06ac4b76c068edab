// One probe connection for `galois audit`: resolve once, non-blocking TCP connect bounded by
// poll(), then a non-blocking TLS handshake against the same deadline. A refused handshake is
// described (the server's alert, or OpenSSL's reason) rather than treated as an error.
#include "audit_tls_conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
    TICKET_WAIT_MS = 300,  // a TLS 1.3 ticket follows the handshake; SIP servers send nothing
};

// Everything this OpenSSL can offer, so the probe is not limited by a system configuration:
// every cipher at security level 0, the five TLS 1.3 suites, every named group.
static const char all_ciphers[] = "ALL:COMPLEMENTOFALL:@SECLEVEL=0";
static const char all_suites[] =
    "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:"
    "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256";
static const char all_sigalgs[] =
    "ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:ed25519:ed448:rsa_pss_pss_sha256:"
    "rsa_pss_pss_sha384:rsa_pss_pss_sha512:rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:"
    "rsa_pss_rsae_sha512:RSA+SHA256:RSA+SHA384:RSA+SHA512:ECDSA+SHA224:ECDSA+SHA1:RSA+SHA224:"
    "RSA+SHA1:DSA+SHA224:DSA+SHA1:DSA+SHA256:DSA+SHA384:DSA+SHA512";
static const char all_groups[] =
    "x25519:secp256r1:x448:secp521r1:secp384r1:ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:"
    "ffdhe8192";

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void audit_tls_set_text(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, cap, fmt, ap);
    va_end(ap);
    if (n < 0 && cap > 0) {
        out[0] = '\0';
    }
}

static void format_timeout(char *out, size_t cap, unsigned ms)
{
    if (ms % 1000 == 0) {
        audit_tls_set_text(out, cap, "%u s", ms / 1000);
    } else {
        audit_tls_set_text(out, cap, "%u ms", ms);
    }
}

static void format_addr(char *out, size_t cap, const struct sockaddr *sa)
{
    char ip[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
        inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
        port = ntohs(s6->sin6_port);
        audit_tls_set_text(out, cap, "[%s]:%u", ip, port);
        return;
    }
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
    inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
    port = ntohs(s4->sin_port);
    audit_tls_set_text(out, cap, "%s:%u", ip, port);
}

// wait_fd polls `fd` for `events` until `deadline` (CLOCK_MONOTONIC ms). It returns false on
// timeout.
static bool wait_fd(int fd, short events, long long deadline)
{
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            return false;
        }
        struct pollfd p = {.fd = fd, .events = events};
        int r = poll(&p, 1, left > 60000 ? 60000 : (int)left);
        if (r > 0) {
            return true;
        }
        if (r < 0 && errno != EINTR) {
            return true;  // let the caller's next call report the error
        }
    }
}

// tcp_connect connects to `sa` without blocking past `deadline`. It returns the socket, or -1
// with `err` set.
static int tcp_connect(char *err, size_t err_len, const struct sockaddr *sa, socklen_t sa_len,
                       long long deadline, unsigned timeout_ms)
{
    char where[AUDIT_MAX_HOST + 16];
    format_addr(where, sizeof(where), sa);
    int fd = socket(sa->sa_family, SOCK_STREAM, 0);
    if (fd < 0) {
        audit_tls_set_text(err, err_len, "socket: %s", strerror(errno));
        return -1;
    }
    int fl = fcntl(fd, F_GETFL, 0);
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        audit_tls_set_text(err, err_len, "fcntl: %s", strerror(errno));
        close(fd);
        return -1;
    }
    int r = connect(fd, sa, sa_len);
    if (r < 0 && errno != EINPROGRESS) {
        audit_tls_set_text(err, err_len, "connect to %s: %s", where, strerror(errno));
        close(fd);
        return -1;
    }
    if (r < 0) {
        if (!wait_fd(fd, POLLOUT, deadline)) {
            char tb[32];
            format_timeout(tb, sizeof(tb), timeout_ms);
            audit_tls_set_text(err, err_len, "connect to %s: timed out after %s", where, tb);
            close(fd);
            return -1;
        }
        int soerr = 0;
        socklen_t len = sizeof(soerr);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0) {
            soerr = errno;
        }
        if (soerr != 0) {
            audit_tls_set_text(err, err_len, "connect to %s: %s", where, strerror(soerr));
            close(fd);
            return -1;
        }
    }
    return fd;
}

static bool is_ip_literal(const char *s)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

bool audit_tls_env_init(struct audit_tls_env *env, char *err, size_t err_len,
                        const struct audit_target *t)
{
    memset(env, 0, sizeof(*env));
    env->timeout_ms = t->timeout_ms != 0 ? t->timeout_ms : 5000;
    const char *name = t->sni[0] != '\0' ? t->sni : t->host;
    if (!is_ip_literal(name)) {
        audit_tls_set_text(env->sni, sizeof(env->sni), "%s", name);
    }

    char port[8];
    audit_tls_set_text(port, sizeof(port), "%u", (unsigned)t->port);
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(t->host, port, &hints, &res);
    if (gai != 0 || res == NULL) {
        audit_tls_set_text(err, err_len, "no address for %s: %s", t->host,
                           gai != 0 ? gai_strerror(gai) : "empty answer");
        return false;
    }
    bool ok = false;
    for (const struct addrinfo *ai = res; ai != NULL && !ok; ai = ai->ai_next) {
        if (ai->ai_addrlen > sizeof(env->addr)) {
            continue;
        }
        long long deadline = now_ms() + env->timeout_ms;
        int fd = tcp_connect(err, err_len, ai->ai_addr, ai->ai_addrlen, deadline, env->timeout_ms);
        if (fd >= 0) {
            close(fd);
            memcpy(&env->addr, ai->ai_addr, ai->ai_addrlen);
            env->addr_len = ai->ai_addrlen;
            format_addr(env->where, sizeof(env->where), ai->ai_addr);
            ok = true;
        }
    }
    freeaddrinfo(res);
    return ok;
}

// new_session keeps the newest session the server issued (a TLS 1.2 session ID or ticket, or
// a TLS 1.3 ticket) in the probe's connection.
static int new_session(SSL *ssl, SSL_SESSION *sess)
{
    struct audit_tls_conn *c = SSL_get_app_data(ssl);
    if (c == NULL) {
        return 0;
    }
    SSL_SESSION_free(c->session);
    c->session = sess;
    return 1;
}

// note_alert records the first alert the server sent, which says more than the error queue.
static void note_alert(const SSL *ssl, int where, int ret)
{
    if ((where & SSL_CB_READ_ALERT) != SSL_CB_READ_ALERT || (ret >> 8) != SSL3_AL_FATAL) {
        return;
    }
    struct audit_tls_conn *c = SSL_get_app_data(ssl);
    if (c != NULL && c->error[0] == '\0') {
        audit_tls_set_text(c->error, sizeof(c->error), "server alert: %s",
                           SSL_alert_desc_string_long(ret));
    }
}

static SSL_CTX *make_ctx(const struct audit_tls_offer *o)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) {
        return NULL;
    }
    char buf[512];
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    // OpenSSL 3 refuses servers without RFC 5746 by default; the audit wants to see them.
    SSL_CTX_set_options(ctx, SSL_OP_LEGACY_SERVER_CONNECT);
    // A system configuration may have set "Protocol = -TLSv1" (these bits) or
    // "SignatureAlgorithms": undo both, min = max below picks the version.
    SSL_CTX_clear_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 |
                                   SSL_OP_NO_TLSv1_1 | SSL_OP_NO_TLSv1_2 | SSL_OP_NO_TLSv1_3);
    audit_tls_set_text(buf, sizeof(buf), "%s", all_sigalgs);  // the macro casts to `char *`
    if (SSL_CTX_set1_sigalgs_list(ctx, buf) != 1) {
        ERR_clear_error();  // keep OpenSSL's defaults
    }
    SSL_CTX_set_info_callback(ctx, note_alert);
    bool ok = SSL_CTX_set_min_proto_version(ctx, o->version) == 1 &&
              SSL_CTX_set_max_proto_version(ctx, o->version) == 1;
    if (ok && o->ciphers != NULL) {
        size_t n = strlen(o->ciphers) + sizeof(":@SECLEVEL=0");
        char *list = OPENSSL_malloc(n);
        ok = list != NULL;
        if (ok) {
            audit_tls_set_text(list, n, "%s:@SECLEVEL=0", o->ciphers);
            ok = SSL_CTX_set_cipher_list(ctx, list) == 1;
        }
        OPENSSL_free(list);
    } else if (ok) {
        ok = SSL_CTX_set_cipher_list(ctx, all_ciphers) == 1;
    }
    ok = ok && SSL_CTX_set_ciphersuites(ctx, o->suites != NULL ? o->suites : all_suites) == 1;
    if (ok) {
        // The macro casts its argument to `char *`; give it a mutable copy.
        audit_tls_set_text(buf, sizeof(buf), "%s", o->groups != NULL ? o->groups : all_groups);
        ok = SSL_CTX_set1_groups_list(ctx, buf) == 1;
    }
    if (ok && o->want_session) {
        SSL_CTX_set_session_cache_mode(ctx,
                                       SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
        SSL_CTX_sess_set_new_cb(ctx, new_session);
    }
    if (!ok) {
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

static bool reason_is_local(unsigned long code)
{
    if (ERR_GET_LIB(code) != ERR_LIB_SSL) {
        return false;
    }
    int r = ERR_GET_REASON(code);
    return r == SSL_R_NO_PROTOCOLS_AVAILABLE || r == SSL_R_NO_CIPHERS_AVAILABLE ||
           r == SSL_R_NO_CIPHER_MATCH;
}

// describe_failure fills c->error (unless an alert already did) after SSL_connect failed.
static void describe_failure(struct audit_tls_conn *c, int ssl_err, int sys_errno)
{
    unsigned long code = ERR_peek_error();
    if (code != 0 && reason_is_local(code)) {
        c->local = true;
        const char *why = ERR_reason_error_string(code);
        audit_tls_set_text(c->error, sizeof(c->error), "%s",
                           why != NULL ? why : "not offered locally");
        return;
    }
    if (c->error[0] != '\0') {
        return;
    }
    if (ERR_GET_LIB(code) == ERR_LIB_SSL && ERR_GET_REASON(code) == SSL_R_UNSUPPORTED_PROTOCOL) {
        audit_tls_set_text(c->error, sizeof(c->error),
                           "the server answered with another version (unsupported protocol)");
    } else if (code != 0) {
        const char *why = ERR_reason_error_string(code);
        if (why != NULL) {
            audit_tls_set_text(c->error, sizeof(c->error), "%s", why);
        } else {
            audit_tls_set_text(c->error, sizeof(c->error), "OpenSSL error 0x%lx", code);
        }
    } else if (ssl_err == SSL_ERROR_SYSCALL && sys_errno != 0) {
        audit_tls_set_text(c->error, sizeof(c->error), "%s", strerror(sys_errno));
    } else {
        audit_tls_set_text(c->error, sizeof(c->error), "connection closed by the server");
    }
}

// handshake drives SSL_connect to completion or failure before `deadline`.
static bool handshake(struct audit_tls_conn *c, long long deadline, unsigned timeout_ms)
{
    for (;;) {
        ERR_clear_error();
        errno = 0;
        int r = SSL_connect(c->ssl);
        if (r == 1) {
            return true;
        }
        int sys_errno = errno;
        int e = SSL_get_error(c->ssl, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
            if (!wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
                char tb[32];
                format_timeout(tb, sizeof(tb), timeout_ms);
                audit_tls_set_text(c->error, sizeof(c->error), "handshake timed out after %s", tb);
                return false;
            }
            continue;
        }
        describe_failure(c, e, sys_errno);
        return false;
    }
}

// collect_ticket reads briefly after a TLS 1.3 handshake: the server's NewSessionTicket comes
// after Finished. A SIP server sends nothing else, so WANT_READ until the time is up is normal.
static void collect_ticket(struct audit_tls_conn *c, long long deadline)
{
    long long until = now_ms() + TICKET_WAIT_MS;
    if (until > deadline) {
        until = deadline;
    }
    unsigned char buf[512];
    while (c->session == NULL) {
        ERR_clear_error();
        int r = SSL_read(c->ssl, buf, (int)sizeof(buf));
        if (r > 0) {
            continue;
        }
        int e = SSL_get_error(c->ssl, r);
        if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
            break;
        }
        if (!wait_fd(c->fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, until)) {
            break;
        }
    }
    ERR_clear_error();
}

bool audit_tls_conn_open(struct audit_tls_conn *c, const struct audit_tls_env *env,
                         const struct audit_tls_offer *offer)
{
    memset(c, 0, sizeof(*c));
    c->fd = -1;
    ERR_clear_error();
    long long deadline = now_ms() + env->timeout_ms;
    c->ctx = make_ctx(offer);
    if (c->ctx == NULL) {
        c->local = true;
        audit_tls_set_text(c->error, sizeof(c->error), "the local OpenSSL cannot make this offer");
        ERR_clear_error();
        return false;
    }
    c->fd = tcp_connect(c->error, sizeof(c->error), (const struct sockaddr *)&env->addr,
                        env->addr_len, deadline, env->timeout_ms);
    if (c->fd < 0) {
        c->tcp_failed = true;
        return false;
    }
    c->ssl = SSL_new(c->ctx);
    if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1 || SSL_set_app_data(c->ssl, c) != 1) {
        audit_tls_set_text(c->error, sizeof(c->error), "SSL_new failed");
        ERR_clear_error();
        return false;
    }
    if (env->sni[0] != '\0') {
        char sni[AUDIT_MAX_HOST];  // the macro casts away const
        audit_tls_set_text(sni, sizeof(sni), "%s", env->sni);
        (void)SSL_set_tlsext_host_name(c->ssl, sni);
    }
    if (offer->resume != NULL) {
        (void)SSL_set_session(c->ssl, offer->resume);
    }
    bool ok = handshake(c, deadline, env->timeout_ms);
    if (ok) {
        c->error[0] = '\0';
        if (offer->want_session && SSL_version(c->ssl) == TLS1_3_VERSION) {
            collect_ticket(c, deadline);
        }
    }
    ERR_clear_error();
    return ok;
}

void audit_tls_conn_close(struct audit_tls_conn *c)
{
    if (c->ssl != NULL) {
        if (SSL_is_init_finished(c->ssl)) {
            (void)SSL_shutdown(c->ssl);  // one non-blocking try: close_notify keeps the session
        }
        SSL_free(c->ssl);
    }
    SSL_CTX_free(c->ctx);
    SSL_SESSION_free(c->session);
    if (c->fd >= 0) {
        close(c->fd);
    }
    memset(c, 0, sizeof(*c));
    c->fd = -1;
    ERR_clear_error();
}

size_t audit_tls_local_ciphers(struct audit_tls_candidate *out, size_t max, int version)
{
    struct audit_tls_offer o = {.version = version};
    SSL_CTX *ctx = make_ctx(&o);
    SSL *ssl = ctx != NULL ? SSL_new(ctx) : NULL;
    STACK_OF(SSL_CIPHER) *sk = ssl != NULL ? SSL_get1_supported_ciphers(ssl) : NULL;
    size_t n = 0;
    for (int i = 0; sk != NULL && i < sk_SSL_CIPHER_num(sk) && n < max; i++) {
        const SSL_CIPHER *ci = sk_SSL_CIPHER_value(sk, i);
        out[n].id = SSL_CIPHER_get_id(ci);
        audit_tls_set_text(out[n].name, sizeof(out[n].name), "%s", SSL_CIPHER_get_name(ci));
        n++;
    }
    sk_SSL_CIPHER_free(sk);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return n;
}
