/*
 * Registry import (registry_import.h).  The files are read in dependency
 * order, each in one pass, writing while reading:
 *   households.csv  validated and kept (the heads are not known yet)
 *   persons.csv     validated, written, members and heads noted
 *   then            households written (with their heads), members written
 *   incomes.csv, assets.csv, enrollments.csv   validated and written
 * What is kept in memory for the later files is small per row: a hash from
 * household number to its index, one from ID number to the person's index,
 * and per person its household, relation and the day joined.  Rows go to
 * the store's bulk insert (store.h: COPY on PostgreSQL, multi-row INSERTs on
 * SQLite).  After the
 * first bad row nothing more is written, but every file is still read so
 * that the report lists the errors of all of them at once.
 */
#include "core/registry_import.h"

#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/csv.h"
#include "base/date.h"
#include "base/idnum.h"
#include "base/mem.h"
#include "core/audit.h"
#include "core/evidence.h"
#include "core/household.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define CELL 512

/* ---- the files' columns, declared as department data's are ------------------------- */

static const char *const kinds[] = {"urban", "rural", NULL};
static const char *const genders[] = {"M", "F", NULL};
static const char *const relations[] = {"self",        "spouse",  "child", "parent", "grandchild",
                                        "grandparent", "sibling", "other", NULL};
static const char *const disability_kinds[] = {"physical",     "visual", "hearing",  "speech",
                                               "intellectual", "mental", "multiple", NULL};
static const char *const labours[] = {"full", "partial", "none", NULL};
static const char *const income_types[] = {
    "wage",        "business",          "property",      "transfer",
    "maintenance", "pension",           "basic_pension", "unemployment",
    "youfu",       "family_planning",   "scholarship",   "bravery",
    "assistance",  "elderly_allowance", "other",         NULL};
static const char *const asset_types[] = {"deposit", "securities", "vehicle",
                                          "housing", "business",   NULL};
static const char *const programs[] = {"dibao", "tekun", "edge", NULL};
static const char *const categories[] = {"dibao", "dibao_single", "dibao_taper",
                                         "tekun", "edge",         NULL};
static const char *const cares[] = {"self", "half", "full", NULL};

#define COL(h, a, t, req, lo, hi, codes)                                                           \
    {                                                                                              \
        h, a, t, MZ_EV_SLOT_NOTE, req, lo, hi, codes, {NULL, NULL}, NULL                           \
    }

enum { H_NO, H_REGION, H_KIND, H_ADDRESS, H_BANK, H_ACCOUNT };
static const mz_ev_column household_cols[] = {
    COL("户编号", "household_no", MZ_EV_TEXT, 1, 0, 40, NULL),
    COL("行政区划代码", "region_code", MZ_EV_TEXT, 1, 0, 12, NULL),
    COL("城乡", "kind", MZ_EV_CODE, 1, 0, 0, kinds),
    COL("住址", "address", MZ_EV_TEXT, 1, 0, 200, NULL),
    COL("开户银行", "bank_name", MZ_EV_TEXT, 0, 0, 50, NULL),
    COL("银行账号", "bank_account", MZ_EV_TEXT, 0, 0, 30, NULL),
};

enum {
    P_ID,
    P_NAME,
    P_GENDER,
    P_BIRTH,
    P_NO,
    P_RELATION,
    P_JOINED,
    P_DKIND,
    P_DGRADE,
    P_LABOUR,
    P_ILL,
    P_UNABLE,
    P_SCHOOL
};
static const mz_ev_column person_cols[] = {
    COL("身份证号", "id_number", MZ_EV_ID_NUMBER, 1, 0, 0, NULL),
    COL("姓名", "name", MZ_EV_NAME, 1, 0, 0, NULL),
    COL("性别", "gender", MZ_EV_CODE, 0, 0, 0, genders),
    COL("出生日期", "birth_date", MZ_EV_DATE, 0, 0, 0, NULL),
    COL("户编号", "household_no", MZ_EV_TEXT, 1, 0, 40, NULL),
    COL("与户主关系", "relation", MZ_EV_CODE, 1, 0, 0, relations),
    COL("入户日期", "joined_on", MZ_EV_DATE, 1, 0, 0, NULL),
    COL("残疾类别", "disability_kind", MZ_EV_CODE, 0, 0, 0, disability_kinds),
    COL("残疾等级", "disability_grade", MZ_EV_INT, 0, 1, 4, NULL),
    COL("劳动能力", "labour_capacity", MZ_EV_CODE, 1, 0, 0, labours),
    COL("患重病", "serious_illness", MZ_EV_INT, 0, 0, 1, NULL),
    COL("不能自理项数", "self_care_unable", MZ_EV_INT, 0, 0, 6, NULL),
    COL("在校", "in_school", MZ_EV_INT, 0, 0, 1, NULL),
};

