/*
 * Demo data of 社会救助 for `minzheng demo`: the demo township 幸福街道
 * (321302001000) gets 30 synthetic households in its first villages, with
 * dated incomes and assets, and 低保 / 特困 / 临时救助 cases standing in every
 * state of their workflows, and two 低保 reviews that left one enrollment in
 * 渐退 and one suspended (暂停).  Everything goes through the registry and case
 * engine functions as the demo staff of 幸福街道 and 宿城区 (xf_village,
 * xf_worker, xf_approver, sc_worker, sc_approver), so it is checked, scoped
 * and audited exactly like real work.
 *
 * The cases are worked on past days (the engine takes "today" as a day
 * number): applied about 10 to 100 days ago, the 公示 windows over before
 * the submission, the approvals a month ago or more.  The engine stamps its
 * events with the wall clock, so each event, attachment and the case's
 * created / updated / closed times are then set to 09:00 onwards (Beijing
 * time) of the day the step was taken, for a history that reads like the
 * dates it claims; the audit log keeps the real times.
 *
 * Names, ID numbers (valid by their check character) and bank accounts are
 * invented by a fixed linear congruential generator, so two fresh demos
 * hold the same data.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/idnum.h"
#include "base/mem.h"
#include "cli/commands.h"
#include "core/auth.h"
#include "core/case.h"
#include "core/household.h"
#include "core/person.h"
#include "systems/assistance/case_types.h"

#define TOWNSHIP "321302001000" /* 幸福街道 */
#define HOUSEHOLDS 30
#define VILLAGES 5       /* villages of the township that get households */
#define FIRST_VILLAGE 10 /* households in the first village (the demo village worker's) */
#define MAX_MEMBERS 5

/* "%PDF-1.4 … %%EOF": a one-object PDF, the content of every demo attachment. */
static const char demo_pdf[] = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                               "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                               "trailer<</Root 1 0 R>>\n%%EOF\n";

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                       "徐", "孙", "朱", "马", "胡", "郭", "何", "高", "林", "罗",
                                       "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"};
static const char *const men[] = {"建国", "国强", "志军", "海涛", "永明", "德胜",
                                  "春生", "立新", "文斌", "宏伟", "长海", "守成"};
static const char *const women[] = {"秀英", "桂兰", "玉梅", "丽娟", "春华", "美玲",
                                    "淑珍", "红霞", "晓燕", "慧敏", "凤英", "翠萍"};
static const char *const children[] = {"子涵", "浩然", "欣怡", "梓轩", "雨桐", "一诺",
                                       "宇航", "思琪", "沐阳", "佳怡", "俊杰", "诗涵"};
static const char *const streets[] = {"幸福路", "发展大道", "洪泽湖路", "项王路",
                                      "黄河路", "人民大道", "青年路",   "西湖路"};

/* One person to register: relation, age in years on today, gender, traits. */
typedef struct demo_member {
    const char *relation;
    int age;
    int male;
    const char *disability; /* NULL: none */
    int disability_grade;
    const char *labour;
    int serious_illness, in_school, self_care_unable;
    const char *income_type; /* the person's monthly income, NULL: none */
    int64_t income_fen;
    char name[MZ_PERSON_NAME_MAX];
    char id_number[19];
    int64_t person_id;
} demo_member;

typedef struct demo_household {
    char village[13];
    int nmembers;
    demo_member m[MAX_MEMBERS];
    int64_t deposit_fen;
    int64_t vehicle_fen; /* 0: none */
    int64_t medical_annual_fen;
    int64_t id;
} demo_household;

typedef struct demo {
    mz_db *db;
    mz_error *err;
    int today;
    uint32_t seed;
    int idseq;
    mz_actor village, town, town_approver, county, county_approver;
    char villages[VILLAGES][13];
    demo_household hh[HOUSEHOLDS];
    char pdf64[256];
    int minute; /* of the current step's stamp, after 09:00 */
} demo;

/* ---- deterministic pseudo-random numbers ---------------------------------- */

static uint32_t rnd(demo *d, uint32_t n)
{
    d->seed = d->seed * 1103515245u + 12345u;
    return (d->seed >> 16) % n;
}

#define PICK(d, a) ((a)[rnd((d), sizeof(a) / sizeof((a)[0]))])

