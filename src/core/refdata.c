/*
 * Loading the reference data (see refdata.h).
 */
#include "core/refdata.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/calendar.h"
#include "base/date.h"
#include "base/mem.h"
#include "core/audit.h"
#include "core/region.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_regions(mz_db *db, const mz_actor *actor, const char *path, mz_error *err)
{
    int rows = mz_region_load_csv(db, path, path, err);
    if (rows < 0)
        return -1;
    json_t *after = json_pack("{s:s,s:i}", "file", path, "rows", rows);
    int rc = mz_audit_append(db, actor, "region.import", "region", NULL, NULL, NULL, after, err);
    json_decref(after);
    return rc < 0 ? -1 : rows;
}

int mz_refdata_import_regions(mz_db *db, const mz_actor *actor, const char *path, mz_error *err)
{
    if (mz_db_begin(db) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rows = load_regions(db, actor, path, err);
    if (rows < 0 || mz_db_commit(db) < 0) {
        mz_db_rollback(db);
        return rows < 0 ? -1 : mz_error_internal(err, mz_db_errmsg(db));
    }
    return rows;
}

static int load_calendar(mz_db *db, const mz_actor *actor, const char *path, mz_error *err)
{
    char msg[256];
    mz_calendar *cal = mz_calendar_new();
    /* Parse with the base module first: it validates every line. */
    if (mz_calendar_load_csv(cal, path, msg, sizeof msg) != 0) {
        mz_calendar_free(cal);
        return mz_error_set(err, 400, "invalid_value", "file", "日历文件错误：%s", msg);
    }
    mz_calendar_free(cal);
    FILE *f = fopen(path, "r");
    char line[512];
    int rows = 0;
    if (f == NULL)
        return mz_error_set(err, 400, "invalid_value", "file", "无法打开 %s", path);
    mz_stmt *st = mz_db_prepare(db, "INSERT INTO calendar_days (day, kind, name, source) "
                                    "VALUES (?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET "
                                    "kind = excluded.kind, name = excluded.name, "
                                    "source = excluded.source");
    if (st == NULL) {
        fclose(f);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *save = NULL, *day = strtok_r(line, ",", &save), *kind = strtok_r(NULL, ",", &save);
        char *name = strtok_r(NULL, ",", &save);
        int d;
        if (day == NULL || kind == NULL || mz_date_parse(day, &d) != 0)
            continue; /* the header; the base parser already refused anything else */
        mz_stmt_reset(st);
        mz_stmt_bind_text(st, 1, day);
        mz_stmt_bind_text(st, 2, kind);
        mz_stmt_bind_text(st, 3, name ? name : "");
        mz_stmt_bind_text(st, 4, path);
        if (mz_stmt_step(st) < 0) {
            mz_stmt_finalize(st);
            fclose(f);
            return mz_error_internal(err, mz_db_errmsg(db));
        }
        rows++;
    }
    mz_stmt_finalize(st);
    fclose(f);
    json_t *after = json_pack("{s:s,s:i}", "file", path, "rows", rows);
    int rc =
        mz_audit_append(db, actor, "calendar.import", "calendar", NULL, NULL, NULL, after, err);
    json_decref(after);
    return rc;
}

int mz_refdata_load(mz_db *db, const mz_actor *actor, const char *data_dir, int force,
                    mz_error *err)
{
    int64_t nregions = 0, ndays = 0;
    char dir[2048], path[4096];
    if (mz_db_query_int64(db, &nregions, "SELECT COUNT(*) FROM regions", "") < 0 ||
        mz_db_query_int64(db, &ndays, "SELECT COUNT(*) FROM calendar_days", "") < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (mz_db_begin(db) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (force || nregions == 0) {
        snprintf(dir, sizeof dir, "%s/regions", data_dir);
        DIR *d = opendir(dir);
        if (d == NULL) {
            mz_error_set(err, 400, "invalid_value", "data_dir", "找不到区划数据目录 %s", dir);
            goto fail;
        }
        char *names[64];
        int n = 0;
        struct dirent *e;
        while ((e = readdir(d)) && n < 64) {
            size_t l = strlen(e->d_name);
            if (l > 4 && strcmp(e->d_name + l - 4, ".csv") == 0)
                names[n++] = mz_strdup(e->d_name);
        }
        closedir(d);
        qsort(names, (size_t)n, sizeof names[0], by_name);
        int rc = 0;
        for (int i = 0; i < n; i++) {
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            if (rc == 0 && load_regions(db, actor, path, err) < 0)
                rc = -1;
            mz_free(names[i]);
        }
        if (rc < 0)
            goto fail;
    }
    if (force || ndays == 0) {
        snprintf(path, sizeof path, "%s/calendar/cn-holidays.csv", data_dir);
        if (load_calendar(db, actor, path, err) < 0)
            goto fail;
    }
    if (mz_db_commit(db) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto fail;
    }
    return 0;
fail:
    mz_db_rollback(db);
    return -1;
}
