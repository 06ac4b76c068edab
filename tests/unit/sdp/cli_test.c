// Tests of `galois sdp offer|answer`: the built command run as a child process (found next
// to this test's build directory, or at $GALOIS_TOOL), with its stdout, stderr and exit status:
// 0 done, 3 no acceptable suite, 2 malformed input or policy (with line and column).
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sdp_util.h"

extern char **environ;

struct run {
    int status;
    char out[SDP_TEXT_MAX];
    char err[8192];
};

static void tool_path(char *out, size_t max)
{
    const char *env = getenv("GALOIS_TOOL");
    if (env != NULL) {
        snprintf(out, max, "%s", env);
        return;
    }
    // tests/<this test> in the build tree; the command is <build>/galois.
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    assert_true(n > 0);
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    assert_non_null(slash);
    *slash = '\0';
    int len = snprintf(out, max, "%s/../galois", self);
    assert_true(len > 0 && (size_t)len < max);
}

static void slurp(const char *path, char *out, size_t max)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(out, 1, max - 1, f);
    out[n] = '\0';
    fclose(f);
    unlink(path);
}

// run_tool runs galois with `args` (NULL-terminated), `input` on stdin (NULL: empty).
static void run_tool(struct run *r, const char *input, const char *const *args)
{
    char tool[4096];
    char in_path[] = "/tmp/galois-cli-in-XXXXXX";
    char out_path[] = "/tmp/galois-cli-out-XXXXXX";
    char err_path[] = "/tmp/galois-cli-err-XXXXXX";
    int in = mkstemp(in_path);
    int out = mkstemp(out_path);
    int err = mkstemp(err_path);
    assert_true(in >= 0 && out >= 0 && err >= 0);
    if (input != NULL) {
        assert_int_equal(write(in, input, strlen(input)), (ssize_t)strlen(input));
    }
    assert_int_equal(lseek(in, 0, SEEK_SET), 0);
    tool_path(tool, sizeof(tool));
    char *argv[16] = {tool};
    size_t argc = 1;
    for (size_t i = 0; args[i] != NULL && argc < 15; i++) {
        argv[argc++] = (char *)(uintptr_t)args[i];
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in, 0);
    posix_spawn_file_actions_adddup2(&fa, out, 1);
    posix_spawn_file_actions_adddup2(&fa, err, 2);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, tool, &fa, NULL, argv, environ);
    if (rc != 0) {
        print_error("cannot run %s (build the galois target first)\n", tool);
        fail();
    }
    int wstatus = 0;
    assert_int_equal(waitpid(pid, &wstatus, 0), pid);
    posix_spawn_file_actions_destroy(&fa);
    assert_true(WIFEXITED(wstatus));
    r->status = WEXITSTATUS(wstatus);
    close(in);
    close(out);
    close(err);
    unlink(in_path);
    slurp(out_path, r->out, sizeof(r->out));
    slurp(err_path, r->err, sizeof(r->err));
}

static void vector_path(char *out, size_t max, const char *name)
{
    const char *dir = getenv("GALOIS_VECTORS");
    assert_non_null(dir);
    snprintf(out, max, "%s/sdp/%s", dir, name);
}

static void expect(const struct run *r, int status, const char *out, const char *err)
{
    if (r->status != status || (out != NULL && strstr(r->out, out) == NULL) ||
        (err != NULL && strstr(r->err, err) == NULL)) {
        print_error("status %d (want %d)\nstdout:\n%s\nstderr:\n%s\n", r->status, status, r->out,
                    r->err);
        fail();
    }
    // Keys go to stdout only, in the SDP asked for; never to stderr.
    assert_null(strstr(r->err, "inline:"));
}

static struct run r;

static void test_help_and_usage(void **state)
{
    (void)state;
    run_tool(&r, NULL, (const char *[]){"sdp", "--help", NULL});
    expect(&r, 0, "usage: galois sdp offer", NULL);
    run_tool(&r, NULL, (const char *[]){"sdp", NULL});
    expect(&r, 2, NULL, "usage:");
    run_tool(&r, NULL, (const char *[]){"sdp", "offer", NULL});
    expect(&r, 2, NULL, "--policy is required");
    run_tool(&r, NULL, (const char *[]){"sdp", "offer", "--policy", "mandatory", "--frob", NULL});
    expect(&r, 2, NULL, "unknown option");
    run_tool(&r, NULL,
             (const char *[]){"sdp", "offer", "--policy", "mandatory", "--port", "0", NULL});
    expect(&r, 2, NULL, "bad --port");
    run_tool(&r, NULL, (const char *[]){"--help", NULL});
    expect(&r, 0, "sdp ", NULL);
}