enum { I_NO, I_ID, I_TYPE, I_AMOUNT, I_FROM };
static const mz_ev_column income_cols[] = {
    COL("户编号", "household_no", MZ_EV_TEXT, 1, 0, 40, NULL),
    COL("身份证号", "id_number", MZ_EV_ID_NUMBER, 0, 0, 0, NULL),
    COL("收入类型", "type", MZ_EV_CODE, 1, 0, 0, income_types),
    COL("月收入", "monthly_yuan", MZ_EV_MONEY, 1, 0, 10000000000LL, NULL),
    COL("起始日期", "valid_from", MZ_EV_DATE, 1, 0, 0, NULL),
};

enum { A_NO, A_TYPE, A_VALUE, A_EXEMPT, A_FROM };
static const mz_ev_column asset_cols[] = {
    COL("户编号", "household_no", MZ_EV_TEXT, 1, 0, 40, NULL),
    COL("资产类型", "type", MZ_EV_CODE, 1, 0, 0, asset_types),
    COL("价值", "value_yuan", MZ_EV_MONEY, 1, 0, 1000000000000LL, NULL),
    COL("豁免", "exempt", MZ_EV_INT, 0, 0, 1, NULL),
    COL("起始日期", "valid_from", MZ_EV_DATE, 1, 0, 0, NULL),
};

enum { E_NO, E_ID, E_PROGRAM, E_CATEGORY, E_MEMBERS, E_PCI, E_CARE, E_AMOUNT, E_FROM };
static const mz_ev_column enrollment_cols[] = {
    COL("户编号", "household_no", MZ_EV_TEXT, 1, 0, 40, NULL),
    COL("身份证号", "id_number", MZ_EV_ID_NUMBER, 1, 0, 0, NULL),
    COL("项目", "program", MZ_EV_CODE, 1, 0, 0, programs),
    COL("类别", "category", MZ_EV_CODE, 1, 0, 0, categories),
    COL("计算人数", "counted_members", MZ_EV_INT, 1, 1, 30, NULL),
    COL("人均收入", "per_capita_income_yuan", MZ_EV_MONEY, 0, 0, 10000000000LL, NULL),
    COL("护理等级", "care_level", MZ_EV_CODE, 0, 0, 0, cares),
    COL("月金额", "monthly_yuan", MZ_EV_MONEY, 1, 0, 100000000000LL, NULL),
    COL("起始月份", "from_month", MZ_EV_MONTH, 1, 0, 0, NULL),
};

/* ---- hashing of keys ------------------------------------------------------------- */

/* An open-addressing set of indexes into an array whose keys key_of() gives. */
typedef struct keyindex {
    int32_t *slot; /* -1 empty */
    size_t cap;    /* a power of two */
    size_t used;
} keyindex;

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void index_init(keyindex *x)
{
    x->cap = 1024;
    x->used = 0;
    x->slot = mz_malloc(x->cap * sizeof *x->slot);
    memset(x->slot, 0xff, x->cap * sizeof *x->slot);
}

/* The slot of key: where it is, or the empty slot where it would go. */
static size_t index_probe(const keyindex *x, const char *key,
                          const char *(*key_of)(void *, int32_t), void *ctx)
{
    size_t i = (size_t)fnv(key) & (x->cap - 1);
    while (x->slot[i] >= 0 && strcmp(key_of(ctx, x->slot[i]), key) != 0)
        i = (i + 1) & (x->cap - 1);
    return i;
}

static void index_grow(keyindex *x, const char *(*key_of)(void *, int32_t), void *ctx)
{
    keyindex bigger = {mz_malloc(x->cap * 2 * sizeof(int32_t)), x->cap * 2, x->used};
    memset(bigger.slot, 0xff, bigger.cap * sizeof(int32_t));
    for (size_t i = 0; i < x->cap; i++)
        if (x->slot[i] >= 0)
            bigger.slot[index_probe(&bigger, key_of(ctx, x->slot[i]), key_of, ctx)] = x->slot[i];
    mz_free(x->slot);
    *x = bigger;
}

/* The keyindex stored under key, or -1. */
static int32_t index_find(const keyindex *x, const char *key,
                          const char *(*key_of)(void *, int32_t), void *ctx)
{
    return x->slot[index_probe(x, key, key_of, ctx)];
}

/* Stores v (whose key is key); 0, or -1 when the key is there already. */
static int index_put(keyindex *x, const char *key, int32_t v,
                     const char *(*key_of)(void *, int32_t), void *ctx)
{
    if ((x->used + 1) * 2 > x->cap)
        index_grow(x, key_of, ctx);
    size_t i = index_probe(x, key, key_of, ctx);
    if (x->slot[i] >= 0)
        return -1;
    x->slot[i] = v;
    x->used++;
    return 0;
}

/* ---- the state of one import ----------------------------------------------------- */

typedef struct household {
    char *no, *address, *bank, *account; /* in the arena */
    char region[13];
    char kind[6];
    int32_t head; /* person keyindex, -1 none */
} household;

typedef struct person {
    char id_number[19];
    char *name; /* in the arena */
    int32_t hh; /* household keyindex */
    int32_t joined;
    uint8_t relation;
} person;

