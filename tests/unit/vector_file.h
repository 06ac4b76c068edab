// Reader for the test-vector files in $GALOIS_VECTORS (format: tests/vectors/README.md).
//
// Header-only: every tests/unit/<layer>/<name>_test.c is its own program. The reader never
// uses galois code (the hex decoder under test is not trusted to read its own vectors), and it
// fails the running cmocka test loudly for anything missing: no GALOIS_VECTORS, no file, a
// file with no case, a case or a field a test asks for that is not there, a malformed value.
#ifndef GALOIS_TESTS_UNIT_VECTOR_FILE_H
#define GALOIS_TESTS_UNIT_VECTOR_FILE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

// VF_FAIL fails the running test with a printf-style message (cmocka's fail() does not
// return; abort() only tells the compiler so).
#define VF_FAIL(...)              \
    do {                          \
        print_error(__VA_ARGS__); \
        print_error("\n");        \
        fail();                   \
        abort();                  \
    } while (0)

enum {
    VF_MAX_FIELDS = 64,
    VF_MAX_LINE = 1024,
    VF_MAX_BYTES = 256,  // the longest hex value in the files is 94 octets
};

struct vf_field {
    char *name;
    char *value;
};

struct vf_case {
    char *name;
    const char *file;  // the file's base name, for messages
    struct vf_field fields[VF_MAX_FIELDS];
    size_t num_fields;
};

struct vf_file {
    char *name;
    struct vf_case *cases;
    size_t num_cases;
};

// vf_bytes is a decoded hex field.
struct vf_bytes {
    uint8_t b[VF_MAX_BYTES];
    size_t len;
};

static inline char *vf_strdup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d == NULL) {
        VF_FAIL("out of memory");
    }
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static inline void vf_add_field(struct vf_file *f, const char *line, unsigned lineno)
{
    const char *eq = strstr(line, " = ");
    if (f->num_cases == 0) {
        VF_FAIL("%s:%u: field before the first [case]", f->name, lineno);
    }
    if (eq == NULL || eq == line) {
        VF_FAIL("%s:%u: not a 'name = value' line: %s", f->name, lineno, line);
    }
    for (const char *p = line; p < eq; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) {
            VF_FAIL("%s:%u: bad field name in: %s", f->name, lineno, line);
        }
    }
    struct vf_case *c = &f->cases[f->num_cases - 1];
    char *name = vf_strdup(line, (size_t)(eq - line));
    for (size_t i = 0; i < c->num_fields; i++) {
        if (strcmp(c->fields[i].name, name) == 0) {
            VF_FAIL("%s:%u: field %s twice in [%s]", f->name, lineno, name, c->name);
        }
    }
    if (c->num_fields == VF_MAX_FIELDS) {
        VF_FAIL("%s:%u: too many fields in [%s]", f->name, lineno, c->name);
    }
    c->fields[c->num_fields].name = name;
    c->fields[c->num_fields].value = vf_strdup(eq + 3, strlen(eq + 3));
    c->num_fields++;
}

static inline void vf_add_case(struct vf_file *f, const char *line, unsigned lineno)
{
    size_t n = strlen(line);
    if (n < 3 || line[n - 1] != ']' || memchr(line + 1, ']', n - 2) != NULL) {
        VF_FAIL("%s:%u: bad case header: %s", f->name, lineno, line);
    }
    struct vf_case *grown = realloc(f->cases, (f->num_cases + 1) * sizeof(*grown));
    if (grown == NULL) {
        VF_FAIL("out of memory");
    }
    f->cases = grown;
    struct vf_case *c = &f->cases[f->num_cases++];
    memset(c, 0, sizeof(*c));
    c->name = vf_strdup(line + 1, n - 2);
    c->file = f->name;
}

// vf_open reads $GALOIS_VECTORS/<name>. It fails the test if the variable or the file is
// missing, a line is malformed, or the file holds no case. Release with vf_close.
static inline struct vf_file *vf_open(const char *name)
{
    const char *dir = getenv("GALOIS_VECTORS");
    if (dir == NULL || dir[0] == '\0') {
        VF_FAIL("GALOIS_VECTORS is not set: run the tests through ctest");
    }
    char path[4096];
    int n = snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        VF_FAIL("vector path too long");
    }
    FILE *fp = fopen(path, "r");
    if (fp == NULL) {
        VF_FAIL("cannot open vector file %s", path);
    }
    struct vf_file *f = calloc(1, sizeof(*f));
    if (f == NULL) {
        VF_FAIL("out of memory");
    }
    f->name = vf_strdup(name, strlen(name));
    char line[VF_MAX_LINE];
    unsigned lineno = 0;
    while (fgets(line, sizeof(line), fp) != NULL) {
        lineno++;
        size_t len = strlen(line);
        if (len > 0 && line[len - 1] != '\n' && !feof(fp)) {
            VF_FAIL("%s:%u: line too long", name, lineno);
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
            line[--len] = '\0';
        }
        if (len == 0 || line[0] == '#') {
            continue;
        }
        if (line[0] == '[') {
            vf_add_case(f, line, lineno);
        } else {
            vf_add_field(f, line, lineno);
        }
    }
    fclose(fp);
    if (f->num_cases == 0) {
        VF_FAIL("%s holds no test case", path);
    }
    return f;
}

