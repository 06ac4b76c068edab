// SIP messages on libosip2: galois_sip_msg_parse (parse, then check what RFC 3261 §8.1.1 and
// §8.2 require before anything acts on a message), galois_sip_msg_write, and the helpers the
// user agent reads parsed messages with.
#include "msg.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../common/internal.h"

static pthread_once_t parser_once = PTHREAD_ONCE_INIT;
static int parser_rc = -1;

static void quiet_trace(const char *file, int line, osip_trace_level_t level, const char *fmt,
                        va_list ap)
{
    (void)file;
    (void)line;
    (void)level;
    (void)fmt;
    (void)ap;
}

static void init_parser(void)
{
    parser_rc = parser_init();
    // Debian's libosip2 is built with traces, and without a trace function it prints them to
    // stdout whatever level is enabled: every refused message would land there. galois reports
    // through `why` instead.
    osip_trace_initialize_func(TRACE_LEVEL0, quiet_trace);
    for (int level = TRACE_LEVEL0; level < END_TRACE_LEVEL; level++) {
        osip_trace_disable_level((osip_trace_level_t)level);
    }
}

bool galois_sip_msg_init(void)
{
    return pthread_once(&parser_once, init_parser) == 0 && parser_rc == 0;
}

// find_param returns the value of the parameter `name` (case ignored) in a libosip2 parameter
// list, "" for a parameter without a value, or NULL when it is not there.
static const char *find_param(const osip_list_t *params, const char *name)
{
    int n = osip_list_size(params);
    for (int i = 0; i < n; i++) {
        const osip_generic_param_t *p = osip_list_get(params, i);
        if (p != NULL && p->gname != NULL && strcasecmp(p->gname, name) == 0) {
            return p->gvalue != NULL ? p->gvalue : "";
        }
    }
    return NULL;
}

// text_num parses the whole NUL-terminated `s` as a decimal number no greater than `max`.
static bool text_num(const char *s, uint64_t max, uint64_t *out)
{
    if (s == NULL) {
        return false;
    }
    struct galois_cur c;
    galois_cur_init(&c, (const uint8_t *)s, strlen(s));
    return galois_cur_u64_dec(&c, out, max) && galois_cur_len(&c) == 0;
}

static bool nonempty(const char *s)
{
    return s != NULL && s[0] != '\0';
}

static const osip_via_t *top_via(const osip_message_t *m)
{
    return osip_list_size(&m->vias) > 0 ? osip_list_get(&m->vias, 0) : NULL;
}

const char *galois_sip_msg_branch(const osip_message_t *m)
{
    const osip_via_t *v = top_via(m);
    const char *b = v != NULL ? find_param(&v->via_params, "branch") : NULL;
    return nonempty(b) ? b : NULL;
}

bool galois_sip_msg_branch_is_rfc3261(const osip_message_t *m)
{
    const char *b = galois_sip_msg_branch(m);
    return b != NULL && strncmp(b, "z9hG4bK", 7) == 0;
}

static bool port_num(const char *s, uint16_t *out)
{
    uint64_t v = 0;
    if (!text_num(s, 65535, &v) || v == 0) {
        return false;
    }
    *out = (uint16_t)v;
    return true;
}

bool galois_sip_msg_via(const osip_message_t *m, struct galois_sip_via *out)
{
    memset(out, 0, sizeof(*out));
    const osip_via_t *v = top_via(m);
    if (v == NULL || !nonempty(v->host)) {
        return false;
    }
    out->transport = v->protocol;
    out->host = v->host;
    if (v->port != NULL && !port_num(v->port, &out->port)) {
        return false;
    }
    out->branch = galois_sip_msg_branch(m);
    out->received = find_param(&v->via_params, "received");
    const char *rport = find_param(&v->via_params, "rport");
    out->has_rport = rport != NULL;
    if (nonempty(rport) && !port_num(rport, &out->rport)) {
        return false;
    }
    return true;
}

const char *galois_sip_msg_from_tag(const osip_message_t *m)
{
    const char *t = m->from != NULL ? find_param(&m->from->gen_params, "tag") : NULL;
    return nonempty(t) ? t : NULL;
}