/* A valid ID number of a person born in 宿城区 age years (and some days) before today. */
static void make_id_number(demo *d, demo_member *m)
{
    char born[11], first17[18];
    mz_date_format(d->today - m->age * 365 - (m->age / 4) - 20 - (int)rnd(d, 320), born);
    unsigned seq = (unsigned)(100 + 2 * d->idseq++ + (m->male ? 1 : 0)) % 1000;
    memcpy(first17, "321302", 6);
    memcpy(first17 + 6, born, 4);
    memcpy(first17 + 10, born + 5, 2);
    memcpy(first17 + 12, born + 8, 2);
    first17[14] = (char)('0' + seq / 100);
    first17[15] = (char)('0' + seq / 10 % 10);
    first17[16] = (char)('0' + seq % 10);
    first17[17] = '\0';
    memcpy(m->id_number, first17, 17);
    m->id_number[17] = mz_idnum_check_char(first17);
    m->id_number[18] = '\0';
}

/* A 19-digit account number of the bank's card range with its Luhn check digit. */
static void make_bank_account(demo *d, char out[20])
{
    int sum = 0;
    snprintf(out, 20, "622848");
    for (int i = 6; i < 18; i++)
        out[i] = (char)('0' + rnd(d, 10));
    for (int i = 17, dbl = 1; i >= 0; i--, dbl = !dbl) {
        int v = out[i] - '0';
        if (dbl && (v *= 2) > 9)
            v -= 9;
        sum += v;
    }
    out[18] = (char)('0' + (10 - sum % 10) % 10);
    out[19] = '\0';
}

static demo_member *add_member(demo *d, demo_household *h, const char *relation, int age, int male,
                               const char *surname)
{
    demo_member *m = &h->m[h->nmembers++];
    memset(m, 0, sizeof *m);
    m->relation = relation;
    m->age = age;
    m->male = male;
    m->labour = age >= 60 || age < 16 ? "none" : "full";
    m->in_school = age >= 6 && age < 18;
    const char *given = age < 18 ? PICK(d, children) : male ? PICK(d, men) : PICK(d, women);
    snprintf(m->name, sizeof m->name, "%s%s", surname ? surname : PICK(d, surnames), given);
    make_id_number(d, m);
    return m;
}

static void set_income(demo_member *m, const char *type, int64_t fen)
{
    m->income_type = type;
    m->income_fen = fen;
}

/*
 * The household of index i: six shapes in turn — an elderly person alone, a
 * family with a disabled parent, a single mother, an elderly couple, three
 * generations with a seriously ill earner, an adult with a severe disability
 * alone — with amounts drawn around the 低保 standard.  The last households
 * of each shape earn or own too much for 低保 (for the refusals).
 */
static void plan_household(demo *d, int i)
{
    demo_household *h = &d->hh[i];
    const char *sn = PICK(d, surnames);
    int well_off = i >= 24;
    demo_member *m;
    memset(h, 0, sizeof *h);
    snprintf(h->village, sizeof h->village, "%s",
             d->villages[i < FIRST_VILLAGE ? 0 : 1 + (i - FIRST_VILLAGE) % (VILLAGES - 1)]);
    h->deposit_fen = 100000 + 50000 * (int64_t)rnd(d, 40);
    switch (i % 6) {
    case 0:
        m = add_member(d, h, "self", 72 + (int)rnd(d, 16), (int)rnd(d, 2), sn);
        m->self_care_unable = (int)rnd(d, 5);
        set_income(m, "basic_pension", 15000 + 1000 * (int64_t)rnd(d, 8));
        break;
    case 1:
        m = add_member(d, h, "self", 36 + (int)rnd(d, 14), 1, sn);
        m->disability = "physical";
        m->disability_grade = 2 + (int)rnd(d, 2);
        m->labour = "partial";
        set_income(m, "wage", 30000 + 5000 * (int64_t)rnd(d, 6));
        m = add_member(d, h, "spouse", h->m[0].age - 2 + (int)rnd(d, 4), 0, NULL);
        set_income(m, "wage", 100000 + 10000 * (int64_t)rnd(d, 6));
        add_member(d, h, "child", 4 + (int)rnd(d, 12), (int)rnd(d, 2), sn);
        if (rnd(d, 2))
            add_member(d, h, "child", 1 + (int)rnd(d, 10), (int)rnd(d, 2), sn);
        break;
    case 2:
        m = add_member(d, h, "self", 29 + (int)rnd(d, 15), 0, NULL);
        set_income(m, "wage", 90000 + 10000 * (int64_t)rnd(d, 4));
        add_member(d, h, "child", 3 + (int)rnd(d, 13), (int)rnd(d, 2), PICK(d, surnames));
        break;
    case 3:
        m = add_member(d, h, "self", 68 + (int)rnd(d, 12), 1, sn);
        set_income(m, "basic_pension", 18000 + 1000 * (int64_t)rnd(d, 8));
        m = add_member(d, h, "spouse", h->m[0].age - 3 + (int)rnd(d, 4), 0, NULL);
        m->serious_illness = (int)rnd(d, 2);
        set_income(m, "basic_pension", 18000 + 1000 * (int64_t)rnd(d, 6));
        h->medical_annual_fen = m->serious_illness ? 1200000 : 0;
        break;
    case 4:
        m = add_member(d, h, "self", 40 + (int)rnd(d, 14), 1, sn);
        m->serious_illness = 1;
        m->labour = "partial";
        set_income(m, "wage", 60000 + 10000 * (int64_t)rnd(d, 4));
        m = add_member(d, h, "spouse", h->m[0].age - 2 + (int)rnd(d, 5), 0, NULL);
        set_income(m, "wage", 110000 + 10000 * (int64_t)rnd(d, 5));
        add_member(d, h, "child", 7 + (int)rnd(d, 10), (int)rnd(d, 2), sn);
        m = add_member(d, h, "parent", 74 + (int)rnd(d, 12), (int)rnd(d, 2), sn);
        set_income(m, "basic_pension", 16000);
        h->medical_annual_fen = 2000000 + 100000 * (int64_t)rnd(d, 20);
        break;
    default:
        m = add_member(d, h, "self", 30 + (int)rnd(d, 25), (int)rnd(d, 2), sn);
        m->disability = rnd(d, 2) ? "physical" : "intellectual";
        m->disability_grade = 1;
        m->labour = "none";
        m->self_care_unable = 2 + (int)rnd(d, 4);
        set_income(m, "transfer", 8000 + 1000 * (int64_t)rnd(d, 5));
        break;
    }
    if (well_off) {
        set_income(&h->m[0], "business", 450000 + 10000 * (int64_t)rnd(d, 20));
        h->vehicle_fen = 9000000 + 500000 * (int64_t)rnd(d, 10);
    }
}

