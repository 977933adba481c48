/*
 * Tests for src/core/person.c and src/core/household.c: validation at the
 * boundary (ID numbers, derived gender and birth date, names, enums, dates,
 * amounts, bank accounts), the region scope (another township's records are
 * "not found"), dated membership (one household per person at a time,
 * joining and leaving), deaths, economic items applying by date, the
 * snapshot's shape and totals, masking of ID numbers and bank accounts, and
 * the audit entries of every write and of every view of a full ID number.
 * Every case runs on SQLite and, with MZ_TEST_PG_URL, on PostgreSQL.  All
 * people are invented; their ID numbers get a valid check character from
 * mz_idnum_check_char.
 */
#include "testdb.h"

#include "base/date.h"
#include "base/idnum.h"
#include "base/json.h"
#include "core/household.h"
#include "core/person.h"

static int setup_sqlite(void **state)
{
    return tdb_setup(state, MZ_DB_SQLITE, "test_registry");
}

static int setup_pg(void **state)
{
    return tdb_setup(state, MZ_DB_PG, "test_registry");
}

#define XINGFU "321302001000"    /* 幸福街道 (urban) */
#define FENGHUANG "321302001001" /* 凤凰居委会, in 幸福街道 */
#define XINSHENG "321302001002"  /* 新盛居委会, in 幸福街道 */
#define XIANGLI "321302002000"   /* 项里街道 */
#define GUOYUAN "321302002001"   /* 果园居委会, in 项里街道 */
#define HONGWEI "321302101200"   /* 红卫村委会 (rural), in 耿车镇 */

/* A valid ID number from its first 17 digits. */
static const char *idn(const char *first17, char out[19])
{
    memcpy(out, first17, 17);
    out[17] = mz_idnum_check_char(first17);
    out[18] = '\0';
    return out;
}

static int64_t jint(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_integer(v))
        fail_msg("no integer %s", k);
    return (int64_t)json_integer_value(v);
}

/* The JSON text of a value as the API writes it. */
static char *dumped(json_t *j)
{
    mz_buf b;
    mz_buf_init(&b);
    mz_json_dump(&b, j);
    return mz_buf_steal(&b);
}

/* The text of member k of object o, as the API writes it. */
static char *member_text(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (v == NULL)
        fail_msg("no member %s", k);
    return dumped(v);
}

/*
 * mz_person_profile as the API answers it (its object closed), parsed.  The text is also
 * checked byte for byte: it is what mz_json_dump writes for the parsed value, its "person" is
 * mz_person_get's answer and its "history" mz_registry_history's; a failure leaves the buffer
 * as it was.
 */
static int profile(tdb *t, const mz_actor *a, int64_t id, json_t **out, mz_error *err)
{
    mz_buf b;
    mz_buf_init(&b);
    mz_buf_puts(&b, "before");
    int rc = mz_person_profile(t->db, a, id, &b, NULL, err);
    if (rc < 0) {
        assert_string_equal(b.data, "before");
        mz_buf_cleanup(&b);
        return rc;
    }
    mz_buf_putc(&b, '}');
    assert_int_equal(strncmp(b.data, "before", 6), 0);
    const char *text = b.data + 6;
    json_error_t jerr;
    *out = json_loads(text, 0, &jerr);
    if (*out == NULL)
        fail_msg("profile is not JSON (%s): %s", jerr.text, text);
    char *again = dumped(*out);
    assert_string_equal(again, text);
    mz_free(again);

    json_t *person = NULL, *history = NULL;
    mz_error e2;
    assert_int_equal(mz_person_get(t->db, a, id, &person, &e2), 0);
    char *want = dumped(person), *got = member_text(*out, "person");
    assert_string_equal(got, want);
    mz_free(want);
    mz_free(got);
    assert_int_equal(mz_registry_history(t->db, "person", id, 200, "person.view_id", &history, &e2),
                     0);
    want = dumped(history);
    got = member_text(*out, "history");
    assert_string_equal(got, want);
    mz_free(want);
    mz_free(got);
    json_decref(person);
    json_decref(history);
    mz_buf_cleanup(&b);
    return 0;
}

/* Commits on success, rolls back on failure; returns rc. */
static int tx_end(tdb *t, int rc)
{
    if (rc == 0)
        tdb_commit(t);
    else
        mz_db_rollback(t->db);
    return rc;
}

static mz_person_input pin(const char *id, const char *name)
{
    mz_person_input in;
    mz_person_input_init(&in);
    in.id_number = id;
    in.name = name;
    return in;
}

static int create_person(tdb *t, const mz_actor *a, const mz_person_input *in, json_t **out,
                         mz_error *err)
{
    json_t *tmp = NULL;
    mz_error_clear(err);
    tdb_begin(t);
    int rc = tx_end(t, mz_person_create(t->db, a, in, out ? out : &tmp, err));
    json_decref(tmp);
    return rc;
}

/* A household in village with a new head; returns its id. */
static int64_t make_household(tdb *t, const mz_actor *a, const char *village, const char *head_id,
                              const char *head_name, const char *joined_on)
{
    mz_household_input in;
    json_t *out = NULL;
    mz_error err;
    memset(&in, 0, sizeof in);
    in.region_code = village;
    in.address = "幸福路1号";
    in.joined_on = joined_on;
    in.head.field_prefix = "head.";
    in.head.person = pin(head_id, head_name);
    tdb_begin(t);
    if (tx_end(t, mz_household_create(t->db, a, &in, &out, &err)) != 0)
        fail_msg("household: %s %s %s", err.code, err.field, err.message);
    int64_t id = jint(out, "id");
    json_decref(out);
    return id;
}

static int add_member(tdb *t, const mz_actor *a, int64_t hid, int64_t person_id,
                      const mz_person_input *p, const char *relation, const char *joined_on,
                      json_t **out, mz_error *err)
{
    mz_member_input m;
    json_t *tmp = NULL;
    memset(&m, 0, sizeof m);
    m.field_prefix = "";
    m.person_id = person_id;
    if (p)
        m.person = *p;
    m.relation = relation;
    m.joined_on = joined_on;
    mz_error_clear(err);
    tdb_begin(t);
    int rc = tx_end(t, mz_household_add_member(t->db, a, hid, &m, out ? out : &tmp, err));
    json_decref(tmp);
    return rc;
}

static int leave(tdb *t, const mz_actor *a, int64_t hid, int64_t pid, const char *day,
                 mz_error *err)
{
    json_t *tmp = NULL;
    mz_error_clear(err);
    tdb_begin(t);
    int rc = tx_end(t, mz_household_member_leave(t->db, a, hid, pid, day, &tmp, err));
    json_decref(tmp);
    return rc;
}

static int64_t item_add(tdb *t, const mz_actor *a, int64_t hid, const char *kind,
                        const mz_item_input *in, mz_error *err)
{
    json_t *out = NULL;
    mz_error_clear(err);
    tdb_begin(t);
    if (tx_end(t, mz_household_item_add(t->db, a, hid, kind, in, &out, err)) != 0)
        return -1;
    int64_t id = jint(out, "id");
    json_decref(out);
    return id;
}

static int item_end(tdb *t, const mz_actor *a, int64_t hid, const char *kind, int64_t item,
                    const char *day, mz_error *err)
{
    json_t *tmp = NULL;
    mz_error_clear(err);
    tdb_begin(t);
    int rc = tx_end(t, mz_household_item_end(t->db, a, hid, kind, item, day, &tmp, err));
    json_decref(tmp);
    return rc;
}

/* The snapshot without auditing (read only). */
static json_t *snapshot(tdb *t, const mz_actor *a, int64_t hid, const char *day)
{
    json_t *out = NULL;
    mz_error err;
    if (mz_household_snapshot(t->db, a, hid, day, 0, &out, &err) != 0)
        fail_msg("snapshot: %s %s", err.code, err.message);
    return out;
}

static json_t *snap_members(json_t *s)
{
    return json_object_get(json_object_get(s, "household"), "members");
}

/* Whether a snapshot on day holds the member with this ID number. */
static int snap_has(tdb *t, const mz_actor *a, int64_t hid, const char *day, const char *id)
{
    json_t *s = snapshot(t, a, hid, day), *m;
    size_t i;
    int found = 0;
    json_array_foreach(snap_members(s), i, m)
    {
        if (strcmp(tdb_jstr(m, "id_number"), id) == 0)
            found = 1;
    }
    json_decref(s);
    return found;
}

static int64_t person_id_of(tdb *t, const char *id_number)
{
    int64_t id = 0;
    if (mz_db_query_int64(t->db, &id, "SELECT id FROM persons WHERE id_number = ?", "t",
                          id_number) != MZ_DB_ROW)
        fail_msg("no person %s", id_number);
    return id;
}

