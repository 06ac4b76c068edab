// `galois webrtc`: one session. One UDP socket carries STUN, DTLS and SRTP (RFC 7983 first-byte
// demultiplexing); the ICE-lite agent answers the browser's checks, the DTLS connection keys
// SRTP, and the media stream protects and unprotects PCMU packets. Only addresses that passed
// an authenticated ICE check may talk DTLS or SRTP to us (docs/WEBRTC.md, "Addresses").
#include "webrtc_session.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
    FRAME_US = 20000,
    RTCP_INTERVAL_US = 5000000,
    MAX_DGRAM = 4096,
    READS_PER_CALL = 64,
};

// --- session life ---

static void fail(struct wr_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void stop_media(struct wr_session *s, uint64_t now_us);

static void fail(struct wr_session *s, const char *fmt, ...)
{
    if (s->error[0] == '\0') {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->error, sizeof(s->error), fmt, ap);
        va_end(ap);
    }
    s->ok = false;
    if (s->phase == PH_MEDIA) {
        stop_media(s, wr_now_us());
    }
    s->phase = PH_DONE;
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}

static void send_to_remote(struct wr_session *s, const uint8_t *p, size_t n)
{
    if (!s->have_remote || s->fd < 0) {
        return;
    }
    struct sockaddr_storage ss;
    socklen_t len = wr_sa_from_addr(&ss, &s->remote);
    (void)sendto(s->fd, p, n, 0, (struct sockaddr *)&ss, len);
}

// flush_dtls sends what the DTLS connection has queued (to the remote, once known).
static void flush_dtls(struct wr_session *s)
{
    if (s->dtls == NULL || !s->have_remote) {
        return;
    }
    for (;;) {
        uint8_t out[GALOIS_DTLS_MAX_MTU];
        size_t n = 0;
        if (galois_dtls_output(s->dtls, out, &n, sizeof(out)) != GALOIS_ERR_OK || n == 0) {
            return;
        }
        send_to_remote(s, out, n);
    }
}

// make_token writes WR_TOKEN_LEN random hex digits and a NUL.
static bool make_token(char *out, size_t max)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t rnd[WR_TOKEN_LEN / 2];
    if (max < WR_TOKEN_LEN + 1 || galois_random_bytes(rnd, sizeof(rnd)) != GALOIS_ERR_OK) {
        return false;
    }
    for (size_t i = 0; i < sizeof(rnd); i++) {
        out[2 * i] = hex[rnd[i] >> 4];
        out[2 * i + 1] = hex[rnd[i] & 15];
    }
    out[WR_TOKEN_LEN] = '\0';
    galois_secure_zero(rnd, sizeof(rnd));
    return true;
}