/* ---- registry ------------------------------------------------------------- */

static void person_input(const demo_member *m, const char *prefix, mz_person_input *p)
{
    mz_person_input_init(p);
    p->field_prefix = prefix;
    p->id_number = m->id_number;
    p->name = m->name;
    p->labour_capacity = m->labour;
    p->serious_illness = m->serious_illness;
    p->in_school = m->in_school;
    p->self_care_unable = m->self_care_unable;
    p->supporter_able = 0;
    if (m->disability) {
        p->disability_set = 1;
        p->disability_kind = m->disability;
        p->disability_grade = m->disability_grade;
    }
}

static int add_item(demo *d, demo_household *h, const char *kind, int64_t person_id,
                    const char *type, int64_t fen, const char *note, const char *from)
{
    mz_item_input it = {
        .person_id = person_id, .type = type, .amount_fen = fen, .note = note, .valid_from = from};
    json_t *out = NULL;
    int rc = mz_household_item_add(d->db, &d->town, h->id, kind, &it, &out, d->err);
    json_decref(out);
    return rc;
}

static int register_household(demo *d, int i)
{
    demo_household *h = &d->hh[i];
    mz_member_input mi[MAX_MEMBERS];
    char joined[MAX_MEMBERS][11], prefix[MAX_MEMBERS][24], address[128], account[20], from[11];
    int y, mo, dd;
    json_t *out = NULL;

    /* The household formed in 2008, or at the birth of a member born later. */
    int formed;
    mz_date_from_ymd(2008, 3, 1, &formed);
    memset(mi, 0, sizeof mi);
    for (int k = 0; k < h->nmembers; k++) {
        struct mz_idnum id;
        int born;
        mz_idnum_check(h->m[k].id_number, &id);
        mz_date_from_ymd(id.birth_year, id.birth_month, id.birth_day, &born);
        mz_date_format(born > formed ? born : formed, joined[k]);
        snprintf(prefix[k], sizeof prefix[k], k == 0 ? "head." : "members[%d].", k - 1);
        person_input(&h->m[k], prefix[k], &mi[k].person);
        mi[k].field_prefix = prefix[k];
        mi[k].relation = h->m[k].relation;
        mi[k].joined_on = joined[k];
    }
    snprintf(address, sizeof address, "宿迁市宿城区幸福街道%s%d号", PICK(d, streets),
             1 + (int)rnd(d, 300));
    make_bank_account(d, account);
    mz_household_input in = {.region_code = h->village,
                             .address = address,
                             .bank_name = "江苏宿迁农村商业银行",
                             .bank_account = account,
                             .joined_on = joined[0],
                             .head = mi[0],
                             .members = mi + 1,
                             .nmembers = h->nmembers - 1};
    if (mz_household_create(d->db, &d->town, &in, &out, d->err) < 0)
        return -1;
    h->id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    for (int k = 0; k < h->nmembers; k++)
        if (mz_db_query_int64(d->db, &h->m[k].person_id,
                              "SELECT id FROM persons WHERE id_number = ?", "t",
                              h->m[k].id_number) != MZ_DB_ROW)
            return mz_error_internal(d->err, mz_db_errmsg(d->db));

    /* Items as declared at the start of last year. */
    mz_date_to_ymd(d->today, &y, &mo, &dd);
    mz_date_from_ymd(y - 1, 1, 1, &dd);
    mz_date_format(dd, from);
    for (int k = 0; k < h->nmembers; k++)
        if (h->m[k].income_type && add_item(d, h, "incomes", h->m[k].person_id, h->m[k].income_type,
                                            h->m[k].income_fen, "申报", from) < 0)
            return -1;
    if (add_item(d, h, "assets", 0, "deposit", h->deposit_fen, "银行存款", from) < 0)
        return -1;
    if (h->vehicle_fen &&
        add_item(d, h, "assets", 0, "vehicle", h->vehicle_fen, "小型轿车", from) < 0)
        return -1;
    if (h->medical_annual_fen && add_item(d, h, "expenditures", 0, "medical", h->medical_annual_fen,
                                          "住院及慢病门诊自付", from) < 0)
        return -1;
    return 0;
}