static void test_offer(void **state)
{
    (void)state;
    run_tool(&r, NULL,
             (const char *[]){"sdp", "offer",
                              "--policy=mandatory:AEAD_AES_128_GCM:AES_CM_256_HMAC_SHA1_80",
                              "--addr", "192.0.2.5", "--port", "7000", NULL});
    expect(&r, 0, "m=audio 7000 RTP/SAVP 0 8 101\r\n", NULL);
    assert_string_equal(r.err, "");
    struct galois_sdp *sdp = sdp_parse_ok(r.out);
    assert_string_equal(sdp->conn->address, "192.0.2.5");
    assert_non_null(strstr(r.out, "a=crypto:1 AEAD_AES_128_GCM inline:"));
    assert_non_null(strstr(r.out, "a=crypto:2 AES_256_CM_HMAC_SHA1_80 inline:"));
    galois_sdp_free(sdp);
    run_tool(&r, NULL,
             (const char *[]){"sdp", "offer", "--policy", "optional,cryptex=offer,hdrext=offer",
                              "--extmap", "1:urn:ietf:params:rtp-hdrext:ssrc-audio-level", NULL});
    expect(&r, 0, "a=extmap:1 urn:ietf:params:rtp-hdrext:encrypt urn:ietf", NULL);
    assert_non_null(strstr(r.out, "m=audio 40000 RTP/AVP"));
    assert_non_null(strstr(r.out, "a=cryptex\r\n"));
    run_tool(&r, NULL, (const char *[]){"sdp", "offer", "--policy", "forbidden", NULL});
    expect(&r, 0, "RTP/AVP", NULL);
    assert_null(strstr(r.out, "a=crypto"));
    // A bad policy names its column.
    run_tool(&r, NULL, (const char *[]){"sdp", "offer", "--policy", "mandatory:NOPE", NULL});
    expect(&r, 2, NULL, "line 1, column 11");
    run_tool(&r, NULL, (const char *[]){"sdp", "offer", "--policy", "sometimes", NULL});
    expect(&r, 2, NULL, "line 1, column 1");
}

static void test_answer(void **state)
{
    (void)state;
    char path[4096];
    vector_path(path, sizeof(path), "freeswitch_offer.sdp");
    run_tool(&r, NULL, (const char *[]){"sdp", "answer", "--policy", "mandatory", path, NULL});
    expect(&r, 0, "a=crypto:3 AES_256_CM_HMAC_SHA1_80 inline:", "AES_256_CM_HMAC_SHA1_80 (tag 3)");
    assert_non_null(strstr(r.out, "m=audio 40000 RTP/SAVP 0 8 101 13\r\n"));
    galois_sdp_free(sdp_parse_ok(r.out));
    // From stdin.
    size_t len = 0;
    char *text = sdp_load("baresip_offer_avp.sdp", &len);
    run_tool(&r, text, (const char *[]){"sdp", "answer", "--policy", "optional", NULL});
    expect(&r, 0, "m=audio 40000 RTP/AVP 0 8 101", "AES_CM_128_HMAC_SHA1_80 (tag 1)");
    run_tool(&r, text, (const char *[]){"sdp", "answer", "--policy", "forbidden", NULL});
    expect(&r, 0, "RTP/AVP", "plain RTP");
    assert_null(strstr(r.out, "a=crypto"));
    // No acceptable suite: 3, and the reason names the offer and the policy.
    run_tool(&r, text, (const char *[]){"sdp", "answer", "--policy", "mandatory", NULL});
    expect(&r, 3, NULL,
           "no acceptable suite: m=audio (section 1): offered RTP/AVP with "
           "AES_CM_128_HMAC_SHA1_80 (tag 1); policy mandatory wants RTP/SAVP with");
    assert_string_equal(r.out, "");
    free(text);
    vector_path(path, sizeof(path), "chromium156_offer.sdp");
    run_tool(&r, NULL, (const char *[]){"sdp", "answer", "--policy", "optional", path, NULL});
    expect(&r, 3, NULL, "DTLS-SRTP is not SDES");
    // An offer from `galois sdp offer`, answered by another policy.
    run_tool(&r, NULL,
             (const char *[]){"sdp", "offer", "--policy", "mandatory,cryptex=offer", NULL});
    expect(&r, 0, NULL, NULL);
    static char offer[SDP_TEXT_MAX];
    snprintf(offer, sizeof(offer), "%s", r.out);
    run_tool(&r, offer,
             (const char *[]){"sdp", "answer", "--policy", "mandatory:AES_CM_128_HMAC_SHA1_80",
                              "--port", "9000", NULL});
    expect(&r, 0, "m=audio 9000 RTP/SAVP", "AES_CM_128_HMAC_SHA1_80 (tag 4), cryptex");
}

static void test_malformed(void **state)
{
    (void)state;
    run_tool(&r, "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nt=0 0\r\nm=audio 99999 RTP/AVP 0\r\n",
             (const char *[]){"sdp", "answer", "--policy", "optional", NULL});
    expect(&r, 2, NULL, "stdin: line 5, column 9: malformed SDP");
    run_tool(&r,
             "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nt=0 0\r\nm=audio 5 RTP/SAVP 0\r\n"
             "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:tooshort|2^20\r\n",
             (const char *[]){"sdp", "answer", "--policy", "mandatory", NULL});
    expect(&r, 2, NULL, "line 6, column 43: malformed SDP");
    run_tool(&r, "", (const char *[]){"sdp", "answer", "--policy", "mandatory", NULL});
    expect(&r, 2, NULL, "line 1, column 1");
    run_tool(&r, NULL,
             (const char *[]){"sdp", "answer", "--policy", "mandatory", "/nonexistent.sdp", NULL});
    expect(&r, 1, NULL, "cannot read /nonexistent.sdp");
    run_tool(&r, "v=0\r\n",
             (const char *[]){"sdp", "answer", "--policy", "mandatory,pick=x", NULL});
    expect(&r, 2, NULL, "line 1, column 11");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_help_and_usage),
        cmocka_unit_test(test_offer),
        cmocka_unit_test(test_answer),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