bool wr_session_new(struct wr_session **out, unsigned id, unsigned slot, const struct wr_options *o,
                    const struct galois_dtls_cert *cert, const struct wr_offer *offer,
                    const char *sdp, size_t sdp_len, bool wants_result, char *answer, size_t max,
                    char *why, size_t max_why)
{
    *out = NULL;
    struct wr_session *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        snprintf(why, max_why, "out of memory");
        return false;
    }
    s->id = id;
    s->o = o;
    s->wants_result = wants_result;
    s->created_us = wr_now_us();
    s->connect_deadline_us = s->created_us + (uint64_t)(o->connect_timeout_s * 1e6);
    uint16_t port = o->udp_port == 0 ? 0 : (uint16_t)(o->udp_port + slot);
    char bwhy[160];
    s->fd = wr_udp_bind(&s->local, o->udp_host, port, bwhy, sizeof(bwhy));
    if (s->fd < 0) {
        snprintf(why, max_why, "cannot bind UDP %s port %u: %s", o->udp_host, (unsigned)port, bwhy);
        goto fail;
    }
    // silent_refusals: a check that fails authentication (400, 401) gets no answer, so we never
    // send to an address that has not shown it knows our password (docs/WEBRTC.md, "Addresses")
    struct galois_ice_lite_config ic = {
        .remote_ufrag = offer->ufrag, .remote_pwd = offer->pwd, .silent_refusals = true};
    galois_err err = galois_ice_lite_new(&s->ice, &ic);
    if (err != GALOIS_ERR_OK) {
        snprintf(why, max_why, "ICE agent: %s", galois_err_str(err));
        goto fail;
    }
    enum galois_dtls_setup our_setup;
    err = galois_dtls_answer_role(&our_setup, &s->role, offer->setup, GALOIS_DTLS_SETUP_PASSIVE);
    if (err != GALOIS_ERR_OK) {
        snprintf(why, max_why, "a=setup:%s cannot be answered (%s)",
                 galois_dtls_setup_name(offer->setup), galois_err_str(err));
        goto fail;
    }
    char dwhy[GALOIS_DTLS_MAX_WHY_LEN];
    err = galois_dtls_new(&s->dtls, s->role, &o->dtls, cert, offer->fps, offer->num_fps, dwhy,
                          sizeof(dwhy));
    if (err != GALOIS_ERR_OK) {
        snprintf(why, max_why, "DTLS: %s", dwhy);
        goto fail;
    }
    struct galois_dtls_fingerprint ours;
    char fp_text[GALOIS_DTLS_MAX_FINGERPRINT_TEXT];
    uint8_t rnd[4];
    if (galois_dtls_cert_fingerprint(&ours, cert, GALOIS_DTLS_HASH_SHA256) != GALOIS_ERR_OK ||
        galois_dtls_fingerprint_text(fp_text, sizeof(fp_text), &ours) != GALOIS_ERR_OK ||
        galois_random_bytes(rnd, sizeof(rnd)) != GALOIS_ERR_OK) {
        snprintf(why, max_why, "cannot compute our fingerprint or SSRC");
        goto fail;
    }
    s->ssrc = (uint32_t)rnd[0] << 24 | (uint32_t)rnd[1] << 16 | (uint32_t)rnd[2] << 8 | rnd[3];
    s->ssrc = s->ssrc == 0 ? 1 : s->ssrc;
    if (!make_token(s->token, sizeof(s->token))) {
        snprintf(why, max_why, "cannot make the session's secret");
        goto fail;
    }
    struct wr_answer_params ap = {.addr = &s->local,
                                  .ufrag = galois_ice_lite_local_ufrag(s->ice),
                                  .pwd = galois_ice_lite_local_pwd(s->ice),
                                  .fingerprint = fp_text,
                                  .setup = our_setup,
                                  .ssrc = s->ssrc};
    if (!wr_answer_write(answer, max, offer, sdp, sdp_len, &ap, why, max_why)) {
        goto fail;
    }
    if (o->source == WR_TONE) {
        galois_tone_init(&s->tone, o->tone_hz, 0.3, GALOIS_MEDIA_RATE);
    } else if (o->source == WR_PLAY &&
               galois_wav_reader_open(&s->wav, o->play, true, why, max_why) != GALOIS_ERR_OK) {
        goto fail;
    }
    char local[80];
    wr_addr_text(local, sizeof(local), &s->local);
    wr_progress(o,
                "session %u: offer taken (a=setup:%s, %zu fingerprint%s); we answer on UDP %s "
                "as DTLS %s",
                id, galois_dtls_setup_name(offer->setup), offer->num_fps,
                offer->num_fps == 1 ? "" : "s", local,
                s->role == GALOIS_DTLS_SERVER ? "server" : "client");
    *out = s;
    return true;
fail:
    wr_session_free(s);
    return false;
}

void wr_session_free(struct wr_session *s)
{
    if (s == NULL) {
        return;
    }
    if (s->fd >= 0) {
        close(s->fd);
    }
    galois_media_stream_free(s->ms);
    galois_dtls_free(s->dtls);
    galois_ice_lite_free(s->ice);
    galois_wav_reader_close(s->wav);
    free(s->browser);
    galois_secure_zero(s->token, sizeof(s->token));
    free(s);
}

