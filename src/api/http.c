/*
 * The HTTP server: libmicrohttpd with a thread pool.  This file turns MHD's
 * callbacks into mz_req / mz_res, enforces the limits before any work (body
 * size, header memory, connections, time), adds the security headers, and
 * serves the built web UI with a fallback to index.html.
 *
 * MHD calls the access handler at least twice per request; we answer on the
 * second call (or later, after the body), which keeps connections alive.
 */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "base/strnum.h"

static const char CSP[] =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

struct conn {
    mz_buf body;
    int too_large;
    size_t limit; /* body bytes allowed for this request (body_limit) */
    struct timespec start;
};

struct collect {
    mz_req *req;
    int headers; /* collecting headers (1) or query arguments (0) */
};

static enum MHD_Result collect_kv(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    struct collect *c = cls;
    (void)kind;
    mz_kv *arr = c->headers ? c->req->headers : c->req->query;
    int *n = c->headers ? &c->req->nheaders : &c->req->nquery;
    if (*n < MZ_MAX_KV && key) {
        arr[*n].key = key;
        arr[*n].value = value ? value : "";
        (*n)++;
    }
    return MHD_YES;
}

static void new_request_id(mz_req *req)
{
    const char *given = mz_req_header(req, "X-Request-Id");
    size_t n = given ? strlen(given) : 0;
    if (n >= 8 && n < sizeof req->request_id &&
        strspn(given, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == n) {
        memcpy(req->request_id, given, n + 1);
        return;
    }
    /* 16 bytes of ChaCha20 under a key drawn once per thread, the nonce counting the thread's
     * requests: as unpredictable as randombytes_buf, which made a getrandom system call per
     * request (1.4 % of a person profile's server time, perf). */
    static _Thread_local unsigned char key[crypto_stream_chacha20_KEYBYTES];
    static _Thread_local uint64_t count;
    unsigned char r[16], nonce[crypto_stream_chacha20_NONCEBYTES] = {0};
    if (count++ == 0)
        randombytes_buf(key, sizeof key);
    memcpy(nonce, &count, sizeof count < sizeof nonce ? sizeof count : sizeof nonce);
    crypto_stream_chacha20(r, sizeof r, nonce, key);
    sodium_bin2hex(req->request_id, sizeof req->request_id, r, sizeof r);
}

static const char *mime_of(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".json", "application/json"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".ttf", "font/ttf"},
        {".yaml", "application/yaml; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(path, '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strcmp(dot, types[i].ext) == 0)
                return types[i].type;
    return "application/octet-stream";
}

/* Static files of the UI.  Only plain names: no "..", no hidden files. */
static void serve_static(mz_req *req, mz_res *res)
{
    const mz_app *app = req->app;
    const char *p = req->path;
    struct stat sb;
    mz_error err;
    if (app->web_root == NULL ||
        (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)) {
        mz_error_set(&err, 404, "not_found", NULL, "页面不存在");
        mz_res_error(res, &err);
        return;
    }
    int safe = strstr(p, "..") == NULL && strstr(p, "/.") == NULL &&
               strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./") ==
                   strlen(p);
    char *file = NULL;
    if (safe && strcmp(p, "/") != 0) {
        file = mz_arena_printf(req->arena, "%s%s", app->web_root, p);
        if (stat(file, &sb) != 0 || !S_ISREG(sb.st_mode))
            file = NULL;
    }
    if (file == NULL) {
        /* Client-side routes (/users, /regions …) load the application. */
        file = mz_arena_printf(req->arena, "%s/index.html", app->web_root);
        res->cache_immutable = 0;
    } else {
        res->cache_immutable = strncmp(p, "/assets/", 8) == 0;
    }
    res->status = 200;
    res->content_type = mime_of(file);
    res->file = mz_strdup(file);
}

static void add_headers(struct MHD_Response *r, const mz_req *req, const mz_res *res, int api)
{
    MHD_add_response_header(r, "Content-Security-Policy", CSP);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "X-Request-Id", req->request_id);
    if (api)
        MHD_add_response_header(r, "Cache-Control", "no-store");
    else
        MHD_add_response_header(r, "Cache-Control",
                                res->cache_immutable ? "public, max-age=31536000, immutable"
                                                     : "no-cache");
    if (res->content_type)
        MHD_add_response_header(r, "Content-Type", res->content_type);
    if (res->set_cookie)
        MHD_add_response_header(r, "Set-Cookie", res->set_cookie);
    if (res->allow)
        MHD_add_response_header(r, "Allow", res->allow);
    if (res->disposition)
        MHD_add_response_header(r, "Content-Disposition", res->disposition);
}