static inline void vf_close(struct vf_file *f)
{
    if (f == NULL) {
        return;
    }
    for (size_t i = 0; i < f->num_cases; i++) {
        for (size_t j = 0; j < f->cases[i].num_fields; j++) {
            free(f->cases[i].fields[j].name);
            free(f->cases[i].fields[j].value);
        }
        free(f->cases[i].name);
    }
    free(f->cases);
    free(f->name);
    free(f);
}

static inline bool vf_name_starts(const struct vf_case *c, const char *prefix)
{
    return strncmp(c->name, prefix, strlen(prefix)) == 0;
}

// vf_case_named returns the one case whose name starts with `prefix`; it fails the test if
// there is none or more than one.
static inline const struct vf_case *vf_case_named(const struct vf_file *f, const char *prefix)
{
    const struct vf_case *hit = NULL;
    for (size_t i = 0; i < f->num_cases; i++) {
        if (vf_name_starts(&f->cases[i], prefix)) {
            if (hit != NULL) {
                VF_FAIL("%s: more than one case starts with \"%s\"", f->name, prefix);
            }
            hit = &f->cases[i];
        }
    }
    if (hit == NULL) {
        VF_FAIL("%s: no case starts with \"%s\"", f->name, prefix);
    }
    return hit;
}

static inline const char *vf_find(const struct vf_case *c, const char *field)
{
    for (size_t i = 0; i < c->num_fields; i++) {
        if (strcmp(c->fields[i].name, field) == 0) {
            return c->fields[i].value;
        }
    }
    return NULL;
}

static inline bool vf_has(const struct vf_case *c, const char *field)
{
    return vf_find(c, field) != NULL;
}

// vf_text returns the value of `field`; it fails the test if the case has no such field.
static inline const char *vf_text(const struct vf_case *c, const char *field)
{
    const char *v = vf_find(c, field);
    if (v == NULL) {
        VF_FAIL("%s [%s]: missing field %s", c->file, c->name, field);
    }
    return v;
}

static inline int vf_hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

// vf_hex decodes the hex `field`; it fails the test if it is missing, not whole octets of
// hex, or longer than VF_MAX_BYTES.
static inline struct vf_bytes vf_hex(const struct vf_case *c, const char *field)
{
    struct vf_bytes out;
    const char *v = vf_text(c, field);
    size_t n = strlen(v);
    if (n % 2 != 0 || n / 2 > VF_MAX_BYTES) {
        VF_FAIL("%s [%s]: field %s: bad hex length %zu", c->file, c->name, field, n);
    }
    for (size_t i = 0; i < n / 2; i++) {
        int hi = vf_hex_digit(v[2 * i]);
        int lo = vf_hex_digit(v[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            VF_FAIL("%s [%s]: field %s: not hex", c->file, c->name, field);
        }
        out.b[i] = (uint8_t)((hi << 4) | lo);
    }
    out.len = n / 2;
    return out;
}

// vf_hex_exact is vf_hex that also fails unless the value is exactly `len` octets.
static inline struct vf_bytes vf_hex_exact(const struct vf_case *c, const char *field, size_t len)
{
    struct vf_bytes out = vf_hex(c, field);
    if (out.len != len) {
        VF_FAIL("%s [%s]: field %s is %zu octets, expected %zu", c->file, c->name, field, out.len,
                len);
    }
    return out;
}

// vf_uint reads a big-endian hex field of 1..8 octets as an integer.
static inline uint64_t vf_uint(const struct vf_case *c, const char *field)
{
    struct vf_bytes b = vf_hex(c, field);
    if (b.len == 0 || b.len > 8) {
        VF_FAIL("%s [%s]: field %s is not a 1..8 octet integer", c->file, c->name, field);
    }
    uint64_t v = 0;
    for (size_t i = 0; i < b.len; i++) {
        v = (v << 8) | b.b[i];
    }
    return v;
}

// vf_dec reads a decimal field.
static inline uint64_t vf_dec(const struct vf_case *c, const char *field)
{
    const char *v = vf_text(c, field);
    uint64_t out = 0;
    if (*v == '\0') {
        VF_FAIL("%s [%s]: field %s is empty", c->file, c->name, field);
    }
    for (const char *p = v; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || out > (UINT64_MAX - 9) / 10) {
            VF_FAIL("%s [%s]: field %s is not a decimal number", c->file, c->name, field);
        }
        out = out * 10 + (uint64_t)(*p - '0');
    }
    return out;
}

static inline void vf_print_hex(const char *label, const uint8_t *p, size_t len)
{
    print_error("  %s (%zu octets): ", label, len);
    for (size_t i = 0; i < len; i++) {
        print_error("%02x", p[i]);
    }
    print_error("\n");
}

// vf_expect_bytes fails the test with both values in hex, and the first differing octet,
// unless `got` equals `want`. `what` names the case and the value.
static inline void vf_expect_bytes(const char *what, const uint8_t *got, size_t got_len,
                                   const uint8_t *want, size_t want_len)
{
    if (got_len == want_len && (want_len == 0 || memcmp(got, want, want_len) == 0)) {
        return;
    }
    size_t first = 0;
    while (first < got_len && first < want_len && got[first] == want[first]) {
        first++;
    }
    print_error("%s: mismatch at octet %zu\n", what, first);
    vf_print_hex("expected", want, want_len);
    vf_print_hex("got     ", got, got_len);
    VF_FAIL("%s: got %zu octets, expected %zu, first difference at octet %zu", what, got_len,
            want_len, first);
}

#endif  // GALOIS_TESTS_UNIT_VECTOR_FILE_H
