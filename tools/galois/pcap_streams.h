// galois tool: the SRTP sessions of `galois pcap`, one per key group, and the binding of each
// SSRC in the capture to one of them.
#ifndef GALOIS_TOOLS_PCAP_STREAMS_H
#define GALOIS_TOOLS_PCAP_STREAMS_H

#include <galois/srtp.h>
#include <stdio.h>

// galois_tool_ssrc is what the summary prints for one SSRC. `group` is the key group the SSRC
// is bound to (the first whose key authenticated one of its packets), or -1.
struct galois_tool_ssrc {
    uint32_t ssrc;
    int group;
    uint64_t packets, ok, auth_fail, replay, rtcp, other_fail;
};

// galois_tool_key_group is one galois session. Keys with an MKI that share a suite and an MKI
// length are one group, and the MKI picks the key per packet. Each key without an MKI is a
// group of its own.
struct galois_tool_key_group {
    enum galois_srtp_suite suite;
    size_t mki_len;
    size_t num_keys;
    size_t first_arg;  // index of the first --key in this group, to name it in errors
    // keys is secret; it is wiped once the session holds its own copy.
    struct galois_srtp_master_key keys[GALOIS_SRTP_MAX_KEYS];
    struct galois_srtp *srtp;
};

// galois_tool_hdr_opts is the header protection asked for on the command line.
struct galois_tool_hdr_opts {
    bool cryptex;                 // RFC 9335
    uint8_t encrypt_ext_ids[32];  // RFC 6904 element IDs, as the engine's policy takes them
    bool any_ext;
};

struct galois_tool_streams {
    bool encrypt;
    struct galois_tool_hdr_opts hdr;
    struct galois_tool_key_group groups[GALOIS_SRTP_MAX_KEYS];
    size_t num_groups;
    struct galois_tool_ssrc *ssrcs;  // sorted by SSRC
    size_t num_ssrcs;
};

// galois_tool_streams_init parses the `num_keys` --key arguments in `key_args` (at most
// GALOIS_SRTP_MAX_KEYS) and makes a sender (`encrypt`) or receiver session per key group,
// with the header protection `hdr`.
// On a bad key it prints a message naming the argument (never the key) and returns false;
// call galois_tool_streams_cleanup in either case.
bool galois_tool_streams_init(struct galois_tool_streams *s, bool encrypt,
                              const struct galois_tool_hdr_opts *hdr, const char *const *key_args,
                              size_t num_keys);

// galois_tool_streams_cleanup frees the sessions and the SSRC table, wiping every key.
void galois_tool_streams_cleanup(struct galois_tool_streams *s);

// galois_tool_streams_ssrc returns the entry of `ssrc`, adding it if it is new, or NULL when
// 65536 SSRCs are tracked already or memory runs out.
struct galois_tool_ssrc *galois_tool_streams_ssrc(struct galois_tool_streams *s, uint32_t ssrc);

// galois_tool_streams_run protects (encrypt) or unprotects the RTP or RTCP (`rtcp`) packet `in`
// of SSRC `st` into `out`. An SSRC not bound yet is tried with each key group in --key order
// and bound to the first that authenticates it. The result is counted in `*st`.
galois_err galois_tool_streams_run(struct galois_tool_streams *s, struct galois_tool_ssrc *st,
                                   bool rtcp, uint8_t *out, size_t *out_len, size_t max_out_len,
                                   const uint8_t *in, size_t in_len);

// galois_tool_streams_summary writes one line per SSRC, in SSRC order, to `f`.
void galois_tool_streams_summary(const struct galois_tool_streams *s, FILE *f);

#endif  // GALOIS_TOOLS_PCAP_STREAMS_H