static enum MHD_Result send_res(struct MHD_Connection *c, mz_req *req, mz_res *res, int api)
{
    struct MHD_Response *r = NULL;
    if (res->file) {
        int fd = open(res->file, O_RDONLY | O_CLOEXEC);
        struct stat sb;
        if (fd >= 0 && fstat(fd, &sb) == 0) {
            r = MHD_create_response_from_fd((uint64_t)sb.st_size, fd);
        } else {
            if (fd >= 0)
                close(fd);
            mz_error err;
            mz_error_set(&err, 404, "not_found", NULL, "文件不存在");
            mz_res_cleanup(res);
            mz_res_init(res);
            mz_res_error(res, &err);
        }
    }
    if (r == NULL)
        r = MHD_create_response_from_buffer(
            res->body.len, res->body.data ? res->body.data : (void *)"", MHD_RESPMEM_MUST_COPY);
    if (r == NULL)
        return MHD_NO;
    add_headers(r, req, res, api);
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)res->status, r);
    MHD_destroy_response(r);
    return ok;
}

/*
 * The request log: one line per API request on stderr.  Each server thread gathers its lines
 * in a buffer of its own, written out with one write when it fills and by the main thread every
 * LOG_FLUSH_MS (perf: a write per request was 2-3 % of a person profile); so a line reaches the
 * log at most that late, and lines of different threads may interleave out of time order
 * within that window.  The lock of a buffer is only ever contended by that flush.
 */
#define LOG_BUF 16384
#define LOG_FLUSH_MS 100

struct logbuf {
    pthread_mutex_t lock;
    size_t len;
    struct logbuf *next;
    char data[LOG_BUF];
};

static pthread_mutex_t logs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct logbuf *logs;
static _Thread_local struct logbuf *thread_log;

static void write_all(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return; /* as fprintf to stderr: a log that cannot be written is dropped */
        p += w;
        n -= (size_t)w;
    }
}

/* Writes out what b holds; b locked. */
static void log_drain(struct logbuf *b)
{
    write_all(b->data, b->len);
    b->len = 0;
}

static void log_flush_all(void)
{
    pthread_mutex_lock(&logs_lock);
    for (struct logbuf *b = logs; b; b = b->next) {
        pthread_mutex_lock(&b->lock);
        log_drain(b);
        pthread_mutex_unlock(&b->lock);
    }
    pthread_mutex_unlock(&logs_lock);
}

static void log_request(const mz_req *req, const mz_res *res, const struct conn *cs)
{
    struct timespec now;
    char line[1024];
    clock_gettime(CLOCK_MONOTONIC, &now);
    /* tenths of a millisecond, rounded, in integers (formatting a double was 1 % of a profile) */
    long long tenths = ((long long)(now.tv_sec - cs->start.tv_sec) * 1000000000LL +
                        (now.tv_nsec - cs->start.tv_nsec) + 50000) /
                       100000;
    int n = snprintf(line, sizeof line, "%s %s %d %lld.%lldms %s %s\n", req->method, req->path,
                     res->status, tenths / 10, tenths % 10, req->request_id,
                     req->authenticated ? req->actor.username : "-");
    if (n < 0)
        return;
    struct logbuf *b = thread_log;
    if (b == NULL) {
        b = mz_calloc(1, sizeof *b);
        pthread_mutex_init(&b->lock, NULL);
        pthread_mutex_lock(&logs_lock);
        b->next = logs;
        logs = b;
        pthread_mutex_unlock(&logs_lock);
        thread_log = b;
    }
    pthread_mutex_lock(&b->lock);
    if ((size_t)n >= sizeof line) {
        /* A line longer than line[] (a long path): formatted again in full, written at once. */
        log_drain(b);
        char *big = mz_malloc((size_t)n + 1);
        snprintf(big, (size_t)n + 1, "%s %s %d %lld.%lldms %s %s\n", req->method, req->path,
                 res->status, tenths / 10, tenths % 10, req->request_id,
                 req->authenticated ? req->actor.username : "-");
        write_all(big, (size_t)n);
        mz_free(big);
    } else {
        if (b->len + (size_t)n > sizeof b->data)
            log_drain(b);
        memcpy(b->data + b->len, line, (size_t)n);
        b->len += (size_t)n;
    }
    pthread_mutex_unlock(&b->lock);
}

/* Builds the request from what MHD collected, answers it and logs it. */
static enum MHD_Result answer(mz_app *app, struct MHD_Connection *c, struct conn *cs,
                              const char *url, const char *method)
{
    mz_req req;
    mz_res res;
    struct collect col;
    mz_req_init(&req, app);
    mz_res_init(&res);
    req.method = method;
    req.path = url;
    req.body = cs->body.data;
    req.body_len = cs->body.len;
    req.body_too_large = cs->too_large;
    col.req = &req;
    col.headers = 1;
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_kv, &col);
    col.headers = 0;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_kv, &col);
    new_request_id(&req);

    int api = strncmp(url, "/api/", 5) == 0;
    size_t header_bytes = 0;
    for (int i = 0; i < req.nheaders; i++)
        header_bytes += strlen(req.headers[i].key) + strlen(req.headers[i].value) + 4;
    if (header_bytes > MZ_MAX_HEADER_BYTES || req.nheaders >= MZ_MAX_KV) {
        mz_error err;
        mz_error_set(&err, 431, "headers_too_large", NULL, "请求头过大，不能超过%d字节",
                     MZ_MAX_HEADER_BYTES);
        mz_res_error(&res, &err);
        api = 1;
    } else if (cs->too_large) {
        mz_error err;
        mz_error_set(&err, 413, "body_too_large", NULL, "请求内容过大，不能超过%zu字节", cs->limit);
        mz_res_error(&res, &err);
    } else if (api) {
        mz_api_handle(&req, &res);
    } else {
        serve_static(&req, &res);
    }
    enum MHD_Result ok = send_res(c, &req, &res, api || cs->too_large);
    if (api)
        log_request(&req, &res, cs);
    mz_res_cleanup(&res);
    mz_req_cleanup(&req);
    return ok;
}