typedef struct imp {
    mz_db *db;
    const mz_actor *actor;
    const mz_registry_import_options *o;
    mz_registry_import_report *r;
    mz_arena *arena;
    char **villages; /* sorted level-5 codes */
    size_t nvillages;
    household *hh;
    int32_t nhh, caphh;
    keyindex hh_index;
    person *p;
    int32_t np, capp;
    keyindex p_index;
    int existing_persons; /* 1: the registry has persons, check each number against it */
    int partial_scope;    /* 1: the actor's region does not cover every village */
    int64_t base_person, base_household;
    int64_t last_enrollment; /* the greatest enrollment id before the import */
    /* the file being read */
    const char *file;
    const mz_ev_column *cols;
    int ncols;
    int colmap[16]; /* template column -> cell keyindex, -1 absent */
    int header_done;
    int64_t rows;
    int (*row)(struct imp *, int64_t, char (*)[CELL], const char *const *);
    mz_bulk *bulk;
    const char *bulk_cols[16];
    int bulk_ncols;
    int64_t bulk_rows;
    char **known; /* ID numbers in the registry before the import (when it had persons) */
    int32_t nknown;
    keyindex known_index;
    mz_error *err;
    int fatal;
    char now[21];
    unsigned char sha[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state sha_state;
} imp;

static const char *hh_key(void *ctx, int32_t i)
{
    return ((imp *)ctx)->hh[i].no;
}

static const char *p_key(void *ctx, int32_t i)
{
    return ((imp *)ctx)->p[i].id_number;
}

/* Records an error; always returns 1 (the row is bad). */
static int bad(imp *m, int64_t row, const char *column, const char *value, const char *code,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int bad(imp *m, int64_t row, const char *column, const char *value, const char *code,
               const char *fmt, ...)
{
    int max = m->o->max_errors > 0 ? m->o->max_errors : 1000;
    m->r->errors++;
    if (m->r->nerror >= max)
        return 1;
    mz_registry_import_error *e = &m->r->error[m->r->nerror++];
    memset(e, 0, sizeof *e);
    e->file = m->file;
    e->row = row;
    e->code = code;
    snprintf(e->column, sizeof e->column, "%s", column ? column : "");
    snprintf(e->value, sizeof e->value, "%.60s", value ? value : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return 1;
}

/* bad() for a rejected row: records the error and lets the reading go on (returns 0). */
#define reject(...) (bad(__VA_ARGS__), 0)

static int writing(const imp *m)
{
    return m->r->errors == 0 && !m->fatal;
}

static int db_fail(imp *m)
{
    m->fatal = 1;
    mz_error_internal(m->err, mz_db_errmsg(m->db));
    return -1;
}

/* ---- writing ------------------------------------------------------------------- */

/* Starts writing table (columns "a, b, c"); on PostgreSQL other writers wait for our commit. */
static int begin_table(imp *m, const char *table, const char *columns, int ncols)
{
    if (!writing(m))
        return 0;
    if (mz_db_kind_of(m->db) == MZ_DB_PG) {
        char sql[96];
        snprintf(sql, sizeof sql, "LOCK TABLE %s IN SHARE ROW EXCLUSIVE MODE", table);
        if (mz_db_exec(m->db, sql) < 0)
            return db_fail(m);
    }
    char *list = mz_arena_strdup(m->arena, columns), *tok;
    m->bulk_ncols = 0;
    while ((tok = strsep(&list, ",")) != NULL && m->bulk_ncols < ncols)
        m->bulk_cols[m->bulk_ncols++] = tok + strspn(tok, " ");
    m->bulk_rows = 0;
    if ((m->bulk = mz_bulk_begin(m->db, table, m->bulk_cols, m->bulk_ncols)) == NULL)
        return db_fail(m);
    return 0;
}

/*
 * Adds a row: types has a letter per column, 't' (const char *, NULL for
 * NULL), 'i' (int64_t) or 'n' (NULL, no argument); integers go to the store
 * as integers.
 */
static int add_row(imp *m, const char *types, ...)
{
    mz_bulk_value vals[16];
    va_list ap;
    va_start(ap, types);
    for (int c = 0; c < m->bulk_ncols; c++) {
        if (types[c] == 'i')
            vals[c].i = va_arg(ap, int64_t);
        else if (types[c] == 't')
            vals[c].s = va_arg(ap, const char *);
    }
    va_end(ap);
    m->bulk_rows++;
    return mz_bulk_add(m->bulk, types, vals);
}

static int end_table(imp *m, int64_t *count)
{
    if (m->bulk == NULL)
        return 0;
    mz_bulk *b = m->bulk;
    m->bulk = NULL;
    if (!writing(m)) {
        mz_bulk_cancel(b);
        return 0;
    }
    if (mz_bulk_end(b) < 0)
        return db_fail(m);
    *count = m->bulk_rows;
    return 0;
}

/* ---- reading a file -------------------------------------------------------------- */

static int map_header(imp *m, int ncells, const char *const *cells)
{
    for (int c = 0; c < m->ncols; c++)
        m->colmap[c] = -1;
    for (int i = 0; i < ncells; i++) {
        const char *h = cells[i];
        if (i == 0 && (unsigned char)h[0] == 0xef && (unsigned char)h[1] == 0xbb &&
            (unsigned char)h[2] == 0xbf)
            h += 3;
        if (*h == '\0')
            continue;
        int found = -1;
        for (int c = 0; c < m->ncols; c++)
            if (strcmp(h, m->cols[c].header) == 0 || strcasecmp(h, m->cols[c].alias) == 0)
                found = c;
        if (found < 0)
            return mz_error_set(m->err, 400, "unknown_column", "file", "%s 第 1 行：未知的列“%s”",
                                m->file, h);
        if (m->colmap[found] >= 0)
            return mz_error_set(m->err, 400, "duplicate_column", "file", "%s 第 1 行：列“%s”重复",
                                m->file, h);
        m->colmap[found] = i;
    }
    for (int c = 0; c < m->ncols; c++)
        if (m->cols[c].required && m->colmap[c] < 0)
            return mz_error_set(m->err, 400, "missing_column", "file", "%s 缺少必需的列“%s”",
                                m->file, m->cols[c].header);
    return 0;
}

static int on_row(void *ctx, int64_t row, int ncells, const char *const *cells,
                  const unsigned char *numeric, mz_error *err)
{
    imp *m = ctx;
    (void)err;
    if (!m->header_done) {
        m->header_done = 1;
        return map_header(m, ncells, cells);
    }
    char v[16][CELL];
    int rowbad = 0;
    for (int c = 0; c < m->ncols; c++) {
        int i = m->colmap[c];
        const char *cell = i >= 0 && i < ncells ? cells[i] : "";
        const char *code;
        char msg[160];
        if (mz_ev_cell(&m->cols[c], cell, i >= 0 && i < ncells && numeric[i], v[c], CELL, &code,
                       msg, sizeof msg) < 0)
            rowbad |= bad(m, row, m->cols[c].header, cell, code, "%s", msg);
    }
    if (!rowbad && m->row(m, row, v, cells) < 0)
        return -1;
    m->rows++;
    int64_t every = m->o->progress_every > 0 ? m->o->progress_every : 100000;
    if (m->o->progress && m->rows % every == 0)
        m->o->progress(m->o->progress_ctx, m->file, m->rows);
    return m->fatal ? -1 : 0;
}

/* Reads dir/name with row; a missing optional file reads as empty. */
static int read_file(imp *m, const char *name, int required, const mz_ev_column *cols, int ncols,
                     int (*row)(imp *, int64_t, char (*)[CELL], const char *const *))
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", m->o->dir, name);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        if (!required)
            return 0;
        return mz_error_set(m->err, 400, "file_missing", "dir", "找不到 %s", path);
    }
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return mz_error_set(m->err, 400, "file_invalid", "dir", "无法读取 %s", path);
    }
    const char *data = "";
    if (sb.st_size > 0) {
        data = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (data == MAP_FAILED) {
            close(fd);
            return mz_error_set(m->err, 400, "file_invalid", "dir", "无法读取 %s", path);
        }
        madvise((void *)(uintptr_t)data, (size_t)sb.st_size, MADV_SEQUENTIAL);
    }
    crypto_hash_sha256_update(&m->sha_state, (const unsigned char *)data, (size_t)sb.st_size);
    m->file = name;
    m->cols = cols;
    m->ncols = ncols;
    m->header_done = 0;
    m->rows = 0;
    m->row = row;
    mz_table_limits lim;
    mz_table_limits_default(&lim);
    lim.max_bytes = (size_t)8 << 30; /* a city's persons file is a few hundred MB */
    lim.max_rows = 200000000;
    int rc = mz_csv_read(data, (size_t)sb.st_size, &lim, on_row, m, NULL, m->err);
    if (sb.st_size > 0)
        munmap((void *)(uintptr_t)data, (size_t)sb.st_size);
    close(fd);
    if (rc == 0 && !m->header_done)
        rc = mz_error_set(m->err, 400, "file_invalid", "dir", "%s 是空文件", path);
    if (rc == 0 && m->o->progress)
        m->o->progress(m->o->progress_ctx, name, m->rows);
    return rc;
}

