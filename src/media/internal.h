// Internal to the media layer: the sine the tone code needs (no libm dependency) and the RTCP
// builder and parser the stream shares.
#ifndef GALOIS_SRC_MEDIA_INTERNAL_H
#define GALOIS_SRC_MEDIA_INTERNAL_H

#include <galois/media.h>
#include <galois/srtp.h>

#include "../common/internal.h"

#define MEDIA_PI 3.14159265358979323846

// media_sin returns sin(x) to about 1e-13 for |x| < 2^52; media_cos likewise. Written here so
// the library does not need libm.
double media_sin(double x);
double media_cos(double x);

// RFC 3550 A.1 state of the one source a stream receives, plus A.8 jitter.
struct media_source {
    bool active;
    uint32_t ssrc;
    uint16_t max_seq;         // highest sequence seen
    uint32_t cycles;          // wraps of the sequence, shifted by 16
    uint32_t base_seq;        // first sequence
    uint32_t bad_seq;         // last 'bad' sequence + 1 (A.1 restart check)
    uint32_t next_ts;         // timestamp expected after the highest packet
    uint64_t received;        // packets accepted
    uint64_t expected_prior;  // at the last report (A.3)
    uint64_t received_prior;
    bool have_transit;
    uint32_t transit;  // last relative transit time, in timestamp units
    double jitter;     // A.8, in timestamp units
};

// galois_media_stream: one call's RTP audio, both directions.
struct galois_media_stream {
    enum galois_media_codec codec;
    uint32_t ssrc;
    char cname[GALOIS_MEDIA_MAX_CNAME_LEN + 1];
    size_t cname_len;
    struct galois_srtp *tx;  // owned; NULL for plain RTP
    struct galois_srtp *rx;  // owned; NULL for plain RTP
    // rx_prev is the receive session of the key before the last re-key, owned: packets that
    // fail under `rx` are tried under it until one authenticates under `rx` (those the peer
    // sent before it switched). NULL when there is no re-key in progress.
    struct galois_srtp *rx_prev;
    struct galois_sdes_keyset tx_keys;  // secret: what `tx` was made from (re-key compares)
    struct galois_sdes_keyset rx_keys;  // secret: what `rx` was made from
    // Sender.
    uint16_t seq;  // of the next packet
    uint32_t ts;   // of the next packet
    // Receiver.
    struct media_source src;
    // The peer's last SR: its NTP middle bits (our next LSR) and when it arrived.
    bool have_lsr;
    uint32_t lsr;
    uint64_t lsr_at_us;
    struct galois_media_stats st;  // counters; derived fields are filled by stats()
};

// media_rtcp_build writes the compound RTCP packet galois_media_stream_rtcp sends, unprotected,
// into `out` (room `max_out`, at least MEDIA_RTCP_MAX) and returns its length, or 0 if the
// room is short. It moves the A.3 "prior" counters.
enum { MEDIA_RTCP_MAX = 256 };
size_t media_rtcp_build(struct galois_media_stream *s, uint8_t *out, size_t max_out, bool bye,
                        uint64_t now_us);

// media_rtcp_report is what a received compound RTCP packet told us.
struct media_rtcp_report {
    bool have_sr;         // the peer sent an SR
    uint32_t sr_ntp_mid;  // its NTP timestamp, middle 32 bits (becomes our LSR)
    bool have_block;      // a report block about `local_ssrc`
    uint8_t fraction_lost;
    int32_t cumulative_lost;
    uint32_t jitter;  // timestamp units
    uint32_t lsr;
    uint32_t dlsr;  // 1/65536 s
    bool bye;
};

// media_rtcp_parse reads the compound RTCP packet `in` (already unprotected) as RFC 3550 §6.1
// and A.2 say: version 2, SR or RR first, lengths adding up exactly. Report blocks about
// `local_ssrc` are kept. False for a malformed packet.
bool media_rtcp_parse(struct media_rtcp_report *out, const uint8_t *in, size_t len,
                      uint32_t local_ssrc);

// media_ntp_mid returns the middle 32 bits of the NTP timestamp for `now_us` (microseconds
// since 1970).
uint32_t media_ntp_mid(uint64_t now_us);

#endif  // GALOIS_SRC_MEDIA_INTERNAL_H