/* ---- cases ---------------------------------------------------------------- */

/* The first working day (Monday to Friday) on or after day, but never after today. */
static int workday(const demo *d, int day)
{
    while (mz_date_weekday(day) >= 5)
        day++;
    return day < d->today ? day : d->today;
}

/* The time of a step on day: 09:00 Beijing time onwards, 7 minutes apart. */
static void stamp_text(demo *d, int day, char out[21])
{
    char date[11];
    unsigned minute = 60 + (unsigned)d->minute % 600; /* 01:00 UTC = 09:00 CST, to 19:00 */
    d->minute += 7;
    mz_date_format(day, date);
    snprintf(out, 21, "%.10sT%02u:%02u:00Z", date, minute / 60 % 24, minute % 60);
}

/* Sets the times the last step of case id wrote (event, case) to its day's. */
static int stamp_step(demo *d, int64_t id, int day)
{
    char at[21];
    if (day >= d->today)
        return 0; /* today's steps keep the real time */
    stamp_text(d, day, at);
    if (mz_db_run(d->db, NULL,
                  "UPDATE case_events SET at = ? WHERE case_id = ? AND seq = "
                  "(SELECT MAX(seq) FROM case_events WHERE case_id = ?)",
                  "tii", at, id, id) < 0 ||
        mz_db_run(d->db, NULL,
                  "UPDATE cases SET updated_at = ?, closed_at = CASE WHEN closed_at IS NULL THEN "
                  "NULL ELSE ? END, created_at = CASE WHEN created_at > ? THEN ? ELSE created_at "
                  "END WHERE id = ?",
                  "tttti", at, at, at, at, id) < 0)
        return mz_error_internal(d->err, mz_db_errmsg(d->db));
    return 0;
}

static int attach(demo *d, const mz_actor *a, int64_t id, const char *kind, const char *filename,
                  int day)
{
    json_t *out = NULL;
    char at[21];
    if (mz_case_attachment_add(d->db, mz_assist_case_registry(), a, id, kind, filename, d->pdf64,
                               &out, d->err) < 0)
        return -1;
    int64_t aid = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    if (day >= d->today)
        return 0;
    stamp_text(d, day, at);
    if (mz_db_run(d->db, NULL, "UPDATE case_attachments SET at = ? WHERE id = ?", "ti", at, aid) <
        0)
        return mz_error_internal(d->err, mz_db_errmsg(d->db));
    return 0;
}

static int act(demo *d, const mz_actor *a, int64_t id, const char *action, const char *comment,
               const char *data_json, int day)
{
    json_t *data = NULL, *out = NULL;
    if (data_json && (data = json_loads(data_json, 0, NULL)) == NULL)
        return mz_error_internal(d->err, "demo: bad action data");
    int rc = mz_case_act(d->db, mz_assist_case_registry(), a, id, action, comment, data, day, &out,
                         d->err);
    json_decref(data);
    json_decref(out);
    if (rc < 0)
        return -1;
    return stamp_step(d, id, day);
}

/* Records the 送达 of the case's refusal notice (issued at the refusal) on day. */
static int serve_notice(demo *d, int64_t id, int day)
{
    json_t *list = NULL, *out = NULL;
    char on[11];
    if (mz_case_notices(d->db, mz_assist_case_registry(), &d->town, id, d->today, &list, d->err) <
        0)
        return -1;
    json_t *notice = json_array_get(json_object_get(list, "items"), 0);
    int64_t nid = json_integer_value(json_object_get(notice, "id"));
    json_decref(list);
    if (nid <= 0)
        return mz_error_internal(d->err, "demo: a refusal without its notice");
    mz_date_format(day, on);
    int rc = mz_case_notice_serve(d->db, mz_assist_case_registry(), &d->town, id, nid, on, "direct",
                                  NULL, "申请人本人签收", d->today, &out, d->err);
    json_decref(out);
    return rc;
}