int wr_session_fd(const struct wr_session *s)
{
    return s->phase == PH_DONE ? -1 : s->fd;
}

unsigned wr_session_id(const struct wr_session *s)
{
    return s->id;
}

bool wr_session_done(const struct wr_session *s)
{
    return s->phase == PH_DONE;
}

bool wr_session_abandoned(const struct wr_session *s)
{
    return s->abandoned;
}

bool wr_session_ok(const struct wr_session *s)
{
    return s->phase == PH_DONE && s->ok;
}

const char *wr_session_error(const struct wr_session *s)
{
    return s->error;
}

const char *wr_session_token(const struct wr_session *s)
{
    return s->token;
}

bool wr_session_token_ok(const struct wr_session *s, const char *token)
{
    if (token == NULL || strnlen(token, WR_TOKEN_LEN + 1) != WR_TOKEN_LEN) {
        return false;
    }
    unsigned diff = 0;
    for (size_t i = 0; i < WR_TOKEN_LEN; i++) {
        diff |= (unsigned)(uint8_t)(token[i] ^ s->token[i]);
    }
    return diff == 0;
}

bool wr_session_wants_result(const struct wr_session *s)
{
    return s->wants_result && s->browser == NULL;
}

// --- keys and media ---

static bool start_media(struct wr_session *s, uint64_t now_us)
{
    if (galois_dtls_get_info(s->dtls, &s->info) != GALOIS_ERR_OK) {
        fail(s, "DTLS connected but says nothing of what it negotiated");
        return false;
    }
    s->have_info = true;
    if (s->info.srtp_profile[0] == '\0') {
        fail(s, "the DTLS handshake finished without an SRTP profile; policy allows %s",
             s->o->dtls.profiles);
        return false;
    }
    struct galois_dtls_keys keys;
    struct galois_sdes_keyset tx;
    struct galois_sdes_keyset rx;
    memset(&tx, 0, sizeof(tx));
    memset(&rx, 0, sizeof(rx));
    if (galois_dtls_keys(s->dtls, &keys, NULL, NULL) != GALOIS_ERR_OK) {
        fail(s, "the DTLS-SRTP key export failed");
        return false;
    }
    tx.suite = keys.suite;
    tx.keys[0] = keys.send;
    tx.num_keys = 1;
    rx.suite = keys.suite;
    rx.keys[0] = keys.recv;
    rx.num_keys = 1;
    struct galois_media_stream_config cfg = {.codec = GALOIS_MEDIA_PCMU,
                                             .ssrc = s->ssrc,
                                             .tx = &tx,
                                             .rx = &rx,
                                             .rtcp_mux = true,
                                             .cname = "galois"};
    char why[256];
    galois_err err = galois_media_stream_new(&s->ms, &cfg, why, sizeof(why));
    galois_secure_zero(&keys, sizeof(keys));
    galois_secure_zero(&tx, sizeof(tx));
    galois_secure_zero(&rx, sizeof(rx));
    if (err != GALOIS_ERR_OK) {
        fail(s, "SRTP sessions: %s", why);
        return false;
    }
    s->phase = PH_MEDIA;
    s->connected_us = now_us;
    s->media_end_us = now_us + (uint64_t)(s->o->duration_s * 1e6);
    s->next_frame_us = now_us;
    s->next_rtcp_us = now_us + RTCP_INTERVAL_US / 5;
    wr_progress(s->o, "session %u: DTLS connected in %.0f ms: %s %s, %s, peer %s", s->id,
                (double)(now_us - s->created_us) / 1000.0, s->info.version, s->info.cipher,
                s->info.srtp_profile, s->info.peer_fingerprint);
    return true;
}