static int64_t count(tdb *t, const char *sql)
{
    return tdb_count(t->db, sql);
}

struct cast {
    mz_actor tw;     /* township_worker, 幸福街道 */
    mz_actor ta;     /* township_approver, 幸福街道 */
    mz_actor twb;    /* township_worker, 项里街道 */
    mz_actor county; /* county_worker, 宿城区 */
    mz_actor ca;     /* county_approver, 宿城区 */
};

static void make_cast(tdb *t, struct cast *c)
{
    tdb_actor(t, tdb_user(t, "tw.xingfu", "township_worker", XINGFU), &c->tw);
    tdb_actor(t, tdb_user(t, "ta.xingfu", "township_approver", XINGFU), &c->ta);
    tdb_actor(t, tdb_user(t, "tw.xiangli", "township_worker", XIANGLI), &c->twb);
    tdb_actor(t, tdb_user(t, "cw.sucheng", "county_worker", "321302000000"), &c->county);
    tdb_actor(t, tdb_user(t, "ca.sucheng", "county_approver", "321302000000"), &c->ca);
}

/* ---- pure rules ------------------------------------------------------------------- */

static void test_bank_account(void **state)
{
    static const struct {
        const char *s;
        int ok;
        const char *masked;
    } cases[] = {
        {"622202123456789", 1, "6222*******6789"},         /* 15 digits: no check digit */
        {"123456789012", 1, "1234****9012"},               /* 12: shortest */
        {"12345678901", 0, NULL},                          /* 11 */
        {"123456789012345678901234567890", 1, NULL},       /* 30: longest */
        {"1234567890123456789012345678901", 0, NULL},      /* 31 */
        {"4111111111111111", 1, "4111********1111"},       /* 16, Luhn ok */
        {"4111111111111112", 0, NULL},                     /* 16, Luhn wrong */
        {"6222021234567890128", 1, "6222***********0128"}, /* 19, Luhn ok */
        {"6222021234567890127", 0, NULL},                  /* 19, Luhn wrong */
        {"62220212345678901234", 1, NULL},                 /* 20: no check digit again */
        {"6222 0212 3456 7890", 0, NULL},
        {"62220212345678901a", 0, NULL},
        {"", 0, NULL},
        {"-12345678901", 0, NULL},
    };
    char m[32];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (mz_bank_account_valid(cases[i].s) != cases[i].ok)
            fail_msg("case %zu (%s)", i, cases[i].s);
        if (cases[i].masked) {
            mz_bank_account_mask(cases[i].s, m);
            assert_string_equal(m, cases[i].masked);
        }
    }
    assert_int_equal(mz_bank_account_valid(NULL), 0);
    mz_bank_account_mask("12345678", m);
    assert_string_equal(m, "********");
    assert_string_equal(mz_person_care_level(0), "self");
    assert_string_equal(mz_person_care_level(1), "half");
    assert_string_equal(mz_person_care_level(3), "half");
    assert_string_equal(mz_person_care_level(4), "full");
    assert_string_equal(mz_person_care_level(6), "full");
}

/* ---- persons -------------------------------------------------------------------- */

static void test_person_create(void **state)
{
    tdb *t = tdb_get(state);
    struct cast c;
    char id[19], masked[19];
    json_t *out = NULL;
    mz_error err;
    char *s = NULL;

    make_cast(t, &c);
    idn("32130219800101001", id); /* odd sequence: a man born 1980-01-01 */
    mz_person_input in = pin(id, "张<b>伟</b>");
    in.gender = "M";
    in.birth_date = "1980-01-01";
    in.disability_set = 1;
    in.disability_kind = "physical";
    in.disability_grade = 2;
    in.labour_capacity = "partial";
    in.self_care_set = 1;
    in.self_care_activities = (1u << 0) | (1u << 5); /* eating, bathing */
    assert_int_equal(create_person(t, &c.tw, &in, &out, &err), 0);
    mz_idnum_mask(id, masked);
    assert_string_equal(tdb_jstr(out, "id_number_masked"), masked);
    assert_null(json_object_get(out, "id_number"));
    assert_string_equal(tdb_jstr(out, "name"), "张<b>伟</b>"); /* markup is text */
    assert_string_equal(tdb_jstr(out, "gender"), "M");
    assert_string_equal(tdb_jstr(out, "birth_date"), "1980-01-01");
    assert_string_equal(tdb_jstr(out, "disability_kind"), "physical");
    assert_int_equal(jint(out, "disability_grade"), 2);
    assert_int_equal(jint(out, "self_care_unable"), 2);
    assert_string_equal(tdb_jstr(out, "self_care_level"), "half");
    json_t *acts = json_object_get(out, "self_care_unable_activities");
    assert_int_equal(json_array_size(acts), 2);
    assert_string_equal(json_string_value(json_array_get(acts, 0)), "eating");
    assert_string_equal(json_string_value(json_array_get(acts, 1)), "bathing");
    assert_true(json_is_null(json_object_get(out, "household")));
    assert_true(json_is_null(json_object_get(out, "deceased_on")));
    int64_t pid = jint(out, "id");
    json_decref(out);

    /* Audited with the masked number only. */
    assert_int_equal(count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.create' AND "
                              "object_type = 'person' AND actor_name = 'tw.xingfu'"),
                     1);
    assert_int_equal(mz_db_query_text(t->db, &s,
                                      "SELECT after_json FROM audit_log WHERE action = "
                                      "'person.create'",
                                      ""),
                     MZ_DB_ROW);
    assert_null(strstr(s, id));
    assert_non_null(strstr(s, masked));
    mz_free(s);

    /* Visible to its creator's subtree only while in no household. */
    assert_int_equal(mz_person_get(t->db, &c.ta, pid, &out, &err), 0);
    json_decref(out);
    assert_int_equal(mz_person_get(t->db, &c.county, pid, &out, &err), 0);
    json_decref(out);
    assert_int_equal(mz_person_get(t->db, &c.twb, pid, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");

    /* A registered number is a conflict; nothing is added. */
    int64_t n0 = count(t, "SELECT COUNT(*) FROM persons");
    in = pin(id, "另一人");
    assert_int_equal(create_person(t, &c.twb, &in, NULL, &err), -1);
    tdb_assert_err(err, 409, "conflict", "id_number");
    /* A lower-case x is the same number. */
    char idx[19];
    idn("32130219900101002", idx);
    if (idx[17] == 'X') {
        in = pin(idx, "王芳");
        assert_int_equal(create_person(t, &c.tw, &in, NULL, &err), 0);
        idx[17] = 'x';
        assert_int_equal(create_person(t, &c.tw, &in, NULL, &err), -1);
        tdb_assert_err(err, 409, "conflict", "id_number");
        n0++;
    }
    assert_int_equal(count(t, "SELECT COUNT(*) FROM persons"), n0);
}

static void test_person_refusals(void **state)
{
    tdb *t = tdb_get(state);
    struct cast c;
    char id[19], bad[19], future[19], long_name[200];
    mz_error err;

    make_cast(t, &c);
    idn("32130219800101001", id);
    snprintf(bad, sizeof bad, "%s", id);
    bad[17] = bad[17] == '0' ? '1' : '0';
    idn("32130221990101001", future);
    memset(long_name, 0, sizeof long_name);
    for (int i = 0; i < 65; i++)
        strcat(long_name, "李");
    static const char *const gender_f = "F";

    struct {
        const char *id, *name, *gender, *birth;
        const char *kind;
        int grade, unable;
        const char *labour;
        const char *code, *field;
    } cases[] = {
        {bad, "张三", NULL, NULL, NULL, 0, -1, NULL, "invalid_id_number", "id_number"},
        {"32130219800101", "张三", NULL, NULL, NULL, 0, -1, NULL, "invalid_id_number", "id_number"},
        {future, "张三", NULL, NULL, NULL, 0, -1, NULL, "invalid_id_number", "id_number"},
        {NULL, "张三", NULL, NULL, NULL, 0, -1, NULL, "missing_field", "id_number"},
        {id, NULL, NULL, NULL, NULL, 0, -1, NULL, "missing_field", "name"},
        {id, "", NULL, NULL, NULL, 0, -1, NULL, "invalid_value", "name"},
        {id, long_name, NULL, NULL, NULL, 0, -1, NULL, "invalid_value", "name"},
        {id, "张\x01三", NULL, NULL, NULL, 0, -1, NULL, "invalid_value", "name"},
        {id, "张\xff三", NULL, NULL, NULL, 0, -1, NULL, "invalid_value", "name"},
        {id, "张三", gender_f, NULL, NULL, 0, -1, NULL, "invalid_value", "gender"},
        {id, "张三", "male", NULL, NULL, 0, -1, NULL, "invalid_value", "gender"},
        {id, "张三", NULL, "1980-01-02", NULL, 0, -1, NULL, "invalid_value", "birth_date"},
        {id, "张三", NULL, "1980-1-1", NULL, 0, -1, NULL, "invalid_value", "birth_date"},
        {id, "张三", NULL, NULL, "blind", 1, -1, NULL, "invalid_value", "disability_kind"},
        {id, "张三", NULL, NULL, "visual", 0, -1, NULL, "invalid_value", "disability_grade"},
        {id, "张三", NULL, NULL, "visual", 5, -1, NULL, "invalid_value", "disability_grade"},
        {id, "张三", NULL, NULL, NULL, 0, 7, NULL, "invalid_value", "self_care_unable"},
        {id, "张三", NULL, NULL, NULL, 0, -1, "some", "invalid_value", "labour_capacity"},
    };
    int64_t n0 = count(t, "SELECT COUNT(*) FROM persons");
    int64_t a0 = count(t, "SELECT COUNT(*) FROM audit_log");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mz_person_input in = pin(cases[i].id, cases[i].name);
        in.gender = cases[i].gender;
        in.birth_date = cases[i].birth;
        if (cases[i].kind) {
            in.disability_set = 1;
            in.disability_kind = cases[i].kind;
            in.disability_grade = cases[i].grade;
        }
        in.self_care_unable = cases[i].unable;
        in.labour_capacity = cases[i].labour;
        if (create_person(t, &c.tw, &in, NULL, &err) != -1)
            fail_msg("case %zu accepted", i);
        if (err.status != 400 || strcmp(err.code, cases[i].code) != 0 ||
            strcmp(err.field, cases[i].field) != 0)
            fail_msg("case %zu: %d %s %s %s", i, err.status, err.code, err.field, err.message);
    }
    /* The count and the activities must agree. */
    mz_person_input in = pin(id, "张三");
    in.self_care_set = 1;
    in.self_care_activities = 1u;
    in.self_care_unable = 2;
    assert_int_equal(create_person(t, &c.tw, &in, NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "self_care_unable");
    assert_int_equal(count(t, "SELECT COUNT(*) FROM persons"), n0);
    assert_int_equal(count(t, "SELECT COUNT(*) FROM audit_log"), a0);
}

static void test_person_update_and_death(void **state)
{
    tdb *t = tdb_get(state);
    struct cast c;
    char id[19], tomorrow[11];
    json_t *out = NULL;
    mz_error err;

    make_cast(t, &c);
    mz_date_format(mz_date_today() + 1, tomorrow);
    idn("32130219400101001", id);
    int64_t hid = make_household(t, &c.tw, FENGHUANG, id, "赵老汉", "2000-01-01");
    int64_t pid = person_id_of(t, id);

    mz_person_input ch;
    mz_person_input_init(&ch);
    ch.serious_illness = 1;
    ch.self_care_unable = 5;
    ch.disability_set = 1;
    ch.disability_kind = "visual";
    ch.disability_grade = 1;
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_person_update(t->db, &c.tw, pid, &ch, &out, &err)), 0);
    assert_true(json_is_true(json_object_get(out, "serious_illness")));
    assert_string_equal(tdb_jstr(out, "self_care_level"), "full");
    assert_int_equal(jint(json_object_get(out, "household"), "id"), hid);
    json_decref(out);
    assert_int_equal(count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.update'"), 1);

    /* Another township cannot change the person: not found. */
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_person_update(t->db, &c.twb, pid, &ch, &out, &err)), -1);
    tdb_assert_err(err, 404, "not_found", "");

    /* Deaths: not before birth, not in the future. */
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_person_record_death(t->db, &c.tw, pid, "1939-12-31", &err)), -1);
    tdb_assert_err(err, 400, "invalid_value", "deceased_on");
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_person_record_death(t->db, &c.tw, pid, tomorrow, &err)), -1);
    tdb_assert_err(err, 400, "invalid_value", "deceased_on");
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_person_record_death(t->db, &c.tw, pid, "2022-05-10", &err)), 0);
    assert_int_equal(count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.death'"), 1);
    /* Nothing is deleted: the person and the membership stay. */
    assert_int_equal(count(t, "SELECT COUNT(*) FROM persons WHERE deceased_on = '2022-05-10'"), 1);
    assert_int_equal(count(t, "SELECT COUNT(*) FROM household_members WHERE left_on IS NULL"), 1);
    /* The snapshot shows the death from that day on. */
    json_t *s = snapshot(t, &c.tw, hid, "2022-05-09");
    assert_true(json_is_null(json_object_get(json_array_get(snap_members(s), 0), "deceased_on")));
    json_decref(s);
    s = snapshot(t, &c.tw, hid, "2022-05-10");
    assert_string_equal(tdb_jstr(json_array_get(snap_members(s), 0), "deceased_on"), "2022-05-10");
    json_decref(s);
    /* A dead person cannot join a household after the death. */
    int64_t other =
        make_household(t, &c.tw, XINSHENG, idn("32130219700101011", id), "钱一", "2000-01-01");
    assert_int_equal(leave(t, &c.tw, hid, pid, "2023-01-01", &err), -1); /* the head */
    tdb_assert_err(err, 400, "invalid_value", "person_id");
    assert_int_equal(add_member(t, &c.tw, other, pid, NULL, "parent", "2023-01-01", NULL, &err),
                     -1);
    tdb_assert_err(err, 400, "invalid_value", "joined_on");
}

