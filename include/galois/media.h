// galois media: G.711 audio over RTP/RTCP protected by the SRTP engine, sans I/O.
//
// The layer turns 20 ms frames of 8 kHz audio into protected RTP packets to send, and received
// datagrams into audio and statistics; the caller owns the sockets, the clock and the loop. It
// also holds what a demo call needs around that: the G.711 codecs (ITU-T G.711), a tone
// generator and detector, and WAV files through libsndfile. Nothing is allocated per packet.
// docs/MEDIA.md says how gaps, jitter and the statistics are defined.
#ifndef GALOIS_MEDIA_H
#define GALOIS_MEDIA_H

#include <galois/common.h>
#include <galois/sdes.h>

#ifdef __cplusplus
extern "C" {
#endif

// galois_media_codec is an audio codec; its value is its static RTP payload type (RFC 3551).
enum galois_media_codec {
    GALOIS_MEDIA_PCMU = 0,  // G.711 mu-law
    GALOIS_MEDIA_PCMA = 8,  // G.711 A-law
};

enum {
    GALOIS_MEDIA_RATE = 8000,         // samples per second
    GALOIS_MEDIA_FRAME = 160,         // samples per packet sent: 20 ms
    GALOIS_MEDIA_MAX_PACKET = 1500,   // bytes of the largest datagram received or built
    GALOIS_MEDIA_MAX_GAP = 8000,      // samples of silence at most put in for one gap (1 s)
    GALOIS_MEDIA_MAX_CNAME_LEN = 64,  // bytes of an RTCP CNAME
};

// galois_g711_ulaw_encode returns the mu-law code of the 16-bit sample `s` (ITU-T G.711).
GALOIS_API uint8_t galois_g711_ulaw_encode(int16_t s);
// galois_g711_ulaw_decode returns the 16-bit sample of the mu-law code `u`.
GALOIS_API int16_t galois_g711_ulaw_decode(uint8_t u);
// galois_g711_alaw_encode returns the A-law code of the 16-bit sample `s` (ITU-T G.711).
GALOIS_API uint8_t galois_g711_alaw_encode(int16_t s);
// galois_g711_alaw_decode returns the 16-bit sample of the A-law code `a`.
GALOIS_API int16_t galois_g711_alaw_decode(uint8_t a);

// galois_tone is a sine generator that keeps its phase from one call to the next, so frames
// filled one after another join without a click. Plain value; no cleanup.
struct galois_tone {
    double phase;  // radians, 0 .. 2*pi
    double step;   // radians per sample
    double scale;  // peak value in sample units
};

// galois_tone_init sets `t` to a tone of `hz` at `amplitude` (0..1 of full scale, clamped)
// sampled at `rate` Hz.
GALOIS_API void galois_tone_init(struct galois_tone *t, double hz, double amplitude, unsigned rate);
// galois_tone_fill writes the next `n` samples of `t` to `pcm`.
GALOIS_API void galois_tone_fill(struct galois_tone *t, int16_t *pcm, size_t n);

struct galois_tone_detector;

// galois_tone_detector_new creates a detector for audio at `rate` Hz (8000 .. 48000) that keeps
// the last two seconds fed to it. GALOIS_ERR_INVALID for another rate, GALOIS_ERR_NOMEM.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_tone_detector_new(struct galois_tone_detector **out,
                                                                 unsigned rate);
// galois_tone_detector_free frees `d`. NULL is a no-op.
GALOIS_API void galois_tone_detector_free(struct galois_tone_detector *d);
// galois_tone_detector_feed adds `n` samples; older samples beyond two seconds are forgotten.
GALOIS_API void galois_tone_detector_feed(struct galois_tone_detector *d, const int16_t *pcm,
                                          size_t n);
// galois_tone_detector_result sets `*hz` to the dominant frequency of the audio kept, between
// 100 Hz and 3900 Hz (or rate/2 - 100 if lower), to within 1 Hz for a steady tone, and
// `*purity` to the share (0..1) of the audio's energy in that frequency: near 1 for a clean
// tone, near 0 for noise; silence gives 0 Hz and purity 0. GALOIS_ERR_STATE before 20 ms of
// audio was fed.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_tone_detector_result(const struct galois_tone_detector *d, double *hz, double *purity);

struct galois_wav_reader;
struct galois_wav_writer;

// galois_wav_reader_open opens the sound file at `path` (any format libsndfile reads) for
// reading as 16-bit samples. It must be mono at 8000 Hz. With `loop`, reading goes on from the
// start at the end of the file. Errors, with a line naming the file and the problem in `why`
// (room `max_why`; may be NULL with 0): GALOIS_ERR_IO when it cannot be opened or read,
// GALOIS_ERR_UNSUPPORTED for another rate or channel count, GALOIS_ERR_INVALID for an empty
// file with `loop`, GALOIS_ERR_NOMEM. `*out` is NULL on failure.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_wav_reader_open(struct galois_wav_reader **out,
                                                               const char *path, bool loop,
                                                               char *why, size_t max_why);