static void next_frame(struct wr_session *s, int16_t *pcm)
{
    size_t got = 0;
    switch (s->o->source) {
        case WR_TONE:
            galois_tone_fill(&s->tone, pcm, GALOIS_MEDIA_FRAME);
            return;
        case WR_PLAY:
            if (galois_wav_reader_read(s->wav, pcm, GALOIS_MEDIA_FRAME, &got) != GALOIS_ERR_OK) {
                got = 0;
            }
            break;
        default:
            if (s->echo_fill > 0) {
                memcpy(pcm, s->echo[s->echo_read], sizeof(s->echo[0]));
                s->echo_read = (s->echo_read + 1) % ECHO_FRAMES;
                s->echo_fill--;
                return;
            }
            break;
    }
    memset(pcm + got, 0, (GALOIS_MEDIA_FRAME - got) * sizeof(*pcm));
}

static void echo_push(struct wr_session *s, const int16_t *pcm, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        s->echo[s->echo_write][s->echo_partial++] = pcm[i];
        if (s->echo_partial == GALOIS_MEDIA_FRAME) {
            s->echo_partial = 0;
            s->echo_write = (s->echo_write + 1) % ECHO_FRAMES;
            if (s->echo_fill == ECHO_FRAMES) {
                s->echo_read = (s->echo_read + 1) % ECHO_FRAMES;  // drop the oldest
            } else {
                s->echo_fill++;
            }
        }
    }
}

static void send_rtcp(struct wr_session *s, bool bye)
{
    uint8_t pkt[GALOIS_MEDIA_MAX_PACKET];
    size_t len = 0;
    if (galois_media_stream_rtcp(s->ms, bye, wr_wall_us(), pkt, &len, sizeof(pkt)) ==
        GALOIS_ERR_OK) {
        send_to_remote(s, pkt, len);
    }
}

static void media_send(struct wr_session *s, uint64_t now_us)
{
    if (galois_ice_lite_consent_expired(s->ice, now_us / 1000)) {
        fail(s, "ICE consent expired: no check from the browser for 30 s");
        return;
    }
    while (now_us >= s->next_frame_us) {
        int16_t pcm[GALOIS_MEDIA_FRAME];
        uint8_t pkt[GALOIS_MEDIA_MAX_PACKET];
        size_t len = 0;
        next_frame(s, pcm);
        if (galois_media_stream_send(s->ms, pcm, pkt, &len, sizeof(pkt)) == GALOIS_ERR_OK) {
            send_to_remote(s, pkt, len);
        }
        s->next_frame_us += FRAME_US;
        if (now_us > s->next_frame_us + 10 * FRAME_US) {
            s->next_frame_us = now_us;  // the loop stalled: no burst
        }
    }
    if (now_us >= s->next_rtcp_us) {
        send_rtcp(s, false);
        s->next_rtcp_us = now_us + RTCP_INTERVAL_US;
    }
}

// judge says whether the session reached its goal, once media is over.
static void judge(struct wr_session *s)
{
    if (s->error[0] != '\0') {
        s->ok = false;
        return;
    }
    if (s->stats.packets_received == 0) {
        snprintf(s->error, sizeof(s->error),
                 "no SRTP packet from the browser was accepted "
                 "(%llu failed authentication, %llu replays)",
                 (unsigned long long)s->stats.auth_failures, (unsigned long long)s->stats.replays);
    } else if (s->stats.packets_sent == 0) {
        snprintf(s->error, sizeof(s->error), "no SRTP packet was sent");
    }
    s->ok = s->error[0] == '\0';
}

static void stop_media(struct wr_session *s, uint64_t now_us)
{
    send_rtcp(s, true);
    galois_dtls_close(s->dtls);
    flush_dtls(s);
    galois_media_stream_stats(s->ms, &s->stats);
    s->media_end_us = now_us;
    s->phase = PH_RESULT_WAIT;
    s->result_deadline_us = now_us + (uint64_t)(s->o->result_wait_s * 1e6);
    wr_progress(s->o, "session %u: media over: %llu packets sent, %llu received", s->id,
                (unsigned long long)s->stats.packets_sent,
                (unsigned long long)s->stats.packets_received);
}

static void finish(struct wr_session *s)
{
    judge(s);
    s->phase = PH_DONE;
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}

// --- input ---