/* ---- households ---------------------------------------------------------------- */

static void test_household_create_and_scope(void **state)
{
    tdb *t = tdb_get(state);
    struct cast c;
    char head[19], wife[19], child[19];
    json_t *out = NULL;
    mz_error err;
    mz_household_input in;
    mz_member_input members[2];

    make_cast(t, &c);
    idn("32130219800101001", head);
    idn("32130219820202002", wife);
    idn("32130220100303003", child);
    memset(&in, 0, sizeof in);
    memset(members, 0, sizeof members);
    in.region_code = FENGHUANG;
    in.address = "凤凰路8号";
    in.bank_name = "中国农业银行";
    in.bank_account = "6222021234567890128";
    in.joined_on = "2020-01-01";
    in.head.field_prefix = "head.";
    in.head.person = pin(head, "孙建国");
    members[0].field_prefix = "members[0].";
    members[0].person = pin(wife, "李秀英");
    members[0].relation = "spouse";
    members[1].field_prefix = "members[1].";
    members[1].person = pin(child, "孙小明");
    members[1].relation = "child";
    members[1].joined_on = "2010-03-03";
    in.members = members;
    in.nmembers = 2;
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_household_create(t->db, &c.tw, &in, &out, &err)), 0);
    int64_t hid = jint(out, "id");
    assert_string_equal(tdb_jstr(out, "region_code"), FENGHUANG);
    assert_string_equal(tdb_jstr(out, "region_name"), "凤凰居委会");
    assert_string_equal(tdb_jstr(out, "kind"), "urban"); /* from the village */
    assert_string_equal(tdb_jstr(out, "bank_account_masked"), "6222***********0128");
    assert_null(json_object_get(out, "bank_account"));
    assert_string_equal(tdb_jstr(json_object_get(out, "head"), "name"), "孙建国");
    assert_int_equal(json_array_size(json_object_get(out, "members")), 3);
    char *dump = json_dumps(out, 0);
    assert_null(strstr(dump, head));
    assert_null(strstr(dump, "6222021234567890128"));
    mz_free(dump);
    json_decref(out);
    /* Audited: the household and the three new persons, no full numbers. */
    assert_int_equal(count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'household.create' "
                              "AND region_code = '" FENGHUANG "'"),
                     1);
    assert_int_equal(count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.create'"), 3);
    assert_int_equal(count(t, "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE "
                              "'%6222021234567890128%'"),
                     0);

    /* Rural by default in a 村委会; an explicit kind wins. */
    int64_t rural =
        make_household(t, &c.county, HONGWEI, idn("32130219600101021", head), "周一", "2020-01-01");
    assert_int_equal(mz_household_get(t->db, &c.county, rural, &out, &err), 0);
    assert_string_equal(tdb_jstr(out, "kind"), "rural");
    json_decref(out);

    /* Another township: not found, and its persons too. */
    assert_int_equal(mz_household_get(t->db, &c.twb, hid, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(mz_household_get(t->db, &c.tw, 999999, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(mz_person_get(t->db, &c.twb, person_id_of(t, wife), &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(mz_household_profile(t->db, &c.twb, hid, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(mz_household_snapshot(t->db, &c.twb, hid, "2021-01-01", 0, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(mz_household_get(t->db, &c.county, hid, &out, &err), 0);
    json_decref(out);
    /* ... and cannot write it. */
    mz_item_input item = {.type = "wage", .amount_fen = 100, .valid_from = "2021-01-01"};
    assert_int_equal(item_add(t, &c.twb, hid, "incomes", &item, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    mz_person_input np = pin(idn("32130219990101031", head), "外人");
    assert_int_equal(add_member(t, &c.twb, hid, 0, &np, "other", "2021-01-01", NULL, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");

    /* Region refusals: outside the subtree, not a village, not in the registry. */
    static const char *const regions[] = {GUOYUAN, XINGFU, "321302001999", "3213020010", NULL};
    int64_t h0 = count(t, "SELECT COUNT(*) FROM households");
    int64_t p0 = count(t, "SELECT COUNT(*) FROM persons");
    for (int i = 0; regions[i]; i++) {
        memset(&in, 0, sizeof in);
        in.region_code = regions[i];
        in.address = "某路";
        in.joined_on = "2020-01-01";
        in.head.field_prefix = "head.";
        in.head.person = pin(idn("32130219990101041", head), "吴一");
        tdb_begin(t);
        assert_int_equal(tx_end(t, mz_household_create(t->db, &c.tw, &in, &out, &err)), -1);
        tdb_assert_err(err, 400, "invalid_region", "region_code");
    }
    /* A member in error rolls everything back: no household, no head. */
    memset(&in, 0, sizeof in);
    memset(members, 0, sizeof members);
    in.region_code = XINSHENG;
    in.address = "某路";
    in.joined_on = "2020-01-01";
    in.head.field_prefix = "head.";
    in.head.person = pin(idn("32130219990101041", head), "吴一");
    members[0].field_prefix = "members[0].";
    members[0].person = pin(idn("32130219990101051", wife), "吴二");
    members[0].relation = "cousin";
    in.members = members;
    in.nmembers = 1;
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_household_create(t->db, &c.tw, &in, &out, &err)), -1);
    tdb_assert_err(err, 400, "invalid_value", "members[0].relation");
    members[0].relation = "sibling";
    snprintf(wife, sizeof wife, "%s", head); /* the same person twice */
    members[0].person = pin(wife, "吴一");
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_household_create(t->db, &c.tw, &in, &out, &err)), -1);
    tdb_assert_err(err, 400, "invalid_value", "members[0].id_number");
    members[0].person = pin(idn("32130219990101062", child), "吴三");
    members[0].person.gender = "M"; /* even sequence: a woman */
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_household_create(t->db, &c.tw, &in, &out, &err)), -1);
    tdb_assert_err(err, 400, "invalid_value", "members[0].gender");
    assert_int_equal(count(t, "SELECT COUNT(*) FROM households"), h0);
    assert_int_equal(count(t, "SELECT COUNT(*) FROM persons"), p0);

    /* Bank accounts are checked. */
    memset(&in, 0, sizeof in);
    in.region_code = XINSHENG;
    in.address = "某路";
    in.joined_on = "2020-01-01";
    in.bank_account = "6222021234567890127";
    in.head.field_prefix = "head.";
    in.head.person = pin(idn("32130219990101041", head), "吴一");
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_household_create(t->db, &c.tw, &in, &out, &err)), -1);
    tdb_assert_err(err, 400, "invalid_value", "bank_account");
    assert_int_equal(count(t, "SELECT COUNT(*) FROM households"), h0);
}

static void test_household_update(void **state)
{
    tdb *t = tdb_get(state);
    struct cast c;
    char head[19];
    json_t *out = NULL;
    mz_error err;
    mz_household_input ch;

    make_cast(t, &c);
    int64_t hid =
        make_household(t, &c.tw, FENGHUANG, idn("32130219800101001", head), "郑一", "2020-01-01");
    memset(&ch, 0, sizeof ch);
    ch.bank_name = "中国工商银行";
    ch.bank_account = "4111111111111111";
    ch.address = "凤凰路9号";
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_household_update(t->db, &c.tw, hid, &ch, &out, &err)), 0);
    assert_string_equal(tdb_jstr(out, "bank_account_masked"), "4111********1111");
    assert_string_equal(tdb_jstr(out, "address"), "凤凰路9号");
    json_decref(out);
    assert_int_equal(count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'household.update' "
                              "AND after_json LIKE '%4111********1111%' AND after_json NOT LIKE "
                              "'%4111111111111111%'"),
                     1);
    /* Refusals change nothing. */
    static const struct {
        const char *region, *kind, *address, *account, *code, *field;
    } bad[] = {
        {GUOYUAN, NULL, NULL, NULL, "invalid_region", "region_code"},
        {XINGFU, NULL, NULL, NULL, "invalid_region", "region_code"},
        {NULL, "city", NULL, NULL, "invalid_value", "kind"},
        {NULL, NULL, "", NULL, "invalid_value", "address"},
        {NULL, NULL, "路\n2号", NULL, "invalid_value", "address"},
        {NULL, NULL, NULL, "4111111111111112", "invalid_value", "bank_account"},
        {NULL, NULL, NULL, "12345", "invalid_value", "bank_account"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&ch, 0, sizeof ch);
        ch.region_code = bad[i].region;
        ch.kind = bad[i].kind;
        ch.address = bad[i].address;
        ch.bank_account = bad[i].account;
        tdb_begin(t);
        if (tx_end(t, mz_household_update(t->db, &c.tw, hid, &ch, &out, &err)) != -1)
            fail_msg("bad update %zu accepted", i);
        if (strcmp(err.code, bad[i].code) != 0 || strcmp(err.field, bad[i].field) != 0)
            fail_msg("bad update %zu: %s %s", i, err.code, err.field);
    }
    assert_int_equal(
        count(t, "SELECT COUNT(*) FROM households WHERE bank_account = "
                 "'4111111111111111' AND address = '凤凰路9号' AND region_code = '" FENGHUANG "'"),
        1);
    /* Moving within the subtree and clearing the account. */
    memset(&ch, 0, sizeof ch);
    ch.region_code = XINSHENG;
    ch.bank_account = "";
    ch.bank_name = "";
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_household_update(t->db, &c.tw, hid, &ch, &out, &err)), 0);
    assert_string_equal(tdb_jstr(out, "region_code"), XINSHENG);
    assert_true(json_is_null(json_object_get(out, "bank_account_masked")));
    json_decref(out);
}

/* ---- membership over time ------------------------------------------------------ */

static void test_membership_dating(void **state)
{
    tdb *t = tdb_get(state);
    struct cast c;
    char head[19], wife[19];
    json_t *out = NULL;
    mz_error err;

    make_cast(t, &c);
    int64_t hid =
        make_household(t, &c.tw, FENGHUANG, idn("32130219800101001", head), "冯一", "2020-01-01");
    idn("32130219850505002", wife);
    mz_person_input p = pin(wife, "陈二");
    assert_int_equal(add_member(t, &c.tw, hid, 0, &p, "spouse", "2021-03-01", &out, &err), 0);
    assert_string_equal(tdb_jstr(out, "relation"), "spouse");
    assert_string_equal(tdb_jstr(out, "joined_on"), "2021-03-01");
    assert_true(json_is_null(json_object_get(out, "left_on")));
    json_decref(out);
    int64_t pid = person_id_of(t, wife);

    /* Joined 2021-03-01: not in February, in March. */
    assert_false(snap_has(t, &c.ta, hid, "2021-02-28", wife));
    assert_false(snap_has(t, &c.ta, hid, "2021-02-01", wife));
    assert_true(snap_has(t, &c.ta, hid, "2021-03-01", wife));
    assert_true(snap_has(t, &c.ta, hid, "2021-03-31", wife));
    assert_true(snap_has(t, &c.ta, hid, "2021-02-01", head));

    /* Leaving: not on or before joining, not the head, not twice, not a stranger. */
    assert_int_equal(leave(t, &c.tw, hid, pid, "2021-03-01", &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "on");
    assert_int_equal(leave(t, &c.tw, hid, pid, "2021-02-01", &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "on");
    assert_int_equal(leave(t, &c.tw, hid, pid, "2021-13-01", &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "on");
    assert_int_equal(leave(t, &c.tw, hid, person_id_of(t, head), "2022-01-01", &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "person_id");
    assert_int_equal(leave(t, &c.tw, hid, 999999, "2022-01-01", &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(leave(t, &c.twb, hid, pid, "2022-01-01", &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(leave(t, &c.tw, hid, pid, "2021-06-01", &err), 0);
    assert_int_equal(leave(t, &c.tw, hid, pid, "2021-07-01", &err), -1);
    tdb_assert_err(err, 409, "conflict", "");
    assert_true(snap_has(t, &c.ta, hid, "2021-05-31", wife));
    assert_false(snap_has(t, &c.ta, hid, "2021-06-01", wife));
    assert_int_equal(count(t, "SELECT COUNT(*) FROM audit_log WHERE action = "
                              "'household.member_leave' AND before_json IS NOT NULL"),
                     1);
    /* Today's household no longer lists her; the profile keeps the history. */
    assert_int_equal(mz_household_get(t->db, &c.tw, hid, &out, &err), 0);
    assert_int_equal(json_array_size(json_object_get(out, "members")), 1);
    json_decref(out);
    assert_int_equal(mz_household_profile(t->db, &c.tw, hid, &out, &err), 0);
    json_t *all = json_object_get(out, "members");
    assert_int_equal(json_array_size(all), 2);
    assert_string_equal(tdb_jstr(json_array_get(all, 1), "left_on"), "2021-06-01");
    json_decref(out);
    /* Relation codes are checked; joining before birth is refused. */
    assert_int_equal(add_member(t, &c.tw, hid, pid, NULL, "self", "2022-01-01", NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "relation");
    assert_int_equal(add_member(t, &c.tw, hid, pid, NULL, "wife", "2022-01-01", NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "relation");
    assert_int_equal(add_member(t, &c.tw, hid, pid, NULL, "spouse", "1985-05-04", NULL, &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "joined_on");
    /* She may come back after leaving. */
    assert_int_equal(add_member(t, &c.tw, hid, pid, NULL, "spouse", "2022-01-01", NULL, &err), 0);
    assert_false(snap_has(t, &c.ta, hid, "2021-12-31", wife));
    assert_true(snap_has(t, &c.ta, hid, "2022-01-01", wife));
}

static void test_one_household_at_a_time(void **state)
{
    tdb *t = tdb_get(state);
    struct cast c;
    char a[19], b[19], kid[19];
    json_t *out = NULL;
    mz_error err;

    make_cast(t, &c);
    int64_t h1 =
        make_household(t, &c.tw, FENGHUANG, idn("32130219700101001", a), "褚一", "2020-01-01");
    int64_t h2 =
        make_household(t, &c.tw, XINSHENG, idn("32130219720101011", b), "卫一", "2020-01-01");
    mz_person_input p = pin(idn("32130220000101021", kid), "褚小");
    assert_int_equal(add_member(t, &c.tw, h1, 0, &p, "child", "2020-01-01", NULL, &err), 0);
    int64_t pid = person_id_of(t, kid);
    int64_t m0 = count(t, "SELECT COUNT(*) FROM household_members");

    /* In h1 (open-ended): any day from then on is taken, in h2 and in h1 again. */
    assert_int_equal(add_member(t, &c.tw, h2, pid, NULL, "other", "2021-01-01", NULL, &err), -1);
    tdb_assert_err(err, 409, "conflict", "person_id");
    assert_int_equal(add_member(t, &c.tw, h2, pid, NULL, "other", "2019-01-01", NULL, &err), -1);
    tdb_assert_err(err, 409, "conflict", "person_id");
    assert_int_equal(add_member(t, &c.tw, h1, pid, NULL, "child", "2022-01-01", NULL, &err), -1);
    tdb_assert_err(err, 409, "conflict", "person_id");
    /* A head of one household cannot be taken into another either. */
    assert_int_equal(
        add_member(t, &c.tw, h2, person_id_of(t, a), NULL, "other", "2025-01-01", NULL, &err), -1);
    tdb_assert_err(err, 409, "conflict", "person_id");
    assert_int_equal(count(t, "SELECT COUNT(*) FROM household_members"), m0);

    /* After leaving h1 on 2021-01-01 the person may join h2 on that day, not before. */
    assert_int_equal(leave(t, &c.tw, h1, pid, "2021-01-01", &err), 0);
    assert_int_equal(add_member(t, &c.tw, h2, pid, NULL, "other", "2020-12-31", NULL, &err), -1);
    tdb_assert_err(err, 409, "conflict", "person_id");
    assert_int_equal(add_member(t, &c.tw, h2, pid, NULL, "grandchild", "2021-01-01", NULL, &err),
                     0);
    assert_true(snap_has(t, &c.ta, h1, "2020-12-31", kid));
    assert_false(snap_has(t, &c.ta, h2, "2020-12-31", kid));
    assert_false(snap_has(t, &c.ta, h1, "2021-01-01", kid));
    assert_true(snap_has(t, &c.ta, h2, "2021-01-01", kid));
    /* Nor can the person go back to h1 for a past period that h2 now covers. */
    assert_int_equal(add_member(t, &c.tw, h1, pid, NULL, "child", "2019-06-01", NULL, &err), -1);
    tdb_assert_err(err, 409, "conflict", "person_id");

    /* The person's profile shows both households with their dates. */
    assert_int_equal(profile(t, &c.tw, pid, &out, &err), 0);
    json_t *hh = json_object_get(out, "households");
    assert_int_equal(json_array_size(hh), 2);
    assert_int_equal(jint(json_array_get(hh, 0), "household_id"), h1);
    assert_string_equal(tdb_jstr(json_array_get(hh, 0), "left_on"), "2021-01-01");
    assert_int_equal(jint(json_array_get(hh, 1), "household_id"), h2);
    assert_string_equal(tdb_jstr(json_array_get(hh, 1), "relation"), "grandchild");
    assert_int_equal(jint(json_object_get(json_object_get(out, "person"), "household"), "id"), h2);
    assert_non_null(json_object_get(out, "history"));
    assert_null(json_object_get(out, "applications")); /* sections of later modules: absent */
    json_decref(out);

    /* A person in one household only: the other township sees nothing of them. */
    assert_int_equal(profile(t, &c.twb, pid, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");

    /* After a move to 项里街道 each township's profile lists its own households only, and the
     * current household is the new one, seen from 项里 and from the county; 幸福街道 still sees
     * the person, with no current household in its subtree. */
    char d[19];
    int64_t h3 =
        make_household(t, &c.twb, GUOYUAN, idn("32130219750101031", d), "韩一", "2020-01-01");
    assert_int_equal(leave(t, &c.tw, h2, pid, "2022-01-01", &err), 0);
    assert_int_equal(add_member(t, &c.county, h3, pid, NULL, "other", "2022-01-01", NULL, &err), 0);
    assert_int_equal(profile(t, &c.twb, pid, &out, &err), 0);
    hh = json_object_get(out, "households");
    assert_int_equal(json_array_size(hh), 1);
    assert_int_equal(jint(json_array_get(hh, 0), "household_id"), h3);
    assert_int_equal(jint(json_object_get(json_object_get(out, "person"), "household"), "id"), h3);
    json_decref(out);
    assert_int_equal(profile(t, &c.tw, pid, &out, &err), 0);
    hh = json_object_get(out, "households");
    assert_int_equal(json_array_size(hh), 2);
    assert_int_equal(jint(json_array_get(hh, 1), "household_id"), h2);
    assert_string_equal(tdb_jstr(json_array_get(hh, 1), "left_on"), "2022-01-01");
    assert_true(json_is_null(json_object_get(json_object_get(out, "person"), "household")));
    json_decref(out);
    assert_int_equal(profile(t, &c.county, pid, &out, &err), 0);
    hh = json_object_get(out, "households");
    assert_int_equal(json_array_size(hh), 3);
    assert_int_equal(jint(json_array_get(hh, 2), "household_id"), h3);
    assert_int_equal(jint(json_object_get(json_object_get(out, "person"), "household"), "id"), h3);
    json_decref(out);
}

/*
 * The profile's text, written straight from the columns, for a person with every kind of
 * value: quotes and backslashes in text (the name, the history's snapshots), a disability,
 * activities, a death, no household (in scope by the township that created the person), then
 * a household.  profile() compares it byte for byte with the JSON of the same values.
 */
static void test_profile_text(void **state)
{
    tdb *t = tdb_get(state);
    struct cast c;
    char id[19], head[19];
    json_t *out = NULL;
    mz_error err;

    make_cast(t, &c);
    mz_person_input in = pin(idn("32130219500101001", id), "王\"大\\伟\"");
    in.disability_set = 1;
    in.disability_kind = "mental";
    in.disability_grade = 3;
    in.self_care_set = 1;
    in.self_care_activities = (1u << 1) | (1u << 2) | (1u << 4);
    assert_int_equal(create_person(t, &c.tw, &in, NULL, &err), 0);
    int64_t pid = person_id_of(t, id);
    mz_person_input ch;
    mz_person_input_init(&ch);
    ch.name = "王\\二\"";
    ch.serious_illness = 1;
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_person_update(t->db, &c.tw, pid, &ch, &out, &err)), 0);
    json_decref(out);
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_person_record_death(t->db, &c.tw, pid, "2024-02-29", &err)), 0);

    /* No household: the creating township and its county see the person, another does not. */
    assert_int_equal(profile(t, &c.tw, pid, &out, &err), 0);
    json_t *p = json_object_get(out, "person");
    assert_string_equal(tdb_jstr(p, "name"), "王\\二\"");
    assert_string_equal(tdb_jstr(p, "deceased_on"), "2024-02-29");
    assert_int_equal(json_array_size(json_object_get(p, "self_care_unable_activities")), 3);
    assert_true(json_is_null(json_object_get(p, "household")));
    assert_int_equal(json_array_size(json_object_get(out, "households")), 0);
    assert_int_equal(json_array_size(json_object_get(out, "history")), 3);
    assert_null(json_object_get(out, "cases")); /* the API adds it */
    json_decref(out);
    assert_int_equal(profile(t, &c.county, pid, &out, &err), 0);
    json_decref(out);
    assert_int_equal(profile(t, &c.twb, pid, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(profile(t, &c.tw, pid + 1000, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");

    /* In a household of the other township: now only that township (and the county). */
    int64_t hid =
        make_household(t, &c.twb, GUOYUAN, idn("32130219600101002", head), "李\"一", "2020-01-01");
    assert_int_equal(add_member(t, &c.county, hid, pid, NULL, "parent", "2021-03-01", NULL, &err),
                     0);
    assert_int_equal(profile(t, &c.tw, pid, &out, &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(profile(t, &c.twb, pid, &out, &err), 0);
    json_t *hh = json_array_get(json_object_get(out, "households"), 0);
    assert_int_equal(jint(hh, "household_id"), hid);
    assert_string_equal(tdb_jstr(hh, "head_name"), "李\"一");
    assert_true(json_is_null(json_object_get(hh, "left_on")));
    assert_int_equal(jint(json_object_get(json_object_get(out, "person"), "household"), "id"), hid);
    json_decref(out);

    /* The households in the order of joined_on, then of membership, whatever the order the
     * memberships were recorded in: a second membership, moved before the first by hand. */
    assert_int_equal(leave(t, &c.county, hid, pid, "2022-01-01", &err), 0);
    int64_t h2 =
        make_household(t, &c.tw, FENGHUANG, idn("32130219600101003", head), "周一", "2020-01-01");
    assert_int_equal(add_member(t, &c.county, h2, pid, NULL, "other", "2022-01-01", NULL, &err), 0);
    char sql[160];
    snprintf(sql, sizeof sql,
             "UPDATE household_members SET joined_on = '2020-06-01' WHERE household_id = %lld "
             "AND person_id = %lld",
             (long long)h2, (long long)pid);
    tdb_exec(t->db, sql);
    assert_int_equal(profile(t, &c.county, pid, &out, &err), 0);
    json_t *list = json_object_get(out, "households");
    assert_int_equal(json_array_size(list), 2);
    assert_int_equal(jint(json_array_get(list, 0), "household_id"), h2);
    assert_string_equal(tdb_jstr(json_array_get(list, 0), "joined_on"), "2020-06-01");
    assert_int_equal(jint(json_array_get(list, 1), "household_id"), hid);
    assert_int_equal(jint(json_object_get(json_object_get(out, "person"), "household"), "id"), h2);
    json_decref(out);
}

/* ---- economic items and the snapshot -------------------------------------------- */

static void test_items_by_date(void **state)
{
    tdb *t = tdb_get(state);
    struct cast c;
    char head[19], son[19];
    json_t *out = NULL;
    mz_error err;

    make_cast(t, &c);
    int64_t hid =
        make_household(t, &c.tw, FENGHUANG, idn("32130219700101001", head), "蒋一", "2020-01-01");
    mz_person_input p = pin(idn("32130219990101011", son), "蒋二");
    assert_int_equal(add_member(t, &c.tw, hid, 0, &p, "child", "2020-01-01", NULL, &err), 0);
    int64_t sid = person_id_of(t, son);

    /* A wage changes on 2021-07-01: the old item ends, a new one starts. */
    mz_item_input w = {
        .person_id = sid, .type = "wage", .amount_fen = 300000, .valid_from = "2021-01-01"};
    int64_t w1 = item_add(t, &c.tw, hid, "incomes", &w, &err);
    assert_true(w1 > 0);
    assert_int_equal(item_end(t, &c.tw, hid, "incomes", w1, "2021-07-01", &err), 0);
    w.amount_fen = 350000;
    w.valid_from = "2021-07-01";
    assert_true(item_add(t, &c.tw, hid, "incomes", &w, &err) > 0);
    mz_item_input pension = {.type = "basic_pension",
                             .amount_fen = 15000,
                             .valid_from = "2020-01-01",
                             .note = "城乡居民基础养老金"};
    assert_true(item_add(t, &c.tw, hid, "incomes", &pension, &err) > 0);
    mz_item_input cost = {.person_id = sid, .amount_fen = 20000, .valid_from = "2021-01-01"};
    assert_true(item_add(t, &c.tw, hid, "employment-costs", &cost, &err) > 0);
    cost.person_id = 0;
    cost.amount_fen = 5000;
    assert_true(item_add(t, &c.tw, hid, "employment-costs", &cost, &err) > 0);
    mz_item_input car = {.type = "vehicle",
                         .amount_fen = 3000000,
                         .exempt = 1,
                         .valid_from = "2020-06-01",
                         .note = "残疾人代步车"};
    assert_true(item_add(t, &c.tw, hid, "assets", &car, &err) > 0);
    mz_item_input deposit = {.type = "deposit",
                             .amount_fen = 1000000,
                             .valid_from = "2020-01-01",
                             .valid_to = "2021-01-01"};
    assert_true(item_add(t, &c.tw, hid, "assets", &deposit, &err) > 0);
    mz_item_input med = {
        .person_id = sid, .type = "medical", .amount_fen = 1200000, .valid_from = "2021-01-01"};
    assert_true(item_add(t, &c.tw, hid, "expenditures", &med, &err) > 0);
    mz_item_input edu = {.type = "education", .amount_fen = 600000, .valid_from = "2021-01-01"};
    int64_t e1 = item_add(t, &c.tw, hid, "expenditures", &edu, &err);
    assert_true(e1 > 0);

    /* June: the old wage; July: the new one. */
    json_t *s = snapshot(t, &c.ta, hid, "2021-06-15");
    json_t *hh = json_object_get(s, "household");
    json_t *inc = json_object_get(hh, "incomes");
    assert_int_equal(json_array_size(inc), 2);
    assert_string_equal(tdb_jstr(json_array_get(inc, 0), "id_number"), son);
    assert_string_equal(tdb_jstr(json_array_get(inc, 0), "type"), "wage");
    assert_int_equal(jint(json_array_get(inc, 0), "monthly_fen"), 300000);
    assert_true(json_is_null(json_object_get(json_array_get(inc, 1), "id_number")));
    assert_int_equal(jint(json_array_get(inc, 1), "monthly_fen"), 15000);
    assert_int_equal(jint(hh, "employment_cost_monthly_fen"), 25000);
    assert_int_equal(jint(hh, "rigid_expenditure_annual_fen"), 1800000);
    json_t *assets = json_object_get(hh, "assets");
    assert_int_equal(json_array_size(assets), 1); /* the deposit ended on 2021-01-01 */
    assert_string_equal(tdb_jstr(json_array_get(assets, 0), "type"), "vehicle");
    assert_int_equal(jint(json_array_get(assets, 0), "value_fen"), 3000000);
    assert_true(json_is_true(json_object_get(json_array_get(assets, 0), "exempt")));
    json_decref(s);
    s = snapshot(t, &c.ta, hid, "2021-07-01");
    inc = json_object_get(json_object_get(s, "household"), "incomes");
    assert_int_equal(json_array_size(inc), 2);
    assert_int_equal(jint(json_array_get(inc, 0), "monthly_fen"), 350000);
    assert_int_equal(jint(json_array_get(inc, 1), "monthly_fen"), 15000);
    json_decref(s);
    s = snapshot(t, &c.ta, hid, "2020-12-31");
    hh = json_object_get(s, "household");
    assert_int_equal(json_array_size(json_object_get(hh, "incomes")), 1);
    assert_int_equal(jint(hh, "employment_cost_monthly_fen"), 0);
    assert_int_equal(jint(hh, "rigid_expenditure_annual_fen"), 0);
    assert_int_equal(json_array_size(json_object_get(hh, "assets")), 2);
    json_decref(s);

    /* The son leaves: his wage, cost and medical spending no longer count. */
    assert_int_equal(leave(t, &c.tw, hid, sid, "2022-01-01", &err), 0);
    s = snapshot(t, &c.ta, hid, "2022-01-01");
    hh = json_object_get(s, "household");
    assert_int_equal(json_array_size(json_object_get(hh, "members")), 1);
    assert_int_equal(json_array_size(json_object_get(hh, "incomes")), 1);
    assert_int_equal(jint(hh, "employment_cost_monthly_fen"), 5000);
    assert_int_equal(jint(hh, "rigid_expenditure_annual_fen"), 600000);
    json_decref(s);

    /* Ending: once, after the start; unknown items are not found. */
    assert_int_equal(item_end(t, &c.tw, hid, "incomes", w1, "2021-08-01", &err), -1);
    tdb_assert_err(err, 409, "conflict", "");
    assert_int_equal(item_end(t, &c.tw, hid, "expenditures", e1, "2021-01-01", &err), -1);
    tdb_assert_err(err, 400, "invalid_value", "on");
    assert_int_equal(item_end(t, &c.tw, hid, "expenditures", w1 + 1000, "2022-01-01", &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(item_end(t, &c.tw, hid, "assets", 999999, "2022-01-01", &err), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(item_end(t, &c.tw, hid, "salaries", e1, "2022-01-01", &err), -1);
    tdb_assert_err(err, 404, "not_found", "");

    /* Refusals add nothing. */
    int64_t i0 = count(t, "SELECT COUNT(*) FROM income_items");
    int64_t a0 = count(t, "SELECT COUNT(*) FROM audit_log");
    static const struct {
        int64_t person, amount;
        const char *type, *from, *to, *code, *field;
    } bad[] = {
        {0, -1, "wage", "2021-01-01", NULL, "invalid_value", "monthly_fen"},
        {0, MZ_REGISTRY_MAX_FEN + 1, "wage", "2021-01-01", NULL, "invalid_value", "monthly_fen"},
        {0, 1, "salary", "2021-01-01", NULL, "invalid_value", "type"},
        {0, 1, NULL, "2021-01-01", NULL, "missing_field", "type"},
        {0, 1, "wage", "2021-02-30", NULL, "invalid_value", "valid_from"},
        {0, 1, "wage", NULL, NULL, "missing_field", "valid_from"},
        {0, 1, "wage", "2021-01-01", "2021-01-01", "invalid_value", "valid_to"},
        {999999, 1, "wage", "2021-01-01", NULL, "invalid_value", "person_id"},
        {-2, 1, "wage", "2023-01-01", NULL, "invalid_value", "person_id"}, /* after leaving */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        mz_item_input in = {.person_id = bad[i].person == -2 ? sid : bad[i].person,
                            .type = bad[i].type,
                            .amount_fen = bad[i].amount,
                            .valid_from = bad[i].from,
                            .valid_to = bad[i].to};
        if (item_add(t, &c.tw, hid, "incomes", &in, &err) != -1)
            fail_msg("bad item %zu accepted", i);
        if (err.status != 400 || strcmp(err.code, bad[i].code) != 0 ||
            strcmp(err.field, bad[i].field) != 0)
            fail_msg("bad item %zu: %s %s %s", i, err.code, err.field, err.message);
    }
    mz_item_input house = {
        .person_id = sid, .type = "housing", .amount_fen = 1, .valid_from = "2021-01-01"};
    assert_int_equal(item_add(t, &c.tw, hid, "assets", &house, &err), -1);
    tdb_assert_err(err, 400, "unknown_field", "person_id");
    assert_int_equal(count(t, "SELECT COUNT(*) FROM income_items"), i0);
    assert_int_equal(count(t, "SELECT COUNT(*) FROM audit_log"), a0);

    /* Every add and end is in the household's history. */
    assert_int_equal(mz_household_profile(t->db, &c.tw, hid, &out, &err), 0);
    json_t *items = json_object_get(out, "items");
    assert_int_equal(json_array_size(json_object_get(items, "incomes")), 3);
    assert_int_equal(json_array_size(json_object_get(items, "employment_costs")), 2);
    assert_int_equal(json_array_size(json_object_get(items, "assets")), 2);
    assert_int_equal(json_array_size(json_object_get(items, "expenditures")), 2);
    json_t *first = json_array_get(json_object_get(items, "incomes"), 0);
    assert_string_equal(tdb_jstr(first, "source"), "declared");
    json_t *history = json_object_get(out, "history");
    size_t adds = 0, ends = 0, i;
    json_t *e;
    json_array_foreach(history, i, e)
    {
        adds += strcmp(tdb_jstr(e, "action"), "household.item_add") == 0;
        ends += strcmp(tdb_jstr(e, "action"), "household.item_end") == 0;
    }
    assert_int_equal(adds, 9);
    assert_int_equal(ends, 1);
    assert_string_equal(tdb_jstr(json_array_get(history, json_array_size(history) - 1), "action"),
                        "household.create");
    json_decref(out);
}

static void test_snapshot_shape_and_audit(void **state)
{
    tdb *t = tdb_get(state);
    struct cast c;
    char head[19], wife[19];
    json_t *out = NULL;
    mz_error err;

    make_cast(t, &c);
    int64_t hid =
        make_household(t, &c.county, HONGWEI, idn("32130219500101001", head), "沈一", "2020-01-01");
    mz_person_input p = pin(idn("32130219520101002", wife), "韩二");
    p.disability_set = 1;
    p.disability_kind = "intellectual";
    p.disability_grade = 3;
    p.labour_capacity = "none";
    p.self_care_unable = 4;
    p.in_school = 0;
    p.supporter_able = 0;
    assert_int_equal(add_member(t, &c.county, hid, 0, &p, "spouse", "2020-01-01", NULL, &err), 0);

    int64_t a0 = count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.view_id'");
    tdb_begin(t);
    assert_int_equal(
        tx_end(t, mz_household_snapshot(t->db, &c.ca, hid, "2024-06-01", 1, &out, &err)), 0);
    assert_int_equal(json_object_size(out), 2);
    assert_string_equal(tdb_jstr(out, "region"), HONGWEI);
    json_t *hh = json_object_get(out, "household");
    assert_int_equal(json_object_size(hh), 5);
    static const char *const hkeys[] = {"members", "incomes", "employment_cost_monthly_fen",
                                        "assets", "rigid_expenditure_annual_fen"};
    for (size_t i = 0; i < 5; i++)
        assert_non_null(json_object_get(hh, hkeys[i]));
    json_t *members = json_object_get(hh, "members");
    assert_int_equal(json_array_size(members), 2);
    static const char *const mkeys[] = {
        "id_number",       "name",       "relation", "disability", "serious_illness",
        "labour_capacity", "detained",   "missing",  "in_school",  "self_care_unable",
        "supporter_able",  "deceased_on"};
    json_t *m0 = json_array_get(members, 0), *m1 = json_array_get(members, 1);
    assert_int_equal(json_object_size(m1), 12);
    for (size_t i = 0; i < 12; i++)
        if (json_object_get(m1, mkeys[i]) == NULL)
            fail_msg("member key %s", mkeys[i]);
    assert_string_equal(tdb_jstr(m0, "id_number"), head); /* full numbers, head first */
    assert_string_equal(tdb_jstr(m0, "relation"), "self");
    assert_true(json_is_null(json_object_get(m0, "disability")));
    assert_string_equal(tdb_jstr(m1, "id_number"), wife);
    assert_string_equal(tdb_jstr(json_object_get(m1, "disability"), "kind"), "intellectual");
    assert_int_equal(jint(json_object_get(m1, "disability"), "grade"), 3);
    assert_string_equal(tdb_jstr(m1, "labour_capacity"), "none");
    assert_int_equal(jint(m1, "self_care_unable"), 4);
    assert_true(json_is_false(json_object_get(m1, "serious_illness")));
    assert_true(json_is_null(json_object_get(m1, "deceased_on")));
    assert_int_equal(jint(hh, "employment_cost_monthly_fen"), 0);
    json_decref(out);
    /* One view entry per member, each naming the household and the day. */
    assert_int_equal(count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.view_id'"),
                     a0 + 2);
    assert_int_equal(count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.view_id' "
                              "AND actor_name = 'ca.sucheng' AND object_type = 'person' AND "
                              "region_code = '" HONGWEI "' AND after_json LIKE "
                              "'%household_snapshot%' AND after_json LIKE '%2024-06-01%'"),
                     2);
    /* A bad date is a bad parameter; nothing is audited. */
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_household_snapshot(t->db, &c.ca, hid, "2024-6-1", 1, &out, &err)),
                     -1);
    tdb_assert_err(err, 400, "invalid_parameter", "date");
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_household_snapshot(t->db, &c.ca, hid, NULL, 1, &out, &err)), -1);
    tdb_assert_err(err, 400, "invalid_parameter", "date");
    assert_int_equal(count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.view_id'"),
                     a0 + 2);
    /* Before the household existed: no members, nothing. */
    json_t *s = snapshot(t, &c.ca, hid, "2019-12-31");
    assert_int_equal(json_array_size(snap_members(s)), 0);
    json_decref(s);
}

/* ---- masking, the audited view, lists -------------------------------------------- */

static void test_masking_and_id_view(void **state)
{
    tdb *t = tdb_get(state);
    struct cast c;
    char head[19], number[19], masked[19];
    json_t *out = NULL;
    mz_error err;

    make_cast(t, &c);
    idn("32130219800101001", head);
    mz_idnum_mask(head, masked);
    assert_int_equal(strlen(masked), 18);
    assert_int_equal(strncmp(masked, "321302********001", 17), 0);
    int64_t hid = make_household(t, &c.tw, FENGHUANG, head, "杨一", "2020-01-01");
    int64_t pid = person_id_of(t, head);

    /* Lists, records and profiles: the masked number only. */
    mz_person_filter pf = {.page = 1, .page_size = 20};
    mz_household_filter hf = {.page = 1, .page_size = 20};
    json_t *answers[6] = {NULL};
    assert_int_equal(mz_person_list(t->db, &c.tw, &pf, &answers[0], &err), 0);
    assert_int_equal(mz_household_list(t->db, &c.tw, &hf, &answers[1], &err), 0);
    assert_int_equal(mz_person_get(t->db, &c.tw, pid, &answers[2], &err), 0);
    assert_int_equal(mz_household_get(t->db, &c.tw, hid, &answers[3], &err), 0);
    assert_int_equal(profile(t, &c.tw, pid, &answers[4], &err), 0);
    assert_int_equal(mz_household_profile(t->db, &c.tw, hid, &answers[5], &err), 0);
    for (int i = 0; i < 6; i++) {
        char *s = json_dumps(answers[i], 0);
        if (strstr(s, head) != NULL || strstr(s, masked) == NULL)
            fail_msg("answer %d: %s", i, s);
        mz_free(s);
        json_decref(answers[i]);
    }

    /* The full number: audited, and not for another township. */
    int64_t a0 = count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.view_id'");
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_person_id_number(t->db, &c.ta, pid, number, &err)), 0);
    assert_string_equal(number, head);
    assert_int_equal(count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.view_id' AND "
                              "actor_name = 'ta.xingfu' AND after_json LIKE '%id_number%'"),
                     a0 + 1);
    tdb_begin(t);
    assert_int_equal(tx_end(t, mz_person_id_number(t->db, &c.twb, pid, number, &err)), -1);
    tdb_assert_err(err, 404, "not_found", "");
    assert_int_equal(count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.view_id'"),
                     a0 + 1);
    /* No audit entry anywhere holds the full number. */
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM audit_log WHERE after_json LIKE '%%%s%%' OR before_json LIKE "
             "'%%%s%%'",
             head, head);
    assert_int_equal(count(t, sql), 0);
    /* The view is not part of the person's history of changes. */
    assert_int_equal(profile(t, &c.tw, pid, &out, &err), 0);
    json_t *e;
    size_t i;
    json_array_foreach(json_object_get(out, "history"), i, e)
    {
        assert_string_not_equal(tdb_jstr(e, "action"), "person.view_id");
    }
    json_decref(out);
}

static void test_lists(void **state)
{
    tdb *t = tdb_get(state);
    struct cast c;
    char id[19], kid[19];
    json_t *out = NULL;
    mz_error err;

    make_cast(t, &c);
    int64_t h1 =
        make_household(t, &c.tw, FENGHUANG, idn("32130219800101001", id), "朱大明", "2020-01-01");
    mz_person_input p = pin(idn("32130220050101011", kid), "朱小明");
    assert_int_equal(add_member(t, &c.tw, h1, 0, &p, "child", "2020-01-01", NULL, &err), 0);
    make_household(t, &c.tw, XINSHENG, idn("32130219810101021", id), "秦大明", "2020-01-01");
    make_household(t, &c.twb, GUOYUAN, idn("32130219820101031", id), "尤大明", "2020-01-01");
    mz_person_input lone = pin(idn("32130219900101041", id), "许一_%");
    assert_int_equal(create_person(t, &c.tw, &lone, NULL, &err), 0);

    mz_household_filter hf = {.page = 1, .page_size = 20};
    assert_int_equal(mz_household_list(t->db, &c.tw, &hf, &out, &err), 0);
    assert_int_equal(jint(out, "total"), 2);
    json_t *first = json_array_get(json_object_get(out, "items"), 0);
    assert_int_equal(jint(first, "member_count"), 2);
    assert_string_equal(tdb_jstr(json_object_get(first, "head"), "name"), "朱大明");
    json_decref(out);
    assert_int_equal(mz_household_list(t->db, &c.county, &hf, &out, &err), 0);
    assert_int_equal(jint(out, "total"), 3);
    json_decref(out);
    /* The region filter narrows within the scope, never widens it. */
    hf.region_code = XINSHENG;
    assert_int_equal(mz_household_list(t->db, &c.tw, &hf, &out, &err), 0);
    assert_int_equal(jint(out, "total"), 1);
    json_decref(out);
    hf.region_code = GUOYUAN;
    assert_int_equal(mz_household_list(t->db, &c.tw, &hf, &out, &err), 0);
    assert_int_equal(jint(out, "total"), 0);
    json_decref(out);
    hf.region_code = "32130200";
    assert_int_equal(mz_household_list(t->db, &c.tw, &hf, &out, &err), -1);
    tdb_assert_err(err, 400, "invalid_parameter", "region");
    hf.region_code = NULL;
    /* q: the head's name, or any member's full ID number. */
    hf.q = "大明";
    assert_int_equal(mz_household_list(t->db, &c.county, &hf, &out, &err), 0);
    assert_int_equal(jint(out, "total"), 3);
    json_decref(out);
    hf.q = "小明"; /* not a head */
    assert_int_equal(mz_household_list(t->db, &c.county, &hf, &out, &err), 0);
    assert_int_equal(jint(out, "total"), 0);
    json_decref(out);
    hf.q = kid;
    assert_int_equal(mz_household_list(t->db, &c.tw, &hf, &out, &err), 0);
    assert_int_equal(jint(out, "total"), 1);
    assert_int_equal(jint(json_array_get(json_object_get(out, "items"), 0), "id"), h1);
    json_decref(out);
    hf.q = kid;
    assert_int_equal(mz_household_list(t->db, &c.twb, &hf, &out, &err), 0);
    assert_int_equal(jint(out, "total"), 0);
    json_decref(out);

    /* Persons: members of households in scope, and lone persons of the creator's subtree. */
    mz_person_filter pf = {.page = 1, .page_size = 2};
    assert_int_equal(mz_person_list(t->db, &c.tw, &pf, &out, &err), 0);
    assert_int_equal(jint(out, "total"), 4);
    assert_int_equal(json_array_size(json_object_get(out, "items")), 2);
    json_decref(out);
    pf.page = 2;
    assert_int_equal(mz_person_list(t->db, &c.tw, &pf, &out, &err), 0);
    assert_int_equal(json_array_size(json_object_get(out, "items")), 2);
    json_t *last = json_array_get(json_object_get(out, "items"), 1);
    assert_string_equal(tdb_jstr(last, "name"), "许一_%");
    assert_true(json_is_null(json_object_get(last, "household")));
    json_decref(out);
    pf.page = 1;
    pf.page_size = 20;
    assert_int_equal(mz_person_list(t->db, &c.twb, &pf, &out, &err), 0);
    assert_int_equal(jint(out, "total"), 1);
    json_decref(out);
    pf.q = "_%"; /* literal characters, not patterns */
    assert_int_equal(mz_person_list(t->db, &c.tw, &pf, &out, &err), 0);
    assert_int_equal(jint(out, "total"), 1);
    json_decref(out);
    pf.q = kid;
    assert_int_equal(mz_person_list(t->db, &c.tw, &pf, &out, &err), 0);
    assert_int_equal(jint(out, "total"), 1);
    json_t *k = json_array_get(json_object_get(out, "items"), 0);
    assert_string_equal(tdb_jstr(k, "name"), "朱小明");
    assert_string_equal(tdb_jstr(json_object_get(k, "household"), "relation"), "child");
    json_decref(out);
    pf.q = "' OR '1'='1";
    assert_int_equal(mz_person_list(t->db, &c.tw, &pf, &out, &err), 0);
    assert_int_equal(jint(out, "total"), 0);
    json_decref(out);
}

#define BOTH(fn)                                                                                   \
    {"sqlite/" #fn, fn, setup_sqlite, tdb_teardown, NULL},                                         \
    {                                                                                              \
        "pg/" #fn, fn, setup_pg, tdb_teardown, NULL                                                \
    }

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bank_account),
        BOTH(test_person_create),
        BOTH(test_person_refusals),
        BOTH(test_person_update_and_death),
        BOTH(test_household_create_and_scope),
        BOTH(test_household_update),
        BOTH(test_membership_dating),
        BOTH(test_one_household_at_a_time),
        BOTH(test_profile_text),
        BOTH(test_items_by_date),
        BOTH(test_snapshot_shape_and_audit),
        BOTH(test_masking_and_id_view),
        BOTH(test_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