const char *galois_sip_msg_to_tag(const osip_message_t *m)
{
    const char *t = m->to != NULL ? find_param(&m->to->gen_params, "tag") : NULL;
    return nonempty(t) ? t : NULL;
}

bool galois_sip_msg_cseq(const osip_message_t *m, uint32_t *out_num, const char **out_method)
{
    uint64_t v = 0;
    if (m->cseq == NULL || !text_num(m->cseq->number, 0x7fffffff, &v) ||
        !nonempty(m->cseq->method)) {
        return false;
    }
    *out_num = (uint32_t)v;
    *out_method = m->cseq->method;
    return true;
}

const char *galois_sip_msg_sdp(const osip_message_t *m, size_t *out_len)
{
    *out_len = 0;
    const osip_content_type_t *ct = m->content_type;
    if (ct == NULL || ct->type == NULL || ct->subtype == NULL ||
        strcasecmp(ct->type, "application") != 0 || strcasecmp(ct->subtype, "sdp") != 0 ||
        osip_list_size(&m->bodies) != 1) {
        return NULL;
    }
    const osip_body_t *b = osip_list_get(&m->bodies, 0);
    if (b == NULL || b->body == NULL || b->length == 0) {
        return NULL;
    }
    *out_len = b->length;
    return b->body;
}

// token_text tells whether the NUL-terminated `s` is a non-empty token.
static bool token_text(const char *s)
{
    if (!nonempty(s)) {
        return false;
    }
    for (; *s != '\0'; s++) {
        if (!galois_sip_msg_is_token((uint8_t)*s)) {
            return false;
        }
    }
    return true;
}

// check_counts refuses a message whose headers that must appear once do not.
static bool check_counts(const struct galois_sip_msg_head *h, char *why, size_t max_why)
{
    const struct {
        const char *name;
        unsigned num;
    } once[] = {
        {"To", h->num_to},
        {"From", h->num_from},
        {"Call-ID", h->num_call_id},
        {"CSeq", h->num_cseq},
    };
    for (size_t i = 0; i < GALOIS_ARRAY_LEN(once); i++) {
        if (once[i].num != 1) {
            galois_sip_msg_why(why, max_why, "%s: %s", once[i].name,
                               once[i].num == 0 ? "missing" : "more than one");
            return false;
        }
    }
    if (h->num_max_forwards > 1) {
        galois_sip_msg_why(why, max_why, "Max-Forwards: more than one");
        return false;
    }
    if (h->num_content_type > 1) {
        galois_sip_msg_why(why, max_why, "Content-Type: more than one");
        return false;
    }
    return true;
}

// check_start checks the request or status line and what depends on it (Max-Forwards, the CSeq
// method, the To tag).
static bool check_start(const osip_message_t *m, char *why, size_t max_why)
{
    if (MSG_IS_RESPONSE(m)) {
        if (m->status_code < 100 || m->status_code > 699) {
            galois_sip_msg_why(why, max_why, "status line: code %d is not in 100..699",
                               m->status_code);
            return false;
        }
        if (m->status_code > 100 && galois_sip_msg_to_tag(m) == NULL) {
            galois_sip_msg_why(why, max_why, "To: no tag in a %d response (RFC 3261 §8.2.6.2)",
                               m->status_code);
            return false;
        }
        return true;
    }
    if (!nonempty(m->sip_method) || m->req_uri == NULL) {
        galois_sip_msg_why(why, max_why, "request line: no method or Request-URI");
        return false;
    }
    if (strcmp(m->cseq->method, m->sip_method) != 0) {
        galois_sip_msg_why(why, max_why, "CSeq: method %.40s does not match request method %.40s",
                           m->cseq->method, m->sip_method);
        return false;
    }
    osip_header_t *mf = NULL;
    uint64_t hops = 0;
    if (osip_message_header_get_byname(m, "max-forwards", 0, &mf) < 0 || mf == NULL) {
        galois_sip_msg_why(why, max_why, "Max-Forwards: missing in a request");
        return false;
    }
    if (!text_num(mf->hvalue, 255, &hops)) {
        galois_sip_msg_why(why, max_why, "Max-Forwards: '%.20s' is not a number in 0..255",
                           mf->hvalue != NULL ? mf->hvalue : "");
        return false;
    }
    return true;
}