// galois_wav_reader_read reads up to `n` samples into `pcm` and sets `*got`; fewer than `n`
// (0 at the end) only without loop. GALOIS_ERR_IO on a read error.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_wav_reader_read(struct galois_wav_reader *r,
                                                               int16_t *pcm, size_t n, size_t *got);
// galois_wav_reader_close closes and frees `r`. NULL is a no-op.
GALOIS_API void galois_wav_reader_close(struct galois_wav_reader *r);

// galois_wav_writer_open creates (or truncates) `path` as an 8000 Hz mono 16-bit PCM WAV file.
// GALOIS_ERR_IO (with `why` naming the file and libsndfile's reason) or GALOIS_ERR_NOMEM.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_wav_writer_open(struct galois_wav_writer **out,
                                                               const char *path, char *why,
                                                               size_t max_why);
// galois_wav_writer_write appends `n` samples. GALOIS_ERR_IO if not all were written.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_wav_writer_write(struct galois_wav_writer *w,
                                                                const int16_t *pcm, size_t n);
// galois_wav_writer_close writes the header, closes and frees `w` (freed in any case).
// GALOIS_ERR_IO if the file could not be completed. NULL is a no-op returning GALOIS_ERR_OK.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_wav_writer_close(struct galois_wav_writer *w);

// galois_media_stream_config describes one RTP audio stream of a call. galois_media_stream_new
// copies what it needs; the keysets may be wiped when it returns.
struct galois_media_stream_config {
    enum galois_media_codec codec;  // what we send; both PCMU and PCMA are accepted (by PT)
    uint32_t ssrc;                  // ours; 0: random
    // tx and rx are the SDES layer's keysets (galois_sdes_media_result send and receive), both
    // set for SRTP, or both NULL for plain RTP (only when the negotiation said PLAIN).
    const struct galois_sdes_keyset *tx;
    const struct galois_sdes_keyset *rx;
    bool rtcp_mux;      // RTCP on the RTP port (RFC 5761); informs the caller and the stats
    const char *cname;  // RTCP SDES CNAME (NUL-terminated, at most 64 bytes); NULL: "galois"
};

struct galois_media_stream;

// galois_media_stream_new creates a stream in `*out`. GALOIS_ERR_INVALID (with `why`) for an
// unknown codec, only one of tx/rx, a CNAME too long or a keyset the engine refuses (the
// engine's error is then returned: GALOIS_ERR_POLICY, GALOIS_ERR_UNSUPPORTED ...),
// GALOIS_ERR_NOMEM or GALOIS_ERR_CRYPTO. `*out` is NULL on failure.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_media_stream_new(struct galois_media_stream **out,
                        const struct galois_media_stream_config *cfg, char *why, size_t max_why);

// galois_media_stream_rekey gives an SRTP stream the keysets of a new negotiation (a
// re-INVITE). A direction whose keyset equals the one in use keeps its engine session as it
// is; a changed one gets a new session, and the old one's keys are wiped. The ROC goes on: a
// new send session starts at the ROC ours reached (our sequence numbers go on), and a new
// receive session takes the ROC of the peer's stream (libsrtp's srtp_update does the same).
// Until a packet authenticates under the new receive key, packets that fail it are tried
// under the old one (sent before the peer switched). Call it once per negotiation, never per
// packet. GALOIS_ERR_STATE for a plain-RTP stream or a NULL keyset (make a new stream to go
// between RTP and SRTP), else as galois_media_stream_new; on failure the stream is unchanged.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_media_stream_rekey(struct galois_media_stream *s, const struct galois_sdes_keyset *tx,
                          const struct galois_sdes_keyset *rx, char *why, size_t max_why);

// galois_media_stream_free wipes the keys (the engine does), and frees `s`. NULL is a no-op.
GALOIS_API void galois_media_stream_free(struct galois_media_stream *s);

// The argument order of send, receive, rtcp and stats_json follows the call's flow (input
// first, then where the result goes) rather than STYLE.md C2, as the callers were written to it.

// galois_media_stream_send encodes the GALOIS_MEDIA_FRAME samples at `pcm` with the codec,
// packs them into an RTP packet (sequence + 1, timestamp + 160, marker on the first packet),
// protects it and writes the datagram to `out` (room `max_out`), setting `*out_len`.
// GALOIS_ERR_BUFFER if the room is short (the sequence does not move), or the engine's error
// (GALOIS_ERR_LIMIT when the key is used up).
GALOIS_API GALOIS_MUST_CHECK galois_err galois_media_stream_send(struct galois_media_stream *s,
                                                                 const int16_t *pcm, uint8_t *out,
                                                                 size_t *out_len, size_t max_out);