static void on_stun(struct wr_session *s, const uint8_t *p, size_t n,
                    const struct galois_ice_addr *from, uint64_t now_us)
{
    uint8_t out[GALOIS_STUN_MAX_LEN];
    size_t out_len = 0;
    galois_err err =
        galois_ice_lite_input(s->ice, p, n, from, now_us / 1000, out, sizeof(out), &out_len);
    if (out_len > 0) {
        struct sockaddr_storage ss;
        socklen_t len = wr_sa_from_addr(&ss, from);
        (void)sendto(s->fd, out, out_len, 0, (struct sockaddr *)&ss, len);
    }
    if (err != GALOIS_ERR_OK || out_len == 0) {
        return;  // refused (counted by the agent) or an indication
    }
    struct galois_ice_addr sel;
    bool selected = galois_ice_lite_selected(s->ice, &sel) == GALOIS_ERR_OK;
    wr_seen_add(&s->seen, from, selected && galois_ice_addr_equal(&sel, from));
    if (!s->have_remote) {
        s->remote = *from;
        s->have_remote = true;
        char a[80];
        wr_addr_text(a, sizeof(a), from);
        wr_progress(s->o, "session %u: ICE check from %s answered", s->id, a);
    }
    if (selected && (!s->nominated || !galois_ice_addr_equal(&sel, &s->remote))) {
        s->remote = sel;
        s->nominated = true;
        char a[80];
        wr_addr_text(a, sizeof(a), &sel);
        wr_progress(s->o, "session %u: ICE nominated %s", s->id, a);
    }
    if (s->phase == PH_ICE) {
        s->phase = PH_HANDSHAKE;
        flush_dtls(s);  // a DTLS client's ClientHello waited for an address
    }
}

static void on_dtls(struct wr_session *s, const uint8_t *p, size_t n, uint64_t now_us)
{
    galois_err err = galois_dtls_input(s->dtls, p, n);
    flush_dtls(s);
    switch (err) {
        case GALOIS_ERR_OK:
        case GALOIS_ERR_PARSE:
        case GALOIS_ERR_LIMIT:
        case GALOIS_ERR_STATE:
            break;  // dropped datagrams are counted by the connection
        default:
            fail(s, "DTLS handshake failed: %s", galois_dtls_error(s->dtls));
            wr_progress(s->o, "session %u: %s", s->id, s->error);
            return;
    }
    enum galois_dtls_state st = galois_dtls_state(s->dtls);
    if (st == GALOIS_DTLS_CONNECTED && s->phase == PH_HANDSHAKE) {
        (void)start_media(s, now_us);
    } else if (st == GALOIS_DTLS_CLOSED && s->phase == PH_MEDIA) {
        wr_progress(s->o, "session %u: the browser closed DTLS", s->id);
        stop_media(s, now_us);
    }
}

static void on_rtp(struct wr_session *s, uint8_t *p, size_t n)
{
    if (s->phase != PH_MEDIA) {
        s->early_media++;
        return;
    }
    int16_t pcm[GALOIS_MEDIA_MAX_GAP + 8 * GALOIS_MEDIA_FRAME];
    size_t samples = 0;
    // the media stream's clock is the wall clock (wr_wall_us), for RTCP and RTP alike
    galois_err err = galois_media_stream_receive(s->ms, p, n, wr_wall_us(), pcm,
                                                 sizeof(pcm) / sizeof(pcm[0]), &samples);
    if (err == GALOIS_ERR_OK && samples > 0 && s->o->source == WR_ECHO) {
        echo_push(s, pcm, samples);
    }
}