// check_headers checks the headers every message needs, once libosip2 has parsed them.
static bool check_headers(const osip_message_t *m, size_t body_len, char *why, size_t max_why)
{
    uint32_t num = 0;
    const char *method = NULL;
    if (m->from == NULL || m->to == NULL) {
        galois_sip_msg_why(why, max_why, "%s: unreadable", m->from == NULL ? "From" : "To");
        return false;
    }
    if (galois_sip_msg_from_tag(m) == NULL) {
        galois_sip_msg_why(why, max_why, "From: no tag (RFC 3261 §8.1.1.3)");
        return false;
    }
    if (m->call_id == NULL || !nonempty(m->call_id->number)) {
        galois_sip_msg_why(why, max_why, "Call-ID: empty or unreadable");
        return false;
    }
    if (!galois_sip_msg_cseq(m, &num, &method)) {
        galois_sip_msg_why(
            why, max_why,
            "CSeq: needs a number of at most 2^31-1 and a method (RFC 3261 §8.1.1.5)");
        return false;
    }
    if (top_via(m) == NULL) {
        galois_sip_msg_why(why, max_why, "Via: missing");
        return false;
    }
    if (galois_sip_msg_branch(m) == NULL) {
        galois_sip_msg_why(why, max_why, "Via: the top Via has no branch parameter");
        return false;
    }
    int num_vias = osip_list_size(&m->vias);
    for (int i = 0; i < num_vias; i++) {
        const osip_via_t *v = osip_list_get(&m->vias, i);
        if (v == NULL || v->version == NULL || strcmp(v->version, "2.0") != 0 ||
            !token_text(v->protocol) || !nonempty(v->host)) {
            galois_sip_msg_why(why, max_why, "Via: #%d is not SIP/2.0/TRANSPORT host", i + 1);
            return false;
        }
    }
    int num_contacts = osip_list_size(&m->contacts);
    for (int i = 0; i < num_contacts; i++) {  // libosip2 takes "<sip:  >" and writes "<sip:>"
        const osip_contact_t *c = osip_list_get(&m->contacts, i);
        bool star = c != NULL && c->url == NULL && c->displayname != NULL &&
                    strcmp(c->displayname, "*") == 0;
        if (c == NULL || (!star && (c->url == NULL || !nonempty(c->url->host)))) {
            galois_sip_msg_why(why, max_why, "Contact: #%d has no URI with a host", i + 1);
            return false;
        }
    }
    struct galois_sip_via via;
    if (!galois_sip_msg_via(m, &via)) {
        galois_sip_msg_why(why, max_why,
                           "Via: no sent-by host, or a port or rport not in 1..65535");
        return false;
    }
    if (m->content_type != NULL &&
        (!token_text(m->content_type->type) || !token_text(m->content_type->subtype))) {
        galois_sip_msg_why(why, max_why, "Content-Type: not a type/subtype of tokens");
        return false;
    }
    // libosip2 reads a parameter without a value ("application/sdp;x") but cannot write it
    // back: its text would lose the header's end of line.
    int num_ct_params = m->content_type != NULL ? osip_list_size(&m->content_type->gen_params) : 0;
    for (int i = 0; i < num_ct_params; i++) {
        const osip_generic_param_t *p = osip_list_get(&m->content_type->gen_params, i);
        if (p == NULL || !token_text(p->gname) || !nonempty(p->gvalue)) {
            galois_sip_msg_why(why, max_why, "Content-Type: parameter #%d is not name=value",
                               i + 1);
            return false;
        }
    }
    if (body_len > 0 && m->content_type == NULL) {
        galois_sip_msg_why(why, max_why, "Content-Type: missing for a %zu-byte body", body_len);
        return false;
    }
    if (body_len > 0 && osip_list_size(&m->bodies) < 1) {
        galois_sip_msg_why(why, max_why, "body: libosip2 could not read the %zu-byte body",
                           body_len);
        return false;
    }
    return check_start(m, why, max_why);
}