// galois_media_stream_receive takes one datagram that arrived on the RTP port (or the RTCP
// port, or the muxed port: packets are told apart as RFC 5761 §4 says) at `now_us`
// (microseconds on any steady clock). `pkt` is decrypted in place. For RTP it updates the
// statistics and writes to `pcm` (room `max_samples`) the silence that stands for packets lost
// just before this one (up to GALOIS_MEDIA_MAX_GAP samples and the room), then the decoded
// audio, setting `*n_samples`; 0 for RTCP and for a dropped packet. A dropped packet is counted
// and the result says why, and the caller just goes on: GALOIS_ERR_AUTH (forged or corrupt),
// GALOIS_ERR_REPLAY, GALOIS_ERR_PARSE (not RTP/RTCP, bad header, wild sequence jump),
// GALOIS_ERR_UNSUPPORTED (a payload type other than 0 or 8: counted, no audio),
// GALOIS_ERR_BUFFER (`max_samples` below the packet's samples), or another engine error.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_media_stream_receive(struct galois_media_stream *s,
                                                                    uint8_t *pkt, size_t len,
                                                                    uint64_t now_us, int16_t *pcm,
                                                                    size_t max_samples,
                                                                    size_t *n_samples);

// galois_media_stream_rtcp builds a protected compound RTCP packet into `out` (room
// `max_out`): an SR once we have sent RTP (else an RR), with a report block on the peer once
// it has sent RTP, an SDES CNAME, and a BYE when `bye`. Send one about every 5 s, and one with
// `bye` at the end. `now_us` is on the clock given to receive (it is also the SR's wallclock:
// pass microseconds since 1970 for an NTP time peers can read). GALOIS_ERR_BUFFER or the
// engine's error.
GALOIS_API GALOIS_MUST_CHECK galois_err galois_media_stream_rtcp(struct galois_media_stream *s,
                                                                 bool bye, uint64_t now_us,
                                                                 uint8_t *out, size_t *out_len,
                                                                 size_t max_out);

// galois_media_stats is what a stream counted (docs/MEDIA.md defines each field).
struct galois_media_stats {
    uint64_t packets_sent;      // RTP packets built
    uint64_t octets_sent;       // their payload octets (as in an SR)
    uint64_t packets_received;  // RTP packets accepted (authentic, well formed)
    uint64_t octets_received;   // their payload octets
    uint64_t expected;          // highest extended sequence - first + 1 (RFC 3550 A.3)
    int64_t lost;               // expected - received; negative with duplicates
    uint64_t auth_failures;     // RTP and RTCP packets that failed authentication
    uint64_t replays;           // RTP and RTCP packets refused as replayed
    uint64_t malformed;         // not RTP/RTCP, bad headers, wild sequence jumps
    uint64_t other_errors;      // dropped for another engine error (unknown MKI, limits ...)
    uint64_t unknown_pt;        // accepted packets of a payload type we cannot decode
    uint64_t duplicates;        // accepted with the highest sequence seen again (plain RTP)
    uint64_t out_of_order;      // accepted after a packet with a higher sequence (late)
    uint64_t ssrc_changes;      // the peer's SSRC changed; counts restarted
    uint64_t rtcp_sent;         // RTCP compound packets built
    uint64_t rtcp_received;     // RTCP compound packets accepted
    uint64_t rekeys;            // galois_media_stream_rekey calls that changed a key
    double jitter_ms;           // interarrival jitter (RFC 3550 A.8), milliseconds
    double rtt_ms;              // round trip from the peer's last report on our SR; < 0: none
    int64_t remote_lost;        // cumulative lost the peer reported for our stream
    double remote_jitter_ms;    // jitter the peer reported for our stream
    bool have_remote_report;    // remote_lost and remote_jitter_ms are set
    bool bye_received;          // the peer sent an RTCP BYE
    uint32_t ssrc_local;
    uint32_t ssrc_remote;  // 0 until the first accepted packet
    enum galois_media_codec tx_codec;
    enum galois_media_codec rx_codec;  // of the last audio packet
    bool srtp;                         // SRTP (true) or plain RTP
    bool rtcp_mux;
};

// galois_media_stream_stats copies the counters of `s` to `*out`.
GALOIS_API void galois_media_stream_stats(const struct galois_media_stream *s,
                                          struct galois_media_stats *out);

// galois_media_stats_json writes `st` as one JSON object and a NUL to `out` (room `max_out`).
// GALOIS_ERR_BUFFER if the room is short.
GALOIS_API GALOIS_MUST_CHECK galois_err
galois_media_stats_json(char *out, size_t max_out, const struct galois_media_stats *st);

#ifdef __cplusplus
}
#endif

#endif  // GALOIS_MEDIA_H
