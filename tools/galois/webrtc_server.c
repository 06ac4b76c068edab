// `galois webrtc`: the HTTP side (libmicrohttpd): the routes, what each request may do, and the
// server's start and stop. webrtc_run.c has the one loop that drives it and every session.
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>

#include "webrtc_server_state.h"

enum {
    HTTP_TIMEOUT_S = 10,  // an idle connection is closed after this
    HTTP_PER_IP = 8,      // connections at once from one address (a browser opens up to 6)
    MAX_QUERY = 16,
    WHAT_MAX = 160,
    BODY_FIRST = 4096,  // bytes first allocated for a body; doubled as it grows
    ANSWER_JSON_MAX = 2 * WR_MAX_ANSWER + 256,  // the answer SDP escaped, and our members
};

enum route { R_OTHER = 0, R_PAGE, R_FAVICON, R_OFFER, R_RESULT };

// request is one HTTP request: what the first look at its headers decided, and its body as it
// arrives.
struct request {
    enum route route;
    char what[WHAT_MAX];  // "METHOD /path", escaped, for the refusal line
    unsigned refuse;      // not 0: the status it gets, whatever its body; `why` says why
    char why[WR_MAX_ERROR];
    uint8_t *body;
    size_t len;
    size_t cap;  // bytes allocated at body
    bool too_big;
};

// --- responses ---

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *type,
                             const char *body, size_t len)
{
    // MHD_RESPMEM_MUST_COPY copies the bytes; the API just lacks a const.
    union {
        const char *c;
        void *v;
    } data = {.c = body};
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data.v, MHD_RESPMEM_MUST_COPY);
    if (r == NULL) {
        return MHD_NO;
    }
    (void)MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    (void)MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *text)
{
    char line[WR_MAX_ERROR + 2];
    int n = snprintf(line, sizeof(line), "%s\n", text);
    size_t len = n < 0 ? 0 : (size_t)n >= sizeof(line) ? sizeof(line) - 1 : (size_t)n;
    return reply(c, status, "text/plain; charset=utf-8", line, len);
}

// --- routes ---

static struct wr_session *session_by_query(struct wr_server *srv, struct MHD_Connection *c)
{
    const char *q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "session");
    if (q == NULL) {
        return NULL;
    }
    struct galois_rd r;
    uint64_t id = 0;
    galois_rd_init(&r, q, strnlen(q, MAX_QUERY + 1));
    if (!galois_rd_dec_u64(&r, &id, WR_MAX_SESSIONS) || r.len != 0) {
        return NULL;
    }
    for (size_t i = 0; i < srv->num_sessions; i++) {
        if (wr_session_id(srv->sessions[i]) == id) {
            return srv->sessions[i];
        }
    }
    return NULL;
}

// refuse answers `status` with the one-line reason `why` (already safe for a terminal), counts
// it and says so on stderr.
static enum MHD_Result refuse(struct wr_server *srv, struct MHD_Connection *c,
                              const struct request *req, unsigned status, const char *why)
{
    srv->refused_requests++;
    if (req->route == R_OFFER) {
        srv->refused_offers++;
        snprintf(srv->last_refusal, sizeof(srv->last_refusal), "%s", why);
        fprintf(stderr, "galois webrtc: refused an offer (HTTP %u): %s\n", status, why);
    } else {
        fprintf(stderr, "galois webrtc: refused %s (HTTP %u): %s\n", req->what, status, why);
    }
    return reply_text(c, status, why);
}

// free_slot returns the lowest UDP port offset no live session uses.
static unsigned free_slot(const struct wr_server *srv)
{
    for (unsigned k = 0;; k++) {
        bool used = false;
        for (size_t i = 0; i < srv->num_sessions; i++) {
            used = used || srv->slots[i] == k;
        }
        if (!used) {
            return k;
        }
    }
}