static int create(demo *d, const mz_actor *a, int hh, const char *type, int authorised,
                  int relative, const char *data_json, const char *comment, int day, int64_t *id)
{
    demo_household *h = &d->hh[hh];
    json_t *data = data_json ? json_loads(data_json, 0, NULL) : NULL, *out = NULL;
    if (data_json && data == NULL)
        return mz_error_internal(d->err, "demo: bad case data");
    mz_case_input in = {.case_type = type,
                        .household_id = h->id,
                        .applicant_person_id = h->m[0].person_id,
                        .applicant_name = h->m[0].name,
                        .channel = a->level == MZ_CASE_VILLAGE ? "village" : "online",
                        .relative_of_staff = relative,
                        .authorisation_recorded = authorised,
                        .data = data,
                        .comment = comment};
    d->minute = 0;
    int rc = mz_case_create(d->db, mz_assist_case_registry(), a, &in, day, &out, d->err);
    json_decref(data);
    if (rc < 0)
        return -1;
    *id = json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    return stamp_step(d, *id, day);
}

/* Stages of 低保 and 特困 applications, in workflow order. */
enum stage {
    S_APPLIED,
    S_SUPPLEMENTING,
    S_WITHDRAWN,
    S_INVESTIGATING,
    S_VERIFYING,
    S_PUBLICITY,
    S_OBJECTION,
    S_DELIBERATION,
    S_COUNTY_REVIEW,
    S_APPROVED,
    S_REFUSAL_NOTICE,
    S_REFUSED,
};

/*
 * A 低保 (tekun = 0) or 特困 (tekun = 1) application of household hh begun on
 * day start and taken to stage.  Applications of the first village are
 * entered by its village worker on the applicant's behalf.
 */
static int application(demo *d, int tekun, int hh, enum stage stage, int start, int relative)
{
    const char *type = tekun ? "tekun" : "dibao";
    int by_village = strcmp(d->hh[hh].village, d->villages[0]) == 0;
    const mz_actor *creator = by_village ? &d->village : &d->town;
    int day = workday(d, start);
    int64_t id;
    char data[256];

    snprintf(data, sizeof data,
             tekun ? "{\"reason\":\"%s\",\"support_mode\":\"dispersed\"}" : "{\"reason\":\"%s\"}",
             tekun ? "无劳动能力、无生活来源、无法定赡养抚养扶养义务人" : "家庭收入低，生活困难");
    if (stage == S_SUPPLEMENTING) {
        /* Applied online without the signed authorisation: the township lists what is missing. */
        if (create(d, &d->town, hh, type, 0, relative, data, "网上申请", day, &id) < 0)
            return -1;
        day = workday(d, day + 1);
        return act(d, &d->town, id, "supplement", "材料不全，一次性告知",
                   "{\"missing\":[\"家庭经济状况核对授权书（全体成员签字）\",\"户口簿复印件\"]}",
                   day);
    }
    if (create(d, creator, hh, type, 1, relative, data, by_village ? "村居代办" : NULL, day, &id) <
            0 ||
        attach(d, creator, id, "application_form", "申请书.pdf", day) < 0 ||
        attach(d, creator, id, "authorisation", "核对授权书.pdf", day) < 0)
        return -1;
    if (stage == S_APPLIED)
        return 0;
    if (stage == S_WITHDRAWN)
        return act(d, &d->town, id, "withdraw", "申请人外出务工，本人申请撤回", NULL,
                   workday(d, day + 2));
    day = workday(d, day + 1);
    if (act(d, &d->town, id, "accept", "材料齐全，予以受理", NULL, day) < 0)
        return -1;
    if (stage == S_INVESTIGATING)
        return 0;
    day = workday(d, day + (tekun ? 6 : 3));
    if (attach(d, &d->town, id, "visit_record", "入户调查表.pdf", day) < 0)
        return -1;
    if (tekun) {
        if (act(d, &d->town, id, "investigate", "入户核实，符合特困供养条件",
                "{\"investigators\":[\"周立新\",\"孙慧敏\"],\"findings\":\"独居，无劳动能力，"
                "无法定义务人\"}",
                day) < 0)
            return -1;
    } else {
        if (act(d, &d->town, id, "investigate", "已入户调查",
                "{\"investigators\":[\"周立新\",\"孙慧敏\"],\"findings\":\"住房简陋，家庭成员"
                "收入情况与申报一致\"}",
                day) < 0)
            return -1;
        if (stage == S_VERIFYING)
            return 0;
        day = workday(d, day + 3);
        if (act(d, &d->county, id, "verify", "经济状况信息核对完成", NULL, day) < 0)
            return -1;
    }
    int opened = day;
    if (stage == S_PUBLICITY)
        return 0;
    if (stage == S_OBJECTION || stage == S_DELIBERATION) {
        json_t *out = NULL;
        day = opened + 1 < d->today ? opened + 1 : d->today;
        if (mz_case_objection_add(d->db, mz_assist_case_registry(), &d->town, id,
                                  "邻居反映其子女在外地务工，收入较高", day, &out, d->err) < 0)
            return -1;
        json_decref(out);
        if (stage == S_OBJECTION)
            return 0;
        return act(d, &d->town, id, "deliberate", "组织村民代表民主评议", NULL, day);
    }
    day = workday(d, opened + 8);
    if (act(d, &d->town, id, "submit", "公示期满无异议，报送审批", NULL, day) < 0)
        return -1;
    if (stage == S_COUNTY_REVIEW)
        return 0;
    day = workday(d, day + 6);
    if (stage == S_APPROVED)
        return act(d, &d->county_approver, id, "approve", "符合条件，予以批准", NULL, day);
    if (act(d, &d->county_approver, id, "refuse", "经核对不符合条件",
            tekun ? "{\"reasons\":[\"本人有经营性收入，不属于无生活来源\","
                    "\"拥有非生活必需机动车辆\"]}"
                  : "{\"reasons\":[\"家庭经营性收入人均高于当地低保标准\","
                    "\"家庭拥有非生活必需机动车辆\"]}",
            day) < 0)
        return -1;
    if (stage == S_REFUSAL_NOTICE)
        return 0;
    day = workday(d, day + 2);
    if (attach(d, &d->town, id, "refusal_notice", "不予批准通知书送达回证.pdf", day) < 0)
        return -1;
    if (act(d, &d->town, id, "notify", "已书面告知申请人理由", NULL, day) < 0)
        return -1;
    return serve_notice(d, id, day);
}