/* ---- households ------------------------------------------------------------------ */

static int cmp_code(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_villages(imp *m)
{
    mz_stmt *st = mz_db_prepare(m->db, "SELECT code FROM regions WHERE level = 5 ORDER BY code");
    if (st == NULL)
        return db_fail(m);
    size_t cap = 2048;
    m->villages = mz_calloc(cap, sizeof *m->villages);
    int rc;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        if (m->nvillages == cap) {
            m->villages = mz_realloc(m->villages, cap * 2 * sizeof *m->villages);
            cap *= 2;
        }
        m->villages[m->nvillages++] = mz_arena_strdup(m->arena, mz_stmt_text(st, 0));
        if (!mz_actor_covers(m->actor, mz_stmt_text(st, 0)))
            m->partial_scope = 1;
    }
    mz_stmt_finalize(st);
    return rc < 0 ? db_fail(m) : 0;
}

static int household_row(imp *m, int64_t row, char (*v)[CELL], const char *const *cells)
{
    (void)cells;
    const char *code = v[H_REGION];
    if (bsearch(&code, m->villages, m->nvillages, sizeof *m->villages, cmp_code) == NULL)
        return reject(m, row, "行政区划代码", code, "unknown_region",
                      "行政区划代码 %s 不是区划库中的村（社区）", code);
    if (v[H_ACCOUNT][0] && !mz_bank_account_valid(v[H_ACCOUNT]))
        return reject(m, row, "银行账号", v[H_ACCOUNT], "invalid_bank_account",
                      "银行账号须为 12–30 位数字，银行卡号须通过校验");
    if (m->nhh == INT32_MAX - 1)
        return reject(m, row, "", "", "too_many_rows", "户数超过上限");
    if (m->nhh == m->caphh) {
        m->caphh = m->caphh ? m->caphh * 2 : 4096;
        m->hh = mz_realloc(m->hh, (size_t)m->caphh * sizeof *m->hh);
    }
    household *h = &m->hh[m->nhh];
    memset(h, 0, sizeof *h);
    h->no = mz_arena_strdup(m->arena, v[H_NO]);
    h->address = mz_arena_strdup(m->arena, v[H_ADDRESS]);
    h->bank = v[H_BANK][0] ? mz_arena_strdup(m->arena, v[H_BANK]) : NULL;
    h->account = v[H_ACCOUNT][0] ? mz_arena_strdup(m->arena, v[H_ACCOUNT]) : NULL;
    snprintf(h->region, sizeof h->region, "%s", code);
    snprintf(h->kind, sizeof h->kind, "%s", v[H_KIND]);
    h->head = -1;
    if (index_put(&m->hh_index, h->no, m->nhh, hh_key, m) < 0)
        return reject(m, row, "户编号", v[H_NO], "duplicate", "户编号 %s 重复", v[H_NO]);
    m->nhh++;
    return 0;
}

