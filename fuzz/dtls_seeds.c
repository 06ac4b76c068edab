// Writes the seed corpus of fuzz_dtls: what a galois client sends a galois server in real
// in-memory handshakes, in fuzz/dtls.c's input format (16-bit length, datagram, ...).
//   fuzz_dtls_seeds fuzz/corpus/dtls
// Seeds: the ClientHello alone; the client's whole side of a handshake, per default and
// per single profile (the later flights cannot authenticate against the fuzzer's server,
// whose random differs, but their framing and headers are real); the ClientHello split into
// two fragments; and the ClientHello followed by garbage.
#include <stdio.h>
#include <string.h>

#include "dtls/internal.h"

enum { MAX_SEED = 65536 };

struct seed {
    uint8_t b[MAX_SEED];
    size_t len;
};

static void add(struct seed *s, const uint8_t *d, size_t n)
{
    if (s->len + 2 + n > sizeof(s->b)) {
        return;
    }
    galois_put_u16(s->b + s->len, (uint16_t)n);
    memcpy(s->b + s->len + 2, d, n);
    s->len += 2 + n;
}

static int save(const char *dir, const char *name, const struct seed *s)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(s->b, 1, s->len, f) != s->len || fclose(f) != 0) {
        perror(path);
        return 1;
    }
    return 0;
}

// handshake runs one in-memory handshake and records the client's datagrams in `all` and its
// first one in `hello`.
static int handshake(const char *profiles, struct seed *all, uint8_t *hello, size_t *hello_len)
{
    struct galois_dtls_cert *cc = NULL;
    struct galois_dtls_cert *sc = NULL;
    struct galois_dtls_fingerprint cfp;
    struct galois_dtls_fingerprint sfp;
    struct galois_dtls_policy pol;
    struct galois_dtls *c = NULL;
    struct galois_dtls *s = NULL;
    galois_dtls_policy_default(&pol);
    if (profiles != NULL) {
        memcpy(pol.profiles, profiles, strlen(profiles) + 1);
    }
    if (galois_dtls_cert_generate(&cc, 1) != GALOIS_ERR_OK ||
        galois_dtls_cert_generate(&sc, 1) != GALOIS_ERR_OK ||
        galois_dtls_cert_fingerprint(&cfp, cc, GALOIS_DTLS_HASH_SHA256) != GALOIS_ERR_OK ||
        galois_dtls_cert_fingerprint(&sfp, sc, GALOIS_DTLS_HASH_SHA256) != GALOIS_ERR_OK ||
        galois_dtls_new(&c, GALOIS_DTLS_CLIENT, &pol, cc, &sfp, 1, NULL, 0) != GALOIS_ERR_OK ||
        galois_dtls_new(&s, GALOIS_DTLS_SERVER, &pol, sc, &cfp, 1, NULL, 0) != GALOIS_ERR_OK) {
        return 1;
    }
    uint8_t buf[2048];
    size_t n = 0;
    bool first = true;
    for (int i = 0; i < 20; i++) {
        bool moved = false;
        while (galois_dtls_output(c, buf, &n, sizeof(buf)) == GALOIS_ERR_OK && n > 0) {
            add(all, buf, n);
            if (first) {
                memcpy(hello, buf, n);
                *hello_len = n;
                first = false;
            }
            galois_err err = galois_dtls_input(s, buf, n);
            (void)err;
            moved = true;
        }
        while (galois_dtls_output(s, buf, &n, sizeof(buf)) == GALOIS_ERR_OK && n > 0) {
            galois_err err = galois_dtls_input(c, buf, n);
            (void)err;
            moved = true;
        }
        if (!moved) {
            break;
        }
    }
    int rc = galois_dtls_state(c) == GALOIS_DTLS_CONNECTED ? 0 : 1;
    galois_dtls_free(c);
    galois_dtls_free(s);
    galois_dtls_cert_free(cc);
    galois_dtls_cert_free(sc);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    static const char *const profiles[] = {
        NULL,
        "SRTP_AEAD_AES_128_GCM",
        "SRTP_AES128_CM_SHA1_80",
        "SRTP_AES128_CM_SHA1_32",
    };
    static struct seed all;
    static struct seed one;
    uint8_t hello[2048];
    size_t hello_len = 0;
    int rc = 0;
    for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
        char name[64];
        all.len = 0;
        rc |= handshake(profiles[i], &all, hello, &hello_len);
        snprintf(name, sizeof(name), "handshake-%zu", i);
        rc |= save(argv[1], name, &all);
        one.len = 0;
        add(&one, hello, hello_len);
        snprintf(name, sizeof(name), "client-hello-%zu", i);
        rc |= save(argv[1], name, &one);
    }
    // The ClientHello in two fragments (record header 13 bytes, handshake header 12).
    if (hello_len > 60) {
        size_t body = hello_len - 25;
        size_t first = body / 2;
        size_t second = body - first;
        uint8_t a[2048];
        uint8_t b[2048];
        memcpy(a, hello, 25 + first);
        galois_put_u16(a + 11, (uint16_t)(12 + first));
        a[22] = 0;
        galois_put_u16(a + 23, (uint16_t)first);
        memcpy(b, hello, 25);
        memcpy(b + 25, hello + 25 + first, second);
        b[10] = (uint8_t)(b[10] + 1);
        galois_put_u16(b + 11, (uint16_t)(12 + second));
        b[19] = 0;
        galois_put_u16(b + 20, (uint16_t)first);
        b[22] = 0;
        galois_put_u16(b + 23, (uint16_t)second);
        one.len = 0;
        add(&one, a, 25 + first);
        add(&one, b, 25 + second);
        add(&one, b, 25 + second);
        rc |= save(argv[1], "client-hello-split", &one);
        static const uint8_t junk[] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42,
                                       0x80, 0x00, 0x00, 0x01, 22,   0xfe, 0xfd, 0x00};
        one.len = 0;
        add(&one, junk, sizeof(junk));
        add(&one, hello, hello_len);
        add(&one, junk + 8, 8);
        rc |= save(argv[1], "client-hello-junk", &one);
    }
    return rc;
}