/* Stages of 临时救助 applications. */
enum temp_stage {
    T_APPLIED,
    T_PAID_FIRST,
    T_EMERGENCY_DONE,
    T_INVESTIGATING,
    T_TOWNSHIP_REVIEW,
    T_COUNTY_REVIEW,
    T_APPROVED,
    T_REFUSED,
};

/*
 * A 临时救助 application of household hh for amount_fen begun on day start:
 * 急难型 (emergency) helped first by the township approver, or 支出型
 * investigated and decided by the township (within its limit) or the county.
 */
static int temporary(demo *d, int hh, enum temp_stage stage, int64_t amount_fen, int start)
{
    int emergency = stage == T_APPLIED || stage == T_PAID_FIRST || stage == T_EMERGENCY_DONE;
    int day = workday(d, start);
    int64_t id;
    char data[256];

    snprintf(data, sizeof data, "{\"kind\":\"%s\",\"amount_fen\":%lld,\"reason\":\"%s\"}",
             emergency ? "emergency" : "expenditure", (long long)amount_fen,
             emergency ? "家中突发火灾，基本生活暂时困难" : "家庭成员患重病，医疗费用支出较大");
    if (create(d, &d->town, hh, "temporary", 1, 0, data, NULL, day, &id) < 0)
        return -1;
    if (stage == T_APPLIED)
        return 0;
    if (emergency) {
        snprintf(data, sizeof data, "{\"amount_fen\":%lld}", (long long)amount_fen);
        if (act(d, &d->town_approver, id, "pay_first", "急难情形，先行救助", data, day) < 0)
            return -1;
        if (stage == T_PAID_FIRST)
            return 0;
        day = workday(d, day + 5);
        if (attach(d, &d->town, id, "application_form", "临时救助申请书.pdf", day) < 0)
            return -1;
        return act(d, &d->town, id, "complete", "补齐申请材料，办结", NULL, day);
    }
    if (attach(d, &d->town, id, "application_form", "临时救助申请书.pdf", day) < 0)
        return -1;
    day = workday(d, day + 1);
    if (act(d, &d->town, id, "accept", "予以受理", NULL, day) < 0)
        return -1;
    if (stage == T_INVESTIGATING)
        return 0;
    day = workday(d, day + 3);
    snprintf(data, sizeof data,
             "{\"investigators\":[\"周立新\",\"孙慧敏\"],\"findings\":\"医疗费用票据已核实\","
             "\"amount_fen\":%lld}",
             (long long)amount_fen);
    if (act(d, &d->town, id, "investigate", "调查核实完毕", data, day) < 0)
        return -1;
    if (stage == T_TOWNSHIP_REVIEW || stage == T_COUNTY_REVIEW)
        return 0;
    const mz_actor *approver = amount_fen > 100000 ? &d->county_approver : &d->town_approver;
    day = workday(d, day + 2);
    if (stage == T_APPROVED)
        return act(d, approver, id, "approve", "予以临时救助", NULL, day);
    if (act(d, approver, id, "refuse", "不符合临时救助条件",
            "{\"reasons\":[\"医疗费用已由医疗保险和医疗救助报销，自付部分未超过家庭承受能力\"]}",
            day) < 0)
        return -1;
    day = workday(d, day + 2);
    if (attach(d, &d->town, id, "refusal_notice", "不予批准通知书送达回证.pdf", day) < 0)
        return -1;
    if (act(d, &d->town, id, "notify", "已书面告知申请人理由", NULL, day) < 0)
        return -1;
    return serve_notice(d, id, day);
}