/* ---- persons --------------------------------------------------------------------- */

static int code_index(const char *const *list, const char *s)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return i;
    return -1;
}

static const char *known_key(void *ctx, int32_t i)
{
    return ((imp *)ctx)->known[i];
}

/*
 * The ID numbers already in the registry, read once before the persons are
 * written (nothing else may run on the connection during a bulk insert).
 */
static int load_known(imp *m)
{
    mz_stmt *st = mz_db_prepare(m->db, "SELECT id_number FROM persons");
    if (st == NULL)
        return db_fail(m);
    int32_t cap = 0;
    int rc;
    index_init(&m->known_index);
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        if (m->nknown == cap) {
            cap = cap ? cap * 2 : 4096;
            m->known = mz_realloc(m->known, (size_t)cap * sizeof *m->known);
        }
        m->known[m->nknown] = mz_arena_strdup(m->arena, mz_stmt_text(st, 0));
        index_put(&m->known_index, m->known[m->nknown], m->nknown, known_key, m);
        m->nknown++;
    }
    mz_stmt_finalize(st);
    return rc < 0 ? db_fail(m) : 0;
}

static int registered(imp *m, const char *id)
{
    return m->known_index.slot && index_find(&m->known_index, id, known_key, m) >= 0;
}

static int person_row(imp *m, int64_t row, char (*v)[CELL], const char *const *cells)
{
    (void)cells;
    struct mz_idnum id;
    int rowbad = 0, born, joined;
    mz_idnum_check(v[P_ID], &id);
    mz_date_from_ymd(id.birth_year, id.birth_month, id.birth_day, &born);
    if (born > m->o->today)
        rowbad |= bad(m, row, "身份证号", v[P_ID], "future_birth", "身份证号中的出生日期晚于今天");
    if (v[P_GENDER][0] && v[P_GENDER][0] != id.gender)
        rowbad |= bad(m, row, "性别", v[P_GENDER], "gender_mismatch", "性别与身份证号不符");
    if (v[P_BIRTH][0]) {
        char b[11];
        mz_date_format(born, b);
        if (strcmp(b, v[P_BIRTH]) != 0)
            rowbad |= bad(m, row, "出生日期", v[P_BIRTH], "birth_mismatch",
                          "出生日期与身份证号不符（应为 %s）", b);
    }
    int32_t h = index_find(&m->hh_index, v[P_NO], hh_key, m);
    if (h < 0)
        rowbad |= bad(m, row, "户编号", v[P_NO], "unknown_household",
                      "户编号 %s 不在 households.csv 中", v[P_NO]);
    mz_date_parse(v[P_JOINED], &joined);
    if (joined < born || joined > m->o->today)
        rowbad |= bad(m, row, "入户日期", v[P_JOINED], "invalid_date",
                      "入户日期不能早于出生日期或晚于今天");
    if ((v[P_DKIND][0] == '\0') != (v[P_DGRADE][0] == '\0'))
        rowbad |= bad(m, row, "残疾等级", v[P_DGRADE], "disability_incomplete",
                      "残疾类别和残疾等级须同时填写或同时为空");
    if (registered(m, id.normalized))
        rowbad |= bad(m, row, "身份证号", v[P_ID], "already_registered", "此人已在档案中");
    int relation = code_index(relations, v[P_RELATION]);
    if (h >= 0 && relation == 0 && m->hh[h].head >= 0)
        rowbad |=
            bad(m, row, "与户主关系", v[P_RELATION], "second_head", "户 %s 已有户主", v[P_NO]);
    if (rowbad)
        return 0;
    if (m->np == m->capp) {
        m->capp = m->capp ? m->capp * 2 : 16384;
        m->p = mz_realloc(m->p, (size_t)m->capp * sizeof *m->p);
    }
    person *p = &m->p[m->np];
    memcpy(p->id_number, id.normalized, sizeof p->id_number);
    p->name = mz_arena_strdup(m->arena, v[P_NAME]);
    p->hh = h;
    p->joined = joined;
    p->relation = (uint8_t)relation;
    if (index_put(&m->p_index, p->id_number, m->np, p_key, m) < 0)
        return reject(m, row, "身份证号", v[P_ID], "duplicate", "身份证号在文件中重复");
    if (relation == 0)
        m->hh[h].head = m->np;
    m->np++;
    if (!writing(m))
        return 0;
    char birth[11];
    mz_date_format(born, birth);
    if (add_row(m, "itttttttiiiiittt", m->base_person + m->np - 1, p->id_number, p->name,
                (char[2]){id.gender, '\0'}, birth, v[P_DKIND][0] ? v[P_DKIND] : NULL,
                v[P_DGRADE][0] ? v[P_DGRADE] : NULL, v[P_LABOUR], (int64_t)0,
                (int64_t)atoi(v[P_ILL]), (int64_t)atoi(v[P_UNABLE]), (int64_t)atoi(v[P_SCHOOL]),
                (int64_t)0, m->hh[h].region, m->now, m->now) < 0)
        return db_fail(m);
    return 0;
}

