/*
 * Configuration: built-in defaults, then an ini file (--config FILE, or
 * $MZ_CONFIG, or ./minzheng.ini when present), then environment variables
 * (MZ_DB, MZ_LISTEN, MZ_WEB_ROOT, MZ_DATA_DIR, MZ_THREADS), then command-line
 * flags (--db, --listen).  The ini file's sections and keys are listed in
 * docs/minzheng.ini.example.
 */
#ifndef MZ_CLI_CONFIG_H
#define MZ_CLI_CONFIG_H

#include "core/auth.h"

typedef struct mz_config {
    char db[1024];
    char listen[256];
    char web_root[1024];
    char data_dir[1024];
    char openapi[1024];
    int threads;
    long max_body;
    long max_import_body; /* department data imports: POST /api/v1/evidence/imports */
    int max_json_depth;
    int cookie_secure;
    mz_security security;
} mz_config;

/* Defaults, then the ini file (path may be NULL), then the environment.  0 or -1. */
int mz_config_load(mz_config *c, const char *path);

#endif