/* ---- the whole load -------------------------------------------------------- */

static int load_actor(demo *d, const char *username, mz_actor *a)
{
    int64_t id = 0;
    if (mz_db_query_int64(d->db, &id, "SELECT id FROM users WHERE username = ?", "t", username) !=
            MZ_DB_ROW ||
        mz_actor_load(d->db, id, a) != 0)
        return mz_error_set(d->err, 500, "internal", NULL, "演示账户 %s 不存在", username);
    snprintf(a->request_id, sizeof a->request_id, "demo");
    return 0;
}

static int load_villages(demo *d)
{
    int n = 0;
    mz_stmt *st = mz_db_prepare_bind(d->db,
                                     "SELECT code FROM regions WHERE parent_code = ? AND level = 5 "
                                     "ORDER BY code",
                                     "t", TOWNSHIP);
    if (st == NULL)
        return mz_error_internal(d->err, mz_db_errmsg(d->db));
    int rc;
    while (n < VILLAGES && (rc = mz_stmt_step(st)) == MZ_DB_ROW)
        snprintf(d->villages[n++], sizeof d->villages[0], "%s", mz_stmt_text(st, 0));
    mz_stmt_finalize(st);
    if (n < VILLAGES)
        return mz_error_set(d->err, 500, "internal", NULL, "幸福街道的村居不足 %d 个", VILLAGES);
    return 0;
}

/* The cases: 低保 and 特困 (household, stage, days ago, relative), then 临时救助. */
static const struct {
    int tekun, hh;
    enum stage stage;
    int ago, relative;
} applications[] = {
    {0, 1, S_APPLIED, 2, 0},          {0, 14, S_APPLIED, 1, 0},
    {0, 8, S_SUPPLEMENTING, 6, 0},    {0, 20, S_WITHDRAWN, 25, 0},
    {0, 2, S_INVESTIGATING, 5, 1},    {0, 19, S_INVESTIGATING, 4, 0},
    {0, 4, S_VERIFYING, 10, 0},       {0, 10, S_PUBLICITY, 12, 0},
    {0, 7, S_OBJECTION, 14, 0},       {0, 16, S_DELIBERATION, 16, 0},
    {0, 13, S_COUNTY_REVIEW, 35, 0},  {0, 22, S_COUNTY_REVIEW, 38, 0},
    {0, 3, S_APPROVED, 75, 0},        {0, 9, S_APPROVED, 90, 0},
    {0, 15, S_APPROVED, 105, 0},      {0, 21, S_APPROVED, 120, 0},
    {0, 26, S_REFUSAL_NOTICE, 45, 0}, {0, 28, S_REFUSED, 70, 0},
    {1, 6, S_APPLIED, 3, 0},          {1, 12, S_INVESTIGATING, 8, 0},
    {1, 18, S_PUBLICITY, 12, 0},      {1, 11, S_COUNTY_REVIEW, 45, 0},
    {1, 0, S_APPROVED, 80, 0},        {1, 5, S_APPROVED, 110, 0},
    {1, 29, S_REFUSED, 95, 0},
};

static const struct {
    int hh;
    enum temp_stage stage;
    int64_t amount_fen;
    int ago;
} temporaries[] = {
    {17, T_APPLIED, 80000, 0},         {23, T_PAID_FIRST, 100000, 3},
    {25, T_EMERGENCY_DONE, 60000, 40}, {4, T_INVESTIGATING, 150000, 4},
    {10, T_TOWNSHIP_REVIEW, 90000, 9}, {16, T_COUNTY_REVIEW, 300000, 12},
    {3, T_APPROVED, 80000, 60},        {27, T_APPROVED, 500000, 50},
    {24, T_REFUSED, 200000, 55},
};

/*
 * The 低保 lifecycle on two of the enrolled households: household 15's head
 * took a job 40 days ago, so the review 30 days ago found the income above
 * the standard through employment and the county started the 渐退 (amount
 * kept for the policy's exit period); household 21 could not be reached for
 * its review 20 days ago, and the county suspended the payment (暂停).
 */