/* ---- incomes, assets, enrollments -------------------------------------------------- */

/* The person of id in household h: its keyindex, or -1 after recording the error. */
static int32_t member_of(imp *m, int64_t row, const char *id, int32_t h)
{
    struct mz_idnum n;
    mz_idnum_check(id, &n);
    int32_t i = index_find(&m->p_index, n.normalized, p_key, m);
    if (i < 0) {
        bad(m, row, "身份证号", id, "unknown_person", "身份证号不在 persons.csv 中");
        return -1;
    }
    if (m->p[i].hh != h) {
        bad(m, row, "身份证号", id, "not_member", "此人不是户 %s 的成员", m->hh[h].no);
        return -1;
    }
    return i;
}

static int32_t household_of(imp *m, int64_t row, const char *no)
{
    int32_t h = index_find(&m->hh_index, no, hh_key, m);
    if (h < 0)
        bad(m, row, "户编号", no, "unknown_household", "户编号 %s 不在 households.csv 中", no);
    return h;
}

static int income_row(imp *m, int64_t row, char (*v)[CELL], const char *const *cells)
{
    (void)cells;
    int32_t h = household_of(m, row, v[I_NO]), p = -1;
    if (h < 0 || (v[I_ID][0] && (p = member_of(m, row, v[I_ID], h)) < 0) || !writing(m))
        return 0;
    int64_t fen = strtoll(v[I_AMOUNT], NULL, 10);
    int rc = p >= 0
                 ? add_row(m, "iititt", m->base_household + h, m->base_person + p, v[I_TYPE], fen,
                           v[I_FROM], m->now)
                 : add_row(m, "intitt", m->base_household + h, v[I_TYPE], fen, v[I_FROM], m->now);
    return rc < 0 ? db_fail(m) : 0;
}

static int asset_row(imp *m, int64_t row, char (*v)[CELL], const char *const *cells)
{
    (void)cells;
    int32_t h = household_of(m, row, v[A_NO]);
    if (h < 0 || !writing(m))
        return 0;
    if (add_row(m, "itiitt", m->base_household + h, v[A_TYPE],
                (int64_t)strtoll(v[A_VALUE], NULL, 10), (int64_t)atoi(v[A_EXEMPT]), v[A_FROM],
                m->now) < 0)
        return db_fail(m);
    return 0;
}

