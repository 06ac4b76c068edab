// Tests of the JSON string writer of the galois command's reports (tools/galois/json_out.c):
// escapes, UTF-8 kept when valid, any other byte escaped so that the output is always JSON.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "json_out.h"

static void expect(const char *in, const char *want)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    tool_json_string(f, in);
    assert_int_equal(fclose(f), 0);
    assert_string_equal(buf, want);
    free(buf);
}

static void test_escapes(void **state)
{
    (void)state;
    expect("", "\"\"");
    expect("plain text 123", "\"plain text 123\"");
    expect("a\"b\\c", "\"a\\\"b\\\\c\"");
    expect("tab\tnl\nesc\x1b del\x7f", "\"tab\\u0009nl\\u000aesc\\u001b del\\u007f\"");
}

static void test_utf8(void **state)
{
    (void)state;
    // valid UTF-8 (2, 3 and 4 bytes) passes as it is
    expect("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
           "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    // Latin-1, a lone continuation byte, an overlong form, a surrogate, a cut sequence
    expect("caf\xe9", "\"caf\\u00e9\"");
    expect("\x80x", "\"\\u0080x\"");
    expect("\xc0\xaf", "\"\\u00c0\\u00af\"");
    expect("\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\"");
    expect("\xe2\x82", "\"\\u00e2\\u0082\"");
    expect("\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
