// Whether Nettle's SHA-1 runs on the x86-64 SHA extensions (SHA-NI) in this process: the one
// condition under which the DEFAULT backend prefers Nettle's HMAC-SHA1 to OpenSSL's.
//
// Measured (docs/ENGINE.md, "HMAC-SHA1 on Nettle"): with SHA-NI, Nettle's HMAC-SHA1 takes a
// 160-byte AES-CM packet to ~0.8x the EVP floor, because it copies its states with memcpy where
// OpenSSL 3.0 re-allocates a provider context. Without SHA-NI Nettle falls back to its plain
// x86-64 compression while OpenSSL uses AVX2, and galois on Nettle is level with galois on
// OpenSSL at 160 bytes and 1.3-1.4x slower at 1200 bytes. Elsewhere (not x86-64) nothing was
// measured, so OpenSSL, the known floor, is kept.
//
// The CPU is asked once per process. Nettle itself believes NETTLE_FAT_OVERRIDE, when set,
// instead of the CPU (its fat-x86_64.c): a list there without "sha_ni" turns SHA-NI off for
// Nettle, and so for this decision too.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "../common/internal.h"
#include "internal.h"

enum {
    CPUID_LEAF_EXT_FEATURES = 7,
    CPUID_EBX_SHA = 1u << 29,  // leaf 7, sub-leaf 0, EBX: the SHA extensions
};

static pthread_once_t sha_ni_once = PTHREAD_ONCE_INIT;
static bool sha_ni_cpu;  // what the CPU (and NETTLE_FAT_OVERRIDE) said, once
static char sha_ni_why[160];
static int sha_ni_forced = -1;  // galois_crypto_set_sha_ni: -1 = ask the CPU

// listed tells whether the comma-separated `list` holds `word` as one whole item.
static bool listed(const char *list, const char *word)
{
    size_t word_len = strlen(word);
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        if (len == word_len && memcmp(p, word, len) == 0) {
            return true;
        }
        if (comma == NULL) {
            return false;
        }
        p = comma + 1;
    }
}

bool galois_crypto_sha_ni_from(bool cpu_has_sha, const char *nettle_override, char *why,
                               size_t why_len)
{
    const char *text = "this CPU has SHA-NI";
    bool yes = false;
    if (!cpu_has_sha) {
        text = "this CPU has no SHA-NI";
    } else if (nettle_override != NULL && !listed(nettle_override, "sha_ni")) {
        text = "SHA-NI is off for Nettle (NETTLE_FAT_OVERRIDE does not list sha_ni)";
    } else {
        yes = true;
    }
    if (why != NULL && why_len > 0) {
        snprintf(why, why_len, "%s", text);
    }
    return yes;
}

static void sha_ni_check(void)
{
#if defined(__x86_64__)
    unsigned eax = 0;
    unsigned ebx = 0;
    unsigned ecx = 0;
    unsigned edx = 0;
    // 0 when the CPU has no leaf 7: then it has no SHA extensions either.
    bool cpu = __get_cpuid_count(CPUID_LEAF_EXT_FEATURES, 0, &eax, &ebx, &ecx, &edx) != 0 &&
               (ebx & CPUID_EBX_SHA) != 0;
    sha_ni_cpu = galois_crypto_sha_ni_from(cpu, getenv("NETTLE_FAT_OVERRIDE"), sha_ni_why,
                                           sizeof(sha_ni_why));
#else
    sha_ni_cpu = false;
    snprintf(sha_ni_why, sizeof(sha_ni_why),
             "not an x86-64 CPU (Nettle was measured ahead of OpenSSL only with x86-64 SHA-NI)");
#endif
}

bool galois_crypto_sha_ni(char *why, size_t why_len)
{
    const char *text = NULL;
    bool yes = false;
    if (sha_ni_forced >= 0) {
        yes = sha_ni_forced != 0;
        text = yes ? "SHA-NI present (set by a test)" : "SHA-NI absent (set by a test)";
    } else {
        GALOIS_CHECK(pthread_once(&sha_ni_once, sha_ni_check) == 0);
        yes = sha_ni_cpu;
        text = sha_ni_why;
    }
    if (why != NULL && why_len > 0) {
        snprintf(why, why_len, "%s", text);
    }
    return yes;
}

void galois_crypto_set_sha_ni(int answer)
{
    sha_ni_forced = answer < 0 ? -1 : answer != 0;
}
