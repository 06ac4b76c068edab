// The SHA-NI answer that decides whether DEFAULT puts HMAC-SHA1 on Nettle (src/crypto/cpu.c):
// the rule over the CPU's answer and NETTLE_FAT_OVERRIDE, case by case; the CPU's answer checked
// against the kernel's own view of the CPU (/proc/cpuinfo's "sha_ni" flag, on x86-64 Linux); the
// test hook forcing it both ways and back. (Not for running under valgrind, which hides SHA-NI
// from CPUID but not from /proc/cpuinfo.)
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

#include "crypto/internal.h"

static void test_rule(void **state)
{
    (void)state;
    static const struct {
        bool cpu;
        const char *override;  // NETTLE_FAT_OVERRIDE, NULL when unset
        bool yes;
        const char *why;
    } cases[] = {
        {true, NULL, true, "this CPU has SHA-NI"},
        {false, NULL, false, "this CPU has no SHA-NI"},
        // Nettle believes the list, not the CPU: without sha_ni in it, Nettle's SHA-1 is slow.
        {true, "vendor:amd,aesni,pclmul", false, "NETTLE_FAT_OVERRIDE does not list sha_ni"},
        {true, "", false, "NETTLE_FAT_OVERRIDE does not list sha_ni"},
        {true, "none", false, "NETTLE_FAT_OVERRIDE does not list sha_ni"},
        {true, "sha_ni", true, "this CPU has SHA-NI"},
        {true, "aesni,sha_ni,pclmul", true, "this CPU has SHA-NI"},
        {true, "aesni,pclmul,sha_ni", true, "this CPU has SHA-NI"},
        // Whole items only.
        {true, "sha_nix,aesni", false, "NETTLE_FAT_OVERRIDE does not list sha_ni"},
        {true, "aesni,xsha_ni", false, "NETTLE_FAT_OVERRIDE does not list sha_ni"},
        {true, "sha_n", false, "NETTLE_FAT_OVERRIDE does not list sha_ni"},
        {true, ",sha_ni,", true, "this CPU has SHA-NI"},
        // A list cannot give the CPU what it lacks.
        {false, "sha_ni", false, "this CPU has no SHA-NI"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char why[160];
        memset(why, 'x', sizeof(why));
        bool yes = galois_crypto_sha_ni_from(cases[i].cpu, cases[i].override, why, sizeof(why));
        if (yes != cases[i].yes || strstr(why, cases[i].why) == NULL) {
            fail_msg("case %zu (cpu %d, override \"%s\"): %d \"%s\", expected %d \"%s\"", i,
                     cases[i].cpu, cases[i].override ? cases[i].override : "(unset)", yes, why,
                     cases[i].yes, cases[i].why);
        }
        // No buffer is fine; the answer is the same.
        assert_int_equal(galois_crypto_sha_ni_from(cases[i].cpu, cases[i].override, NULL, 0),
                         cases[i].yes);
    }
    // A short buffer is cut and terminated.
    char shorter[5];
    assert_true(galois_crypto_sha_ni_from(true, NULL, shorter, sizeof(shorter)));
    assert_string_equal(shorter, "this");
}

// cpuinfo_sha_ni tells whether the kernel lists "sha_ni" among the first CPU's flags; -1 when
// there is no /proc/cpuinfo flags line to read.
static int cpuinfo_sha_ni(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL) {
        return -1;
    }
    char line[8192];
    int found = -1;
    while (found < 0 && fgets(line, sizeof(line), f) != NULL) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "flags", 5) != 0 || colon == NULL) {
            continue;
        }
        found = 0;
        for (char *tok = strtok(colon + 1, " \t\n"); tok != NULL; tok = strtok(NULL, " \t\n")) {
            if (strcmp(tok, "sha_ni") == 0) {
                found = 1;
            }
        }
    }
    fclose(f);
    return found;
}

static void test_cpu(void **state)
{
    (void)state;
    char why[160];
    bool yes = galois_crypto_sha_ni(why, sizeof(why));
    printf("galois_crypto_sha_ni: %d (%s)\n", yes, why);
    // Asked twice, the same answer (it is kept for the process).
    char again[160];
    assert_int_equal(galois_crypto_sha_ni(again, sizeof(again)), yes);
    assert_string_equal(again, why);
#if defined(__x86_64__) && defined(__linux__)
    int kernel = cpuinfo_sha_ni();
    if (kernel < 0) {
        skip();
    }
    const char *override = getenv("NETTLE_FAT_OVERRIDE");
    bool expected = galois_crypto_sha_ni_from(kernel == 1, override, NULL, 0);
    if (yes != expected) {
        fail_msg(
            "galois_crypto_sha_ni says %d (%s); /proc/cpuinfo sha_ni %d and "
            "NETTLE_FAT_OVERRIDE %s give %d",
            yes, why, kernel, override ? override : "(unset)", expected);
    }
#else
    // Elsewhere Nettle is not preferred (only x86-64 SHA-NI was measured).
    assert_false(yes);
    assert_non_null(strstr(why, "not an x86-64 CPU"));
#endif
}

static void test_hook(void **state)
{
    (void)state;
    char real_why[160];
    bool real = galois_crypto_sha_ni(real_why, sizeof(real_why));
    char why[160];
    galois_crypto_set_sha_ni(0);
    assert_false(galois_crypto_sha_ni(why, sizeof(why)));
    assert_string_equal(why, "SHA-NI absent (set by a test)");
    galois_crypto_set_sha_ni(1);
    assert_true(galois_crypto_sha_ni(why, sizeof(why)));
    assert_string_equal(why, "SHA-NI present (set by a test)");
    galois_crypto_set_sha_ni(7);  // any other positive value is "present"
    assert_true(galois_crypto_sha_ni(NULL, 0));
    galois_crypto_set_sha_ni(-1);
    assert_int_equal(galois_crypto_sha_ni(why, sizeof(why)), real);
    assert_string_equal(why, real_why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rule),
        cmocka_unit_test(test_cpu),
        cmocka_unit_test(test_hook),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