void wr_session_readable(struct wr_session *s, uint64_t now_us)
{
    for (int i = 0; i < READS_PER_CALL && s->phase != PH_DONE; i++) {
        uint8_t buf[MAX_DGRAM];
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        ssize_t got = recvfrom(s->fd, buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)&ss, &sl);
        if (got < 0) {
            return;
        }
        struct galois_ice_addr from;
        if (got == 0 || (size_t)got > sizeof(buf) || !wr_addr_from_sa(&from, &ss)) {
            s->unknown++;
            continue;
        }
        size_t n = (size_t)got;
        enum galois_demux kind = galois_demux_classify(buf[0]);
        if (kind == GALOIS_DEMUX_STUN) {
            on_stun(s, buf, n, &from, now_us);
            continue;
        }
        if (kind != GALOIS_DEMUX_DTLS && kind != GALOIS_DEMUX_RTP) {
            s->unknown++;
            continue;
        }
        if (!wr_seen_has(&s->seen, &from)) {
            s->unchecked++;  // RFC 8445 §7.3: no media before a check from that address
            continue;
        }
        if (!s->nominated) {
            s->remote = from;
        }
        if (kind == GALOIS_DEMUX_DTLS) {
            on_dtls(s, buf, n, now_us);
        } else {
            on_rtp(s, buf, n);
        }
    }
}

// --- timers ---

static uint64_t earliest(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

// connect_expired ends a session whose DTLS handshake was not done by its connect deadline. One
// that never had an authentic ICE check is abandoned: junk offers must not use up --sessions.
static void connect_expired(struct wr_session *s)
{
    if (s->phase == PH_ICE) {
        s->abandoned = true;
        fail(s, "no ICE check arrived within %g s", s->o->connect_timeout_s);
    } else {
        fail(s, "DTLS handshake did not finish within %g s (ICE checks were answered)",
             s->o->connect_timeout_s);
    }
    wr_progress(s->o, "session %u: %s", s->id, s->error);
}

uint64_t wr_session_step(struct wr_session *s, uint64_t now_us)
{
    uint64_t next = UINT64_MAX;
    if (s->phase == PH_ICE || s->phase == PH_HANDSHAKE) {
        if (now_us >= s->connect_deadline_us) {
            connect_expired(s);
            return next;
        }
        next = s->connect_deadline_us;
    }
    if ((s->phase == PH_ICE || s->phase == PH_HANDSHAKE) && s->have_remote) {
        int64_t t = galois_dtls_timeout_ms(s->dtls);
        if (t == 0) {
            if (galois_dtls_on_timeout(s->dtls) != GALOIS_ERR_OK) {
                flush_dtls(s);
                fail(s, "DTLS handshake failed: %s", galois_dtls_error(s->dtls));
                wr_progress(s->o, "session %u: %s", s->id, s->error);
                return next;
            }
            flush_dtls(s);
            t = galois_dtls_timeout_ms(s->dtls);
        }
        if (t > 0) {
            next = earliest(next, now_us + (uint64_t)t * 1000u);
        }
    }
    if (s->phase == PH_MEDIA) {
        if (now_us >= s->media_end_us) {
            stop_media(s, now_us);
        } else {
            media_send(s, now_us);
            if (s->phase == PH_MEDIA) {
                next = earliest(earliest(s->next_frame_us, s->next_rtcp_us), s->media_end_us);
            }
        }
    }
    if (s->phase == PH_RESULT_WAIT) {
        if (!wr_session_wants_result(s) || now_us >= s->result_deadline_us) {
            finish(s);
        } else {
            next = earliest(next, s->result_deadline_us);
        }
    }
    return next;
}

void wr_session_abort(struct wr_session *s, const char *why, uint64_t now_us)
{
    switch (s->phase) {
        case PH_ICE:
            fail(s, "%s: no ICE check arrived from the browser", why);
            break;
        case PH_HANDSHAKE:
            fail(s, "%s: ICE checks were answered but the DTLS handshake did not finish", why);
            break;
        case PH_MEDIA:
            stop_media(s, now_us);
            finish(s);
            break;
        case PH_RESULT_WAIT:
            finish(s);
            break;
        default:
            break;
    }
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}

bool wr_session_set_result(struct wr_session *s, const uint8_t *body, size_t len)
{
    if (len > WR_MAX_RESULT || s->browser != NULL) {
        return false;
    }
    s->browser = malloc(len + 1);
    if (s->browser == NULL) {
        return false;
    }
    memcpy(s->browser, body, len);
    s->browser[len] = '\0';
    return true;
}