static enum MHD_Result post_offer(struct wr_server *srv, struct MHD_Connection *c,
                                  const struct request *req)
{
    char why[WR_MAX_ERROR];
    if (srv->num_sessions >= srv->o->sessions) {
        snprintf(why, sizeof(why), "all %u sessions are taken", srv->o->sessions);
        return refuse(srv, c, req, MHD_HTTP_SERVICE_UNAVAILABLE, why);
    }
    char *sdp = malloc(GALOIS_SDP_MAX_LEN + 1);
    char *answer = malloc(WR_MAX_ANSWER);
    char *json = malloc(ANSWER_JSON_MAX);
    struct wr_offer *offer = malloc(sizeof(*offer));
    enum MHD_Result ret = MHD_NO;
    size_t sdp_len = 0;
    if (sdp == NULL || answer == NULL || json == NULL || offer == NULL) {
        ret = refuse(srv, c, req, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
        goto out;
    }
    if (!wr_offer_body(sdp, GALOIS_SDP_MAX_LEN + 1, &sdp_len, req->body, req->len, why,
                       sizeof(why)) ||
        !wr_offer_check(offer, sdp, sdp_len, why, sizeof(why))) {
        ret = refuse(srv, c, req, MHD_HTTP_BAD_REQUEST, why);
        goto out;
    }
    const char *r = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "result");
    bool wants_result = r != NULL && strcmp(r, "1") == 0;
    unsigned id = srv->next_id + 1;
    unsigned slot = free_slot(srv);
    struct wr_session *s = NULL;
    if (!wr_session_new(&s, id, slot, srv->o, srv->cert, offer, sdp, sdp_len, wants_result, answer,
                        WR_MAX_ANSWER, why, sizeof(why))) {
        ret = refuse(srv, c, req, MHD_HTTP_BAD_REQUEST, why);
        goto out;
    }
    srv->next_id = id;
    srv->slots[srv->num_sessions] = slot;
    srv->sessions[srv->num_sessions++] = s;
    size_t n = 0;
    int head = snprintf(json, ANSWER_JSON_MAX,
                        "{\"type\":\"answer\",\"session\":%u,\"token\":\"%s\",\"duration\":%.3f,"
                        "\"sdp\":",
                        id, wr_session_token(s), srv->o->duration_s);
    size_t room = ANSWER_JSON_MAX - (size_t)head;
    if (head < 0 || !wr_json_escape(json + head, room - 1, &n, answer, strlen(answer))) {
        wr_session_abort(s, "the answer does not fit", wr_now_us());
        ret = refuse(srv, c, req, MHD_HTTP_INTERNAL_SERVER_ERROR, "the answer does not fit");
        goto out;
    }
    json[(size_t)head + n] = '}';
    ret = reply(c, MHD_HTTP_OK, "application/json", json, (size_t)head + n + 1);
out:
    if (offer != NULL) {
        galois_secure_zero(offer, sizeof(*offer));
    }
    free(offer);
    free(sdp);
    free(answer);
    free(json);
    return ret;
}

