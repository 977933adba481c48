/*
 * Configuration loading (see config.h).
 */
#include "cli/config.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/strnum.h"

static int set_int(int *dst, const char *v, long long min, long long max)
{
    int64_t n;
    if (mz_strtoi64(v, min, max, &n) != 0)
        return 0;
    *dst = (int)n;
    return 1;
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
    mz_config *c = user;
    int64_t n;
#define IS(s, k) (strcmp(section, s) == 0 && strcmp(name, k) == 0)
    if (IS("server", "listen"))
        snprintf(c->listen, sizeof c->listen, "%s", value);
    else if (IS("server", "threads"))
        return set_int(&c->threads, value, 1, 256);
    else if (IS("server", "web_root"))
        snprintf(c->web_root, sizeof c->web_root, "%s", value);
    else if (IS("server", "openapi"))
        snprintf(c->openapi, sizeof c->openapi, "%s", value);
    else if (IS("server", "max_body_bytes")) {
        if (mz_strtoi64(value, 1024, 1 << 30, &n) != 0)
            return 0;
        c->max_body = (long)n;
    } else if (IS("server", "max_import_bytes")) { /* department data imports */
        if (mz_strtoi64(value, 1024, 1L << 31, &n) != 0)
            return 0;
        c->max_import_body = (long)n;
    } else if (IS("server", "max_json_depth"))
        return set_int(&c->max_json_depth, value, 2, 256);
    else if (IS("server", "cookie_secure"))
        return set_int(&c->cookie_secure, value, 0, 1);
    else if (IS("database", "url"))
        snprintf(c->db, sizeof c->db, "%s", value);
    else if (IS("data", "dir"))
        snprintf(c->data_dir, sizeof c->data_dir, "%s", value);
    else if (IS("security", "lockout_threshold"))
        return set_int(&c->security.lockout_threshold, value, 1, 100);
    else if (IS("security", "lockout_minutes"))
        return set_int(&c->security.lockout_minutes, value, 1, 1440);
    else if (IS("security", "idle_timeout_minutes"))
        return set_int(&c->security.idle_timeout_minutes, value, 1, 1440);
    else if (IS("security", "password_min_length"))
        return set_int(&c->security.password_min_length, value, 8, 128);
    else if (IS("security", "password_min_classes"))
        return set_int(&c->security.password_min_classes, value, 1, 4);
    else
        return 0;
#undef IS
    return 1;
}

static void env_str(char *dst, size_t n, const char *name)
{
    const char *v = getenv(name);
    if (v && *v)
        snprintf(dst, n, "%s", v);
}

int mz_config_load(mz_config *c, const char *path)
{
    memset(c, 0, sizeof *c);
    snprintf(c->db, sizeof c->db, "var/minzheng.db");
    snprintf(c->listen, sizeof c->listen, "127.0.0.1:8080");
    snprintf(c->web_root, sizeof c->web_root, "web/dist");
    snprintf(c->data_dir, sizeof c->data_dir, "data");
    snprintf(c->openapi, sizeof c->openapi, "docs/openapi.yaml");
    c->threads = 8;
    c->max_body = 1 << 20;
    c->max_import_body = 50L << 20;
    c->max_json_depth = 32;
    mz_security_defaults(&c->security);

    if (path == NULL)
        path = getenv("MZ_CONFIG");
    if (path == NULL && access("minzheng.ini", R_OK) == 0)
        path = "minzheng.ini";
    if (path) {
        int line = ini_parse(path, on_value, c);
        if (line < 0) {
            fprintf(stderr, "minzheng: cannot read config %s\n", path);
            return -1;
        }
        if (line > 0) {
            fprintf(stderr, "minzheng: %s line %d: unknown key or bad value\n", path, line);
            return -1;
        }
    }
    env_str(c->db, sizeof c->db, "MZ_DB");
    env_str(c->listen, sizeof c->listen, "MZ_LISTEN");
    env_str(c->web_root, sizeof c->web_root, "MZ_WEB_ROOT");
    env_str(c->data_dir, sizeof c->data_dir, "MZ_DATA_DIR");
    const char *t = getenv("MZ_THREADS");
    if (t && !set_int(&c->threads, t, 1, 256)) {
        fprintf(stderr, "minzheng: MZ_THREADS must be 1–256\n");
        return -1;
    }
    return 0;
}