static int enrollment_row(imp *m, int64_t row, char (*v)[CELL], const char *const *cells)
{
    (void)cells;
    int32_t h = household_of(m, row, v[E_NO]), p;
    if (h < 0 || (p = member_of(m, row, v[E_ID], h)) < 0)
        return 0;
    int64_t amount = strtoll(v[E_AMOUNT], NULL, 10);
    int tekun = strcmp(v[E_PROGRAM], "tekun") == 0;
    if (strcmp(v[E_PROGRAM], "edge") == 0) {
        m->r->edge_rows++;
        return 0;
    }
    if (amount <= 0) {
        bad(m, row, "月金额", v[E_AMOUNT], "invalid_value", "月金额须大于 0");
        return 0;
    }
    if (tekun && v[E_CARE][0] == '\0') {
        bad(m, row, "护理等级", "", "required", "特困人员须填写护理等级");
        return 0;
    }
    if (!writing(m))
        return 0;
    /* 特困 support is personal; other programs enroll the household, paid to the head. */
    const char *pci = v[E_PCI][0] ? v[E_PCI] : NULL, *care = v[E_CARE][0] ? v[E_CARE] : NULL;
    int64_t members = atoi(v[E_MEMBERS]);
    int rc = tekun ? add_row(m, "tiittitttitttt", v[E_PROGRAM], m->base_household + h,
                             m->base_person + p, m->p[p].name, m->hh[h].region, amount, v[E_FROM],
                             "in_force", v[E_CATEGORY], members, pci, care, m->now, m->now)
                   : add_row(m, "tinttitttitttt", v[E_PROGRAM], m->base_household + h,
                             m->p[m->hh[h].head].name, m->hh[h].region, amount, v[E_FROM],
                             "in_force", v[E_CATEGORY], members, pci, care, m->now, m->now);
    return rc < 0 ? db_fail(m) : 0;
}

/* ---- the run --------------------------------------------------------------------- */

static int max_id(imp *m, const char *table, int64_t *out)
{
    char sql[96];
    snprintf(sql, sizeof sql, "SELECT COALESCE(MAX(id), 0) FROM %s", table);
    return mz_db_query_int64(m->db, out, sql, "") == MZ_DB_ROW ? 0 : db_fail(m);
}

/* After explicit ids, PostgreSQL's sequence must move past them. */
static int bump_sequence(imp *m, const char *table)
{
    if (mz_db_kind_of(m->db) != MZ_DB_PG || !writing(m))
        return 0;
    char sql[192];
    snprintf(sql, sizeof sql,
             "SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT MAX(id) FROM %s))", table,
             table);
    return mz_db_exec(m->db, sql) < 0 ? db_fail(m) : 0;
}

static int write_households_and_members(imp *m)
{
    for (int32_t i = 0; i < m->nhh; i++)
        if (m->hh[i].head < 0)
            bad(m, 0, "与户主关系", m->hh[i].no, "no_head", "户 %s 没有户主（与户主关系为 self）",
                m->hh[i].no);
    if (begin_table(m, "households",
                    "id, region_code, kind, address, bank_name, bank_account, head_person_id, "
                    "created_at, updated_at",
                    9) < 0)
        return -1;
    for (int32_t i = 0; writing(m) && i < m->nhh; i++) {
        const household *h = &m->hh[i];
        if (add_row(m, "itttttitt", m->base_household + i, h->region, h->kind, h->address, h->bank,
                    h->account, m->base_person + h->head, m->now, m->now) < 0)
            return db_fail(m);
    }
    return 0;
}

/*
 * Each imported enrollment's first period (what the payroll pays from) and
 * its creation in the history, as an approval would have written them
 * (core/enrollment.h); the reason names the import.
 */
static int enrollment_history(imp *m)
{
    if (!writing(m) || m->r->enrollments == 0)
        return 0;
    if (mz_db_run(m->db, NULL,
                  "INSERT INTO enrollment_periods (enrollment_id, from_month, status, "
                  "monthly_amount_fen, basis_category, basis_counted_members, "
                  "basis_per_capita_income_fen, basis_care_level, reason, created_at) "
                  "SELECT id, from_month, status, monthly_amount_fen, basis_category, "
                  "basis_counted_members, basis_per_capita_income_fen, basis_care_level, "
                  "'档案批量导入', created_at FROM enrollments WHERE id > ? ORDER BY id",
                  "i", m->last_enrollment) < 0 ||
        mz_db_run(m->db, NULL,
                  "INSERT INTO enrollment_changes (enrollment_id, kind, from_month, status, "
                  "amount_fen, reason, actor_name, at) SELECT id, 'create', from_month, status, "
                  "monthly_amount_fen, '档案批量导入', ?, created_at FROM enrollments "
                  "WHERE id > ? ORDER BY id",
                  "ti", m->actor->username, m->last_enrollment) < 0)
        return db_fail(m);
    return 0;
}