static enum MHD_Result post_result(struct wr_server *srv, struct MHD_Connection *c,
                                   const struct request *req)
{
    struct wr_session *s = session_by_query(srv, c);
    struct galois_rd v;
    if (s == NULL) {
        return refuse(srv, c, req, MHD_HTTP_NOT_FOUND,
                      "no such session: POST /result?session=N&token=T (from the answer)");
    }
    const char *token = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
    if (!wr_session_token_ok(s, token)) {
        return refuse(srv, c, req, MHD_HTTP_FORBIDDEN,
                      "wrong or missing token: the answer to the offer gave it");
    }
    if (!wr_json_valid(req->body, req->len) || !wr_json_member(&v, req->body, req->len, "ok")) {
        return refuse(srv, c, req, MHD_HTTP_BAD_REQUEST,
                      "the result is not a JSON object with \"ok\"");
    }
    if (!wr_session_wants_result(s)) {
        return refuse(srv, c, req, MHD_HTTP_CONFLICT,
                      "this session has its result already, or its offer did not ask for one");
    }
    if (req->len > WR_MAX_RESULT) {
        return refuse(srv, c, req, MHD_HTTP_CONTENT_TOO_LARGE, "the result is over 64 KiB");
    }
    if (!wr_session_set_result(s, req->body, req->len)) {
        return refuse(srv, c, req, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
    }
    wr_progress(srv->o, "session %u: the page reported %s", wr_session_id(s),
                wr_json_is_true(v) ? "success" : "failure");
    return reply(c, MHD_HTTP_OK, "application/json", "{}", 2);
}

// body_room makes `need` (at most WR_MAX_BODY) bytes of room at req->body, doubling it: a body
// that arrives in many small pieces is copied a few times, not once per piece.
static bool body_room(struct request *req, size_t need)
{
    if (need <= req->cap) {
        return true;
    }
    size_t cap = req->cap == 0 ? BODY_FIRST : req->cap;
    while (cap < need) {
        cap *= 2;
    }
    cap = cap > WR_MAX_BODY ? WR_MAX_BODY : cap;
    uint8_t *p = realloc(req->body, cap);
    if (p == NULL) {
        return false;
    }
    req->body = p;
    req->cap = cap;
    return true;
}

// screen decides, from the headers alone, whether the request is refused whatever its body
// (webrtc_guard.c; docs/WEBRTC.md, "Who may talk to galois").
static void screen(struct wr_server *srv, struct MHD_Connection *c, struct request *req,
                   const char *url, const char *method)
{
    const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
    const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    const char *type =
        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    bool post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    char names[96];
    char shown[4 * 64 + 1];
    req->route = strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0 ? R_PAGE
                 : strcmp(url, "/favicon.ico") == 0                       ? R_FAVICON
                 : strcmp(url, "/offer") == 0                             ? R_OFFER
                 : strcmp(url, "/result") == 0                            ? R_RESULT
                                                                          : R_OTHER;
    char m[4 * 16 + 1];
    char u[4 * 64 + 1];
    (void)wr_text_escape(m, sizeof(m), method, strnlen(method, 16));
    (void)wr_text_escape(u, sizeof(u), url, strnlen(url, 64));
    snprintf(req->what, sizeof(req->what), "%.64s %.80s", m, u);
    if (!wr_guard_host(&srv->guard, host)) {
        wr_guard_names(&srv->guard, names, sizeof(names));
        (void)wr_text_escape(shown, sizeof(shown), host == NULL ? "" : host,
                             strnlen(host == NULL ? "" : host, 64));
        req->refuse = MHD_HTTP_FORBIDDEN;
        snprintf(req->why, sizeof(req->why), "Host \"%s\" is not this server (want %s)", shown,
                 names);
    } else if (!wr_guard_origin(&srv->guard, origin, host)) {
        (void)wr_text_escape(shown, sizeof(shown), origin, strnlen(origin, 64));
        req->refuse = MHD_HTTP_FORBIDDEN;
        snprintf(req->why, sizeof(req->why),
                 "Origin \"%s\" is not this server's page: cross-origin requests are refused",
                 shown);
    } else if (req->route == R_OTHER) {
        req->refuse = MHD_HTTP_NOT_FOUND;
        snprintf(req->why, sizeof(req->why), "not found: GET /, POST /offer, POST /result");
    } else if ((req->route == R_PAGE || req->route == R_FAVICON) && !get) {
        req->refuse = MHD_HTTP_METHOD_NOT_ALLOWED;
        snprintf(req->why, sizeof(req->why), "use GET");
    } else if ((req->route == R_OFFER || req->route == R_RESULT) && !post) {
        req->refuse = MHD_HTTP_METHOD_NOT_ALLOWED;
        snprintf(req->why, sizeof(req->why), "use POST");
    } else if (post && !wr_guard_json_type(type)) {
        req->refuse = MHD_HTTP_UNSUPPORTED_MEDIA_TYPE;
        snprintf(req->why, sizeof(req->why), "send the body as Content-Type: application/json");
    }
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct wr_server *srv = cls;
    struct request *req = *con_cls;
    if (req == NULL) {
        req = calloc(1, sizeof(*req));
        if (req == NULL) {
            return MHD_NO;
        }
        *con_cls = req;
        screen(srv, c, req, url, method);
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (req->refuse != 0) {
            return MHD_YES;  // a refused request's body is read and dropped
        }
        if (req->too_big || n > WR_MAX_BODY - req->len) {
            req->too_big = true;
            return MHD_YES;
        }
        if (!body_room(req, req->len + n)) {
            req->too_big = true;
            return MHD_YES;
        }
        memcpy(req->body + req->len, upload_data, n);
        req->len += n;
        return MHD_YES;
    }
    if (req->refuse != 0) {
        return refuse(srv, c, req, req->refuse, req->why);
    }
    if (req->too_big) {
        return refuse(srv, c, req, MHD_HTTP_CONTENT_TOO_LARGE, "body over 128 KiB");
    }
    switch (req->route) {
        case R_PAGE:
            return reply(c, MHD_HTTP_OK, "text/html; charset=utf-8", srv->page, srv->page_len);
        case R_FAVICON:
            return reply(c, MHD_HTTP_NO_CONTENT, "image/x-icon", "", 0);
        case R_OFFER:
            return post_offer(srv, c, req);
        case R_RESULT:
            return post_result(srv, c, req);
        default:
            return refuse(srv, c, req, MHD_HTTP_NOT_FOUND, "not found");
    }
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct request *req = *con_cls;
    if (req != NULL) {
        free(req->body);
        free(req);
        *con_cls = NULL;
    }
}

// --- life ---

bool wr_server_start(struct wr_server **out, struct wr_options *o,
                     const struct galois_dtls_cert *cert, char *why, size_t max_why)
{
    *out = NULL;
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE};
    struct addrinfo *res = NULL;
    char service[8];
    snprintf(service, sizeof(service), "%u", (unsigned)o->http_port);
    if (getaddrinfo(o->http_host, service, &hints, &res) != 0 || res == NULL) {
        snprintf(why, max_why, "--http %s: not a numeric address", o->http_host);
        return false;
    }
    struct wr_server *srv = calloc(1, sizeof(*srv));
    if (srv == NULL) {
        freeaddrinfo(res);
        snprintf(why, max_why, "out of memory");
        return false;
    }
    srv->o = o;
    srv->cert = cert;
    srv->page = wr_page_new(&srv->page_len);
    if (srv->page == NULL) {
        freeaddrinfo(res);
        free(srv);
        snprintf(why, max_why, "out of memory");
        return false;
    }
    unsigned flags = MHD_USE_ERROR_LOG | (res->ai_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    srv->mhd = MHD_start_daemon(
        flags, o->http_port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, res->ai_addr,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)HTTP_TIMEOUT_S, MHD_OPTION_CONNECTION_LIMIT, (unsigned)(FD_SETSIZE / 4),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HTTP_PER_IP, MHD_OPTION_END);
    freeaddrinfo(res);
    if (srv->mhd == NULL) {
        snprintf(why, max_why, "cannot listen for HTTP on %s port %u (in use?)", o->http_host,
                 (unsigned)o->http_port);
        free(srv->page);
        free(srv);
        return false;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info != NULL && info->port != 0 ? info->port : o->http_port;
    if (!wr_guard_init(&srv->guard, o->http_host, srv->port)) {
        snprintf(why, max_why,
                 "--http %s: not an IPv4 or IPv6 address galois can check Host against",
                 o->http_host);
        wr_server_stop(srv);
        return false;
    }
    *out = srv;
    return true;
}

void wr_server_stop(struct wr_server *srv)
{
    if (srv == NULL) {
        return;
    }
    if (srv->mhd != NULL) {
        MHD_stop_daemon(srv->mhd);
    }
    for (size_t i = 0; i < srv->num_sessions; i++) {
        wr_session_free(srv->sessions[i]);
    }
    free(srv->page);
    free(srv);
}

uint16_t wr_server_port(const struct wr_server *srv)
{
    return srv->port;
}