static int lifecycle(demo *d)
{
    demo_household *h = &d->hh[15];
    int64_t id;
    char from[11];
    mz_date_format(workday(d, d->today - 40), from);
    if (add_item(d, h, "incomes", h->m[0].person_id, "wage", 500000, "新就业（工资）", from) < 0)
        return -1;
    int day;
    day = workday(d, d->today - 30);
    if (create(d, &d->town, 15, "dibao_review", 1, 0, "{\"reason\":\"定期复核（B类）\"}", NULL, day,
               &id) < 0 ||
        act(d, &d->town, id, "recheck", "入户复核，户主已就业",
            "{\"findings\":\"户主在开发区企业就业，月工资5000元\"}", day) < 0 ||
        act(d, &d->county_approver, id, "taper", "收入因就业超过低保标准，按规定渐退", NULL,
            workday(d, day + 5)) < 0)
        return -1;
    day = workday(d, d->today - 20);
    if (create(d, &d->town, 21, "dibao_review", 1, 0, "{\"reason\":\"定期复核（B类）\"}", NULL, day,
               &id) < 0 ||
        act(d, &d->town, id, "propose_suspend", "多次入户未见，电话无法接通",
            "{\"reasons\":[\"失联\"]}", day) < 0)
        return -1;
    return act(d, &d->county_approver, id, "suspend", "暂停发放，待恢复联系后复核",
               "{\"reasons\":[\"失联\"]}", workday(d, day + 2));
}

static int load(demo *d)
{
    if (load_actor(d, "xf_village", &d->village) < 0 || load_actor(d, "xf_worker", &d->town) < 0 ||
        load_actor(d, "xf_approver", &d->town_approver) < 0 ||
        load_actor(d, "sc_worker", &d->county) < 0 ||
        load_actor(d, "sc_approver", &d->county_approver) < 0 || load_villages(d) < 0)
        return -1;
    for (int i = 0; i < HOUSEHOLDS; i++)
        plan_household(d, i);
    for (int i = 0; i < HOUSEHOLDS; i++)
        if (register_household(d, i) < 0)
            return -1;
    for (size_t i = 0; i < sizeof applications / sizeof applications[0]; i++)
        if (application(d, applications[i].tekun, applications[i].hh, applications[i].stage,
                        d->today - applications[i].ago, applications[i].relative) < 0)
            return -1;
    for (size_t i = 0; i < sizeof temporaries / sizeof temporaries[0]; i++)
        if (temporary(d, temporaries[i].hh, temporaries[i].stage, temporaries[i].amount_fen,
                      d->today - temporaries[i].ago) < 0)
            return -1;
    return lifecycle(d);
}

int mz_demo_assistance(mz_db *db, const mz_config *cfg, int today, mz_error *err)
{
    int64_t existing = 0, persons = 0, cases = 0;
    (void)cfg;
    if (mz_db_query_int64(db, &existing, "SELECT COUNT(*) FROM households WHERE region_code LIKE ?",
                          "t", "321302001%") != MZ_DB_ROW)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (existing > 0) {
        printf("幸福街道已有 %lld 户登记，不再载入社会救助演示数据\n", (long long)existing);
        return 1;
    }
    demo *d = mz_calloc(1, sizeof *d);
    d->db = db;
    d->err = err;
    d->today = today;
    d->seed = 20260101u;
    sodium_bin2base64(d->pdf64, sizeof d->pdf64, (const unsigned char *)demo_pdf,
                      sizeof demo_pdf - 1, sodium_base64_VARIANT_ORIGINAL);
    if (mz_db_begin(db) < 0) {
        mz_free(d);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    int rc = load(d);
    mz_free(d);
    if (rc == 0 &&
        (mz_db_query_int64(db, &persons,
                           "SELECT COUNT(DISTINCT m.person_id) FROM household_members m JOIN "
                           "households h ON h.id = m.household_id WHERE h.region_code LIKE ?",
                           "t", "321302001%") != MZ_DB_ROW ||
         mz_db_query_int64(db, &cases, "SELECT COUNT(*) FROM cases WHERE region_code LIKE ?", "t",
                           "321302001%") != MZ_DB_ROW))
        rc = mz_error_internal(err, mz_db_errmsg(db));
    if (rc < 0) {
        mz_db_rollback(db);
        return -1;
    }
    if (mz_db_commit(db) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    printf("已载入社会救助演示数据：幸福街道 %d 户 %lld 人，低保、特困、临时救助事项 %lld 件\n",
           HOUSEHOLDS, (long long)persons, (long long)cases);
    return 0;
}