int mz_registry_import(mz_db *db, const mz_actor *actor, const mz_registry_import_options *o,
                       mz_registry_import_report *r, mz_error *err)
{
    memset(r, 0, sizeof *r);
    if (!mz_actor_can(actor, "registry:household:create") ||
        !mz_actor_can(actor, "registry:person:create"))
        return mz_error_set(err, 403, "forbidden", NULL, "您没有批量导入档案的权限");
    imp m;
    memset(&m, 0, sizeof m);
    m.db = db;
    m.actor = actor;
    m.o = o;
    m.r = r;
    m.err = err;
    m.arena = mz_arena_new();
    r->error = mz_calloc((size_t)(o->max_errors > 0 ? o->max_errors : 1000), sizeof *r->error);
    index_init(&m.hh_index);
    index_init(&m.p_index);
    mz_time_iso(time(NULL), m.now);
    crypto_hash_sha256_init(&m.sha_state);
    int64_t existing = 0;
    int rc = -1;

    mz_db_batch_cache(db, MZ_BATCH_WRITES);
    if (load_villages(&m) < 0 || max_id(&m, "persons", &m.base_person) < 0 ||
        max_id(&m, "households", &m.base_household) < 0 ||
        max_id(&m, "enrollments", &m.last_enrollment) < 0)
        goto done;
    if (m.partial_scope) {
        mz_error_set(err, 403, "forbidden", NULL, "批量导入档案须由市级用户或命令行执行");
        goto done;
    }
    m.base_person++;
    m.base_household++;
    if (mz_db_query_int64(db, &existing, "SELECT COUNT(*) FROM persons", "") != MZ_DB_ROW) {
        db_fail(&m);
        goto done;
    }
    m.existing_persons = existing > 0;
    if (m.existing_persons && load_known(&m) < 0)
        goto done;

    if (read_file(&m, "households.csv", 1, household_cols, N(household_cols), household_row) < 0)
        goto done;
    if (begin_table(&m, "persons",
                    "id, id_number, name, gender, birth_date, disability_kind, disability_grade, "
                    "labour_capacity, supporter_able, serious_illness, self_care_unable, "
                    "in_school, detained, created_region, created_at, updated_at",
                    16) < 0 ||
        read_file(&m, "persons.csv", 1, person_cols, N(person_cols), person_row) < 0 ||
        end_table(&m, &r->persons) < 0)
        goto done;
    if (write_households_and_members(&m) < 0 || end_table(&m, &r->households) < 0)
        goto done;
    if (begin_table(&m, "household_members",
                    "household_id, person_id, relation, joined_on, created_at", 5) < 0)
        goto done;
    for (int32_t i = 0; writing(&m) && i < m.np; i++) {
        char joined[11];
        mz_date_format(m.p[i].joined, joined);
        if (add_row(&m, "iittt", m.base_household + m.p[i].hh, m.base_person + i,
                    relations[m.p[i].relation], joined, m.now) < 0) {
            db_fail(&m);
            goto done;
        }
    }
    if (end_table(&m, &r->members) < 0)
        goto done;

    if (begin_table(&m, "income_items",
                    "household_id, person_id, type, monthly_fen, valid_from, created_at", 6) < 0 ||
        read_file(&m, "incomes.csv", 0, income_cols, N(income_cols), income_row) < 0 ||
        end_table(&m, &r->incomes) < 0)
        goto done;
    if (begin_table(&m, "assets", "household_id, type, value_fen, exempt, valid_from, created_at",
                    6) < 0 ||
        read_file(&m, "assets.csv", 0, asset_cols, N(asset_cols), asset_row) < 0 ||
        end_table(&m, &r->assets) < 0)
        goto done;
    if (begin_table(&m, "enrollments",
                    "program, household_id, person_id, payee_name, region_code, "
                    "monthly_amount_fen, from_month, status, basis_category, "
                    "basis_counted_members, basis_per_capita_income_fen, basis_care_level, "
                    "created_at, updated_at",
                    14) < 0 ||
        read_file(&m, "enrollments.csv", 0, enrollment_cols, N(enrollment_cols), enrollment_row) <
            0 ||
        end_table(&m, &r->enrollments) < 0 || enrollment_history(&m) < 0)
        goto done;
    if (bump_sequence(&m, "persons") < 0 || bump_sequence(&m, "households") < 0)
        goto done;
    if (r->errors > 0) {
        mz_error_set(err, 400, "import_rejected", "dir",
                     "发现 %lld 处错误，未导入任何数据（错误明细见报告）", (long long)r->errors);
        goto done;
    }
    crypto_hash_sha256_final(&m.sha_state, m.sha);
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, m.sha, sizeof m.sha);
    json_t *after = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "sha256", hex, "households",
                              (json_int_t)r->households, "persons", (json_int_t)r->persons,
                              "members", (json_int_t)r->members, "incomes", (json_int_t)r->incomes,
                              "assets", (json_int_t)r->assets, "enrollments",
                              (json_int_t)r->enrollments, "edge_rows", (json_int_t)r->edge_rows);
    rc = mz_audit_append(db, actor, "registry.import", "registry", NULL, actor->region_code, NULL,
                         after, err);
    json_decref(after);
    r->households = m.nhh;
done:
    mz_db_batch_cache(db, MZ_BATCH_OFF);
    mz_bulk_cancel(m.bulk);
    mz_free(m.known_index.slot);
    mz_free(m.known);
    mz_free(m.hh_index.slot);
    mz_free(m.p_index.slot);
    mz_free(m.hh);
    mz_free(m.p);
    mz_free(m.villages);
    mz_arena_free(m.arena);
    return rc;
}

void mz_registry_import_report_free(mz_registry_import_report *r)
{
    if (r == NULL)
        return;
    mz_free(r->error);
    r->error = NULL;
    r->nerror = 0;
}