/* Department data imports may send files far larger than any JSON body. */
static size_t body_limit(const mz_app *app, const char *url, const char *method)
{
    if (app->max_import_body > app->max_body && strcmp(method, "POST") == 0 &&
        strcmp(url, "/api/v1/evidence/imports") == 0)
        return app->max_import_body;
    return app->max_body;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    mz_app *app = cls;
    struct conn *cs = *con_cls;
    (void)version;
    if (cs == NULL) {
        cs = mz_calloc(1, sizeof *cs);
        mz_buf_init(&cs->body);
        clock_gettime(CLOCK_MONOTONIC, &cs->start);
        *con_cls = cs;
        cs->limit = body_limit(app, url, method);
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        int64_t n = INT64_MAX; /* stays so when Content-Length does not parse */
        if (cl && (mz_strtoi64(cl, 0, INT64_MAX, &n) != 0 || (uint64_t)n > cs->limit)) {
            cs->too_large = 1;
            /*
             * A body far over the limit is refused before a byte of it is
             * read, and MHD closes the connection.  A moderately large one
             * is read and dropped first, so that the client, still sending,
             * does not lose the 413 to a reset connection.
             */
            if ((uint64_t)n / 8 > cs->limit)
                return answer(app, c, cs, url, method);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!cs->too_large && cs->body.len + *upload_size > cs->limit) {
            cs->too_large = 1;
            mz_buf_cleanup(&cs->body);
        }
        if (!cs->too_large)
            mz_buf_append(&cs->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    return answer(app, c, cs, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct conn *cs = *con_cls;
    (void)cls;
    (void)c;
    (void)toe;
    if (cs) {
        mz_buf_cleanup(&cs->body);
        mz_free(cs);
        *con_cls = NULL;
    }
}

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

int mz_http_serve(mz_app *app, const char *listen, int threads)
{
    char host[256];
    const char *colon = strrchr(listen, ':');
    int64_t port;
    struct sockaddr_in sa;
    if (colon == NULL || (size_t)(colon - listen) >= sizeof host ||
        mz_strtoi64(colon + 1, 1, 65535, &port) != 0) {
        fprintf(stderr, "minzheng: listen address must be host:port, got '%s'\n", listen);
        return -1;
    }
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, &sa.sin_addr) !=
        1) {
        fprintf(stderr, "minzheng: cannot use listen host '%s' (IPv4 address expected)\n", host);
        return -1;
    }
    /* Each connection's memory pool is 16 KB: libmicrohttpd zeroes the whole pool after every
     * request on a kept-alive connection, and with 32 KB that memset was 4 % of a person
     * profile's server time (perf, 5 million persons).  Headers up to MZ_MAX_HEADER_BYTES
     * (8 KB) reach the handler, which refuses more with 431 headers_too_large; libmicrohttpd
     * refuses about 15 KB and more itself.  A body is read through the pool in pieces. */
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, (uint16_t)port, NULL,
        NULL, on_request, app, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_CONNECTION_LIMIT, 512u,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, 256u, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, NULL, MHD_OPTION_END);
    if (d == NULL) {
        fprintf(stderr, "minzheng: cannot listen on %s: %s\n", listen, strerror(errno));
        return -1;
    }
    struct sigaction act;
    memset(&act, 0, sizeof act);
    act.sa_handler = on_signal;
    sigaction(SIGINT, &act, NULL);
    sigaction(SIGTERM, &act, NULL);
    signal(SIGPIPE, SIG_IGN);
    fprintf(stderr, "minzheng: serving on http://%s (%d threads)\n", listen, threads);
    struct timespec tick = {0, LOG_FLUSH_MS * 1000000L};
    while (!stop_requested) {
        nanosleep(&tick, NULL); /* cut short by a signal */
        log_flush_all();
    }
    log_flush_all();
    fprintf(stderr, "minzheng: stopping\n");
    MHD_stop_daemon(d);
    /* The server threads are gone: their last lines out, their buffers freed. */
    log_flush_all();
    while (logs) {
        struct logbuf *b = logs;
        logs = b->next;
        pthread_mutex_destroy(&b->lock);
        mz_free(b);
    }
    return 0;
}