galois_err galois_sip_msg_parse(osip_message_t **out, const uint8_t *buf, size_t len, char *why,
                                size_t max_why)
{
    *out = NULL;
    galois_sip_msg_why(why, max_why, "%s", "");
    if (len > GALOIS_SIP_MAX_MSG) {
        galois_sip_msg_why(why, max_why, "message: %zu bytes, over the %d-byte limit", len,
                           (int)GALOIS_SIP_MAX_MSG);
        return GALOIS_ERR_LIMIT;
    }
    struct galois_sip_msg_head h;
    enum galois_sip_frame r = galois_sip_msg_head_scan(&h, buf, len, why, max_why);
    if (r == GALOIS_SIP_FRAME_MORE) {
        galois_sip_msg_why(why, max_why, "headers: no empty line after them");
    }
    if (r != GALOIS_SIP_FRAME_MESSAGE) {
        return GALOIS_ERR_PARSE;
    }
    size_t body_len = len - h.head_len;
    if (h.has_length) {
        if (h.content_length > body_len) {
            galois_sip_msg_why(why, max_why, "Content-Length: %zu, but the body has %zu bytes",
                               h.content_length, body_len);
            return GALOIS_ERR_PARSE;
        }
        body_len = h.content_length;  // RFC 3261 §18.3: bytes past it are dropped
    }
    if (!check_counts(&h, why, max_why)) {
        return GALOIS_ERR_PARSE;
    }
    if (!galois_sip_msg_init()) {
        galois_sip_msg_why(why, max_why, "libosip2: parser_init failed");
        return GALOIS_ERR_NOMEM;
    }
    galois_err err = GALOIS_ERR_PARSE;
    osip_message_t *m = NULL;
    if (osip_message_init(&m) != 0) {
        err = GALOIS_ERR_NOMEM;
        goto out;
    }
    if (osip_message_parse(m, (const char *)buf, h.head_len + body_len) != 0) {
        galois_sip_msg_why(why, max_why, "message: libosip2 refused its syntax");
        goto out;
    }
    if (!check_headers(m, body_len, why, max_why)) {
        goto out;
    }
    if (MSG_IS_REQUEST(m) && !galois_sip_msg_branch_is_rfc3261(m)) {
        galois_sip_msg_why(why, max_why,
                           "note: Via branch '%.40s' lacks the RFC 3261 cookie z9hG4bK "
                           "(an RFC 2543 peer)",
                           galois_sip_msg_branch(m));
    }
    *out = m;
    m = NULL;
    err = GALOIS_ERR_OK;
out:
    osip_message_free(m);
    return err;
}

galois_err galois_sip_msg_write(uint8_t *out, size_t *out_len, size_t max_out, osip_message_t *m)
{
    *out_len = 0;
    int num_bodies = osip_list_size(&m->bodies);
    if (num_bodies > 1) {
        return GALOIS_ERR_INVALID;  // multipart bodies are not written here
    }
    size_t body_len = 0;
    if (num_bodies == 1) {
        const osip_body_t *b = osip_list_get(&m->bodies, 0);
        body_len = b != NULL ? b->length : 0;
    }
    char num[24];
    snprintf(num, sizeof(num), "%zu", body_len);
    osip_content_length_free(m->content_length);
    m->content_length = NULL;
    if (osip_message_set_content_length(m, num) != 0) {
        return GALOIS_ERR_NOMEM;
    }
    osip_message_force_update(m);
    char *text = NULL;
    size_t text_len = 0;
    if (osip_message_to_str(m, &text, &text_len) != 0 || text == NULL) {
        return GALOIS_ERR_INVALID;
    }
    galois_err err = GALOIS_ERR_OK;
    if (text_len > GALOIS_SIP_MAX_MSG) {
        err = GALOIS_ERR_LIMIT;
    } else if (text_len > max_out) {
        err = GALOIS_ERR_BUFFER;
    } else {
        memcpy(out, text, text_len);
        *out_len = text_len;
    }
    osip_free(text);
    return err;
}
