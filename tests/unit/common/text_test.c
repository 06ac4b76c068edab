// The cursor's text readers (case-insensitive literals, lines, runs) and the galois_buf writer.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
// cmocka.h needs the headers above.
#include <cmocka.h>

#include "common/internal.h"

static struct galois_cur cur_of(const char *s)
{
    struct galois_cur c;
    galois_cur_init(&c, (const uint8_t *)s, strlen(s));
    return c;
}

static void lit_and_eq_nocase(void **state)
{
    (void)state;
    struct galois_cur c = cur_of("Inline:abc");
    struct galois_cur before = c;
    assert_false(galois_cur_lit_nocase(&c, "inlinex"));  // mismatch: unmoved
    assert_ptr_equal(c.p, before.p);
    assert_false(galois_cur_lit_nocase(&c, "inline:abcd"));  // longer than the input
    assert_int_equal(c.len, before.len);
    assert_true(galois_cur_lit_nocase(&c, "INLINE:"));
    assert_int_equal(c.len, 3);
    assert_true(galois_cur_eq_nocase(&c, "ABC"));
    assert_false(galois_cur_eq_nocase(&c, "AB"));
    assert_false(galois_cur_eq_nocase(&c, "ABCD"));
    // Only ASCII letters fold: '@' (0x40) and '`' (0x60) differ by the case bit but are not one.
    struct galois_cur d = cur_of("@");
    assert_false(galois_cur_eq_nocase(&d, "`"));
}

static void lines(void **state)
{
    (void)state;
    struct galois_cur c = cur_of("v=0\r\no=x\n\nlast");
    struct galois_cur line;
    assert_true(galois_cur_line(&c, &line, 16));
    assert_true(galois_cur_eq(&line, "v=0"));  // CR dropped before LF
    assert_true(galois_cur_line(&c, &line, 16));
    assert_true(galois_cur_eq(&line, "o=x"));
    assert_true(galois_cur_line(&c, &line, 16));
    assert_int_equal(line.len, 0);  // an empty line is a line
    struct galois_cur before = c;
    assert_false(galois_cur_line(&c, &line, 3));  // "last" is over max_len: unmoved
    assert_ptr_equal(c.p, before.p);
    assert_true(galois_cur_line(&c, &line, 4));  // a last line without LF
    assert_true(galois_cur_eq(&line, "last"));
    assert_false(galois_cur_line(&c, &line, 16));  // end of input
}

static bool is_digit(uint8_t ch)
{
    return ch >= '0' && ch <= '9';
}

static void runs(void **state)
{
    (void)state;
    struct galois_cur c = cur_of("12345abc");
    struct galois_cur run;
    assert_false(galois_cur_while(&c, &run, is_digit, 4));  // longer than max_len: unmoved
    assert_int_equal(c.len, 8);
    assert_true(galois_cur_while(&c, &run, is_digit, 5));
    assert_true(galois_cur_eq(&run, "12345"));
    assert_false(galois_cur_while(&c, &run, is_digit, 5));  // empty run
    assert_int_equal(galois_cur_skip_while(&c, is_digit), 0);
    struct galois_cur d = cur_of("007x");
    assert_int_equal(galois_cur_skip_while(&d, is_digit), 3);
    assert_true(galois_cur_eq(&d, "x"));
}

static void buf_writer(void **state)
{
    (void)state;
    char mem[8];
    struct galois_buf b;
    galois_buf_init(&b, mem, sizeof(mem));
    galois_buf_puts(&b, "a=");
    galois_buf_put_dec(&b, 0);
    galois_buf_putc(&b, ' ');
    assert_false(b.failed);
    assert_true(galois_buf_finish(&b));
    assert_string_equal(mem, "a=0 ");
    assert_int_equal(b.len, 4);

    // A write that does not fit fails, writes nothing, and every later write fails too; `need`
    // still says what the whole output takes.
    galois_buf_init(&b, mem, sizeof(mem));
    galois_buf_puts(&b, "12345");
    galois_buf_put_dec(&b, 18446744073709551615u);  // 20 digits
    galois_buf_putc(&b, 'x');
    assert_true(b.failed);
    assert_int_equal(b.len, 5);
    assert_int_equal(b.need, 26);
    assert_false(galois_buf_finish(&b));
    assert_int_equal(b.need, 27);  // and the NUL

    // Exactly full: the text fits but the NUL does not.
    galois_buf_init(&b, mem, sizeof(mem));
    galois_buf_puts(&b, "12345678");
    assert_false(b.failed);
    assert_false(galois_buf_finish(&b));
    assert_true(b.failed);

    struct galois_cur c = cur_of("xyz");
    galois_buf_init(&b, mem, sizeof(mem));
    galois_buf_put_cur(&b, &c);
    galois_buf_put_dec(&b, 9);
    assert_true(galois_buf_finish(&b));
    assert_string_equal(mem, "xyz9");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lit_and_eq_nocase),
        cmocka_unit_test(lines),
        cmocka_unit_test(runs),
        cmocka_unit_test(buf_writer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
