/*
 * 家庭经济状况核对: the matching rules (pure, mz_verify_match), the loading
 * of households and their newest department data for many households at
 * once, the versioned reports with their changes and PDF, and the batch
 * re-verification job.  See verification.h for the rules.
 *
 * Loading is set-based so that a city (half a million members against ten
 * million department rows) is a few thousand indexed queries, not millions:
 * a step takes up to a few hundred households, reads their members in one
 * query, their declared incomes in one, and their department rows in one
 * query per 400 ID numbers — an IN list on the leading column of
 * evidence_records_person read in that index's order, the newest as_of per
 * (id_number, source) kept in one pass over the rows: a plan both engines
 * choose without statistics, and no correlated subquery.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "systems/assistance/verification.h"

#include "base/date.h"
#include "base/idnum.h"
#include "base/json.h"
#include "base/money.h"
#include "base/pdf.h"
#include "core/audit.h"
#include "core/evidence.h"
#include "core/household.h"
#include "core/policy.h"
#include "core/region.h"
#include "systems/assistance/amount.h"
#include "systems/assistance/params.h"
#include "systems/assistance/rules.h"

#define IDS_PER_QUERY 400

static const char *const income_codes[MZ_VERIFY_NINCOME] = {
    "wage", "business", "property", "pension", "basic_pension", "unemployment", "other"};
static const char *const income_names[MZ_VERIFY_NINCOME] = {
    "工资性收入",         "经营净收入", "财产净收入", "养老金",
    "城乡居民基础养老金", "失业保险金", "其他收入"};

static const char *const disability_map[][2] = {
    {"视力", "visual"},       {"听力", "hearing"}, {"言语", "speech"},  {"肢体", "physical"},
    {"智力", "intellectual"}, {"精神", "mental"},  {"多重", "multiple"}};

static const char *disability_code(const char *zh)
{
    for (size_t i = 0; zh && i < sizeof disability_map / sizeof disability_map[0]; i++)
        if (strcmp(disability_map[i][0], zh) == 0)
            return disability_map[i][1];
    return NULL;
}

static const char *disability_zh(const char *code)
{
    for (size_t i = 0; code && i < sizeof disability_map / sizeof disability_map[0]; i++)
        if (strcmp(disability_map[i][1], code) == 0)
            return disability_map[i][0];
    return "无";
}

static const char *relation_zh(const char *r)
{
    static const char *const map[][2] = {{"self", "本人"},         {"spouse", "配偶"},
                                         {"child", "子女"},        {"parent", "父母"},
                                         {"grandchild", "孙子女"}, {"grandparent", "祖父母"},
                                         {"sibling", "兄弟姐妹"},  {"other", "其他"}};
    for (size_t i = 0; r && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], r) == 0)
            return map[i][1];
    return "";
}

static const char *yuan(int64_t fen, char out[32])
{
    mz_money_format(fen, out);
    return out;
}

/* Held on day: registered on or before it (or no date) and not cancelled by it. */
static int held_on(const mz_verify_record *r, const char *day)
{
    return (r->date_from == NULL || strcmp(r->date_from, day) <= 0) &&
           (r->date_to == NULL || strcmp(r->date_to, day) > 0);
}

/* Whether word is one of the comma list's items. */
static int list_has(const char *list, const char *word)
{
    size_t n = word ? strlen(word) : 0;
    for (const char *p = list; n && p && *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, word, n) == 0)
            return 1;
        p = e ? e + 1 : NULL;
    }
    return 0;
}

/* The newest month among the rows (NULL when none has one). */
static const char *newest_month(const mz_verify_record *const *rows, int n)
{
    const char *m = NULL;
    for (int i = 0; i < n; i++)
        if (rows[i]->month && (m == NULL || strcmp(rows[i]->month, m) > 0))
            m = rows[i]->month;
    return m;
}

static int tax_income_type(const char *kind)
{
    if (kind == NULL)
        return MZ_VERIFY_OTHER;
    if (strcmp(kind, "工资薪金") == 0 || strcmp(kind, "劳务报酬") == 0 ||
        strcmp(kind, "稿酬") == 0 || strcmp(kind, "特许权使用费") == 0)
        return MZ_VERIFY_WAGE;
    if (strcmp(kind, "经营所得") == 0)
        return MZ_VERIFY_BUSINESS;
    if (strcmp(kind, "财产租赁所得") == 0)
        return MZ_VERIFY_PROPERTY;
    return MZ_VERIFY_OTHER;
}

/* What matching accumulates for the household. */
struct acc {
    int64_t vehicles, housing, businesses, deposits_fen;
    int living;
    json_t *issues, *incomes, *batches;
};

static void add_batch(json_t *batches, int64_t id)
{
    size_t i;
    json_t *v;
    json_array_foreach(batches, i, v) if (json_integer_value(v) == id) return;
    json_array_append_new(batches, json_integer((json_int_t)id));
}

static void add_issue(struct acc *a, const char *code, int breaking, int64_t person_id,
                      const char *type, const char *text, int64_t value, int64_t limit,
                      const char *param)
{
    char key[96];
    snprintf(key, sizeof key, "%s:%lld:%s", code, (long long)person_id, type ? type : "");
    json_t *o =
        json_pack("{s:s,s:s,s:b,s:s,s:I,s:I}", "key", key, "code", code, "breaking", breaking,
                  "text", text, "value", (json_int_t)value, "limit", (json_int_t)limit);
    json_object_set_new(o, "person_id",
                        person_id > 0 ? json_integer((json_int_t)person_id) : json_null());
    json_object_set_new(o, "param", param ? json_string(param) : json_null());
    json_array_append_new(a->issues, o);
}

/*
 * One member's rows of one source → the finding's text, values and flags;
 * the household totals and the member's verified incomes go into a.
 */
static void match_source(const mz_ev_source *s, const mz_verify_member *m,
                         const mz_verify_record *const *rows, int n, const mz_verify_limits *lim,
                         const char *day, int disabled, struct acc *a, json_t *values,
                         json_t *flags, char *text, size_t tlen, int64_t verified[])
{
    char y1[32], y2[32];
    size_t len = 0;
    /* Without values (mz_verify_issues), only what the totals and the issues need. */
#define TX(...)                                                                                    \
    do {                                                                                           \
        if (values && len < tlen)                                                                  \
            len += (size_t)snprintf(text + len, tlen - len, __VA_ARGS__);                          \
    } while (0)
#define SETV(k, v)                                                                                 \
    do {                                                                                           \
        if (values)                                                                                \
            json_object_set_new(values, k, v);                                                     \
    } while (0)
#define FLAG(f)                                                                                    \
    do {                                                                                           \
        if (values)                                                                                \
            json_array_append_new(flags, json_string(f));                                          \
    } while (0)
    text[0] = '\0';
    if (strcmp(s->code, "death") == 0) {
        const char *d = rows[0]->date_from ? rows[0]->date_from : "";
        SETV("death_date", json_string(d));
        TX("死亡日期 %s（%s）", d, rows[0]->kind ? rows[0]->kind : "");
        FLAG("deceased");
    } else if (strcmp(s->code, "vehicle") == 0) {
        int64_t held = 0, exempt = 0, value = 0;
        for (int i = 0; i < n; i++) {
            if (!held_on(rows[i], day))
                continue;
            int ex = disabled && list_has(lim->vehicle_exempt_kinds, rows[i]->kind);
            held++;
            exempt += ex;
            value += rows[i]->amount_fen;
            TX("%s%s %s%s", len ? "；" : "", rows[i]->kind ? rows[i]->kind : "",
               rows[i]->ref ? rows[i]->ref : "", ex ? "（残疾人代步车，豁免）" : "");
        }
        if (held == 0)
            TX("登记车辆均已注销");
        SETV("held", json_integer((json_int_t)held));
        SETV("exempt", json_integer((json_int_t)exempt));
        SETV("value_fen", json_integer((json_int_t)value));
        a->vehicles += held - exempt;
        if (held - exempt > 0)
            FLAG("vehicle");
    } else if (strcmp(s->code, "property") == 0) {
        int64_t housing = 0, held = 0, area = 0;
        for (int i = 0; i < n; i++) {
            if (!held_on(rows[i], day))
                continue;
            held++;
            area += rows[i]->qty;
            int house = rows[i]->kind && strcmp(rows[i]->kind, "住宅") == 0;
            housing += house;
            TX("%s%s %lld.%02lld㎡%s%s", len ? "；" : "", rows[i]->kind ? rows[i]->kind : "",
               (long long)(rows[i]->qty / 100), (long long)(rows[i]->qty % 100),
               rows[i]->note ? " " : "", rows[i]->note ? rows[i]->note : "");
        }
        if (held == 0)
            TX("登记不动产均已注销");
        SETV("held", json_integer((json_int_t)held));
        SETV("housing_units", json_integer((json_int_t)housing));
        SETV("area_centi_m2", json_integer((json_int_t)area));
        a->housing += housing;
        if (housing > 0)
            FLAG("housing");
    } else if (strcmp(s->code, "business") == 0) {
        int64_t active = 0;
        for (int i = 0; i < n; i++) {
            if (!held_on(rows[i], day))
                continue;
            active++;
            TX("%s%s %s（存续）", len ? "；" : "", rows[i]->kind ? rows[i]->kind : "",
               rows[i]->note ? rows[i]->note : "");
        }
        if (active == 0)
            TX("登记市场主体均已注销");
        SETV("active", json_integer((json_int_t)active));
        a->businesses += active;
        if (active > 0)
            FLAG("business");
    } else if (strcmp(s->code, "deposit") == 0) {
        int64_t sum = 0;
        for (int i = 0; i < n; i++)
            sum += rows[i]->amount_fen;
        SETV("balance_fen", json_integer((json_int_t)sum));
        TX("存款 %d 笔，余额合计 %s元", n, yuan(sum, y1));
        a->deposits_fen += sum;
    } else if (strcmp(s->code, "pension") == 0 || strcmp(s->code, "unemployment") == 0 ||
               strcmp(s->code, "tax") == 0) {
        const char *month = newest_month(rows, n);
        int64_t by[MZ_VERIFY_NINCOME] = {0};
        for (int i = 0; i < n; i++) {
            if (month && (rows[i]->month == NULL || strcmp(rows[i]->month, month) != 0))
                continue;
            int t = strcmp(s->code, "unemployment") == 0 ? MZ_VERIFY_UNEMPLOYMENT
                    : strcmp(s->code, "tax") == 0        ? tax_income_type(rows[i]->kind)
                    : rows[i]->kind && strcmp(rows[i]->kind, "城乡居民") == 0
                        ? MZ_VERIFY_BASIC_PENSION
                        : MZ_VERIFY_PENSION;
            by[t] += rows[i]->amount_fen;
        }
        SETV("month", month ? json_string(month) : json_null());
        TX("%s月", month ? month : "");
        for (int t = 0; t < MZ_VERIFY_NINCOME; t++) {
            if (by[t] == 0)
                continue;
            char k[48];
            snprintf(k, sizeof k, "%s_fen", income_codes[t]);
            SETV(k, json_integer((json_int_t)by[t]));
            TX(" %s %s元", income_names[t], yuan(by[t], y1));
            verified[t] += by[t];
            FLAG("income");
        }
    } else if (strcmp(s->code, "disability") == 0) {
        const mz_verify_record *r = rows[0];
        for (int i = 1; i < n; i++)
            if (rows[i]->date_from &&
                (r->date_from == NULL || strcmp(rows[i]->date_from, r->date_from) > 0))
                r = rows[i];
        const char *code = disability_code(r->kind);
        SETV("kind", code ? json_string(code) : json_null());
        SETV("grade", json_integer((json_int_t)r->qty));
        SETV("registry_kind", m->disability_kind ? json_string(m->disability_kind) : json_null());
        SETV("registry_grade", json_integer(m->disability_grade));
        TX("%s %lld级（档案：%s%s%s）", r->kind ? r->kind : "", (long long)r->qty,
           disability_zh(m->disability_kind), m->disability_kind ? " " : "",
           m->disability_kind ? (m->disability_grade == 1   ? "1级"
                                 : m->disability_grade == 2 ? "2级"
                                 : m->disability_grade == 3 ? "3级"
                                                            : "4级")
                              : "");
        if (code == NULL || m->disability_kind == NULL || strcmp(code, m->disability_kind) != 0 ||
            r->qty != m->disability_grade) {
            char t[256];
            snprintf(t, sizeof t, "%s 残疾人证为%s %lld级，与档案（%s）不一致", m->name,
                     r->kind ? r->kind : "", (long long)r->qty, disability_zh(m->disability_kind));
            add_issue(a, "disability_differs", 0, m->person_id, NULL, t, r->qty,
                      m->disability_grade, NULL);
            FLAG("disability");
        }
    } else if (strcmp(s->code, "medical") == 0) {
        int64_t oop = 0, total = 0;
        for (int i = 0; i < n; i++) {
            oop += rows[i]->amount_fen;
            total += rows[i]->amount2_fen;
        }
        SETV("visits", json_integer(n));
        SETV("out_of_pocket_fen", json_integer((json_int_t)oop));
        SETV("total_cost_fen", json_integer((json_int_t)total));
        TX("就诊 %d 次，总费用 %s元，个人自付 %s元", n, yuan(total, y1), yuan(oop, y2));
    } else if (strcmp(s->code, "social_insurance") == 0 || strcmp(s->code, "housing_fund") == 0) {
        const char *month = newest_month(rows, n);
        int64_t amount = 0, amount2 = 0;
        const char *employer = NULL;
        for (int i = 0; i < n; i++) {
            if (month && (rows[i]->month == NULL || strcmp(rows[i]->month, month) != 0))
                continue;
            amount += rows[i]->amount_fen;
            amount2 += rows[i]->amount2_fen;
            if (rows[i]->note)
                employer = rows[i]->note;
        }
        int si = strcmp(s->code, "social_insurance") == 0;
        SETV("month", month ? json_string(month) : json_null());
        SETV(si ? "base_fen" : "monthly_deposit_fen", json_integer((json_int_t)amount));
        SETV(si ? "paid_fen" : "balance_fen", json_integer((json_int_t)amount2));
        TX("%s月 %s %s元%s%s", month ? month : "", si ? "缴费基数" : "月缴存额", yuan(amount, y1),
           employer ? "，单位 " : "", employer ? employer : "");
    } else { /* hukou */
        const mz_verify_record *r = rows[0];
        SETV("household_no", r->ref ? json_string(r->ref) : json_null());
        SETV("relation", r->kind ? json_string(r->kind) : json_null());
        SETV("moved_out_on", r->date_to ? json_string(r->date_to) : json_null());
        TX("户号 %s，%s%s%s", r->ref ? r->ref : "", r->kind ? r->kind : "",
           r->date_to ? "，迁出 " : "", r->date_to ? r->date_to : "");
    }
#undef TX
#undef SETV
#undef FLAG
}

/*
 * The matching of mz_verify_match; without render only the issues and their
 * count, skipping the findings' texts and values (a preview matches a city).
 */
static json_t *match(const mz_verify_member *members, int n, const mz_verify_limits *lim,
                     const char *day, int render)
{
    int nsources;
    const mz_ev_source *sources = mz_ev_sources(&nsources);
    struct acc a = {0, 0, 0, 0, 0, json_array(), json_array(), json_array()};
    json_t *mlist = json_array(), *findings = json_array();
    char masked[19], key[96], text[2048], y1[32], y2[32], msg[512];
    int max_rows = 1;
    for (int i = 0; i < n; i++)
        if (members[i].nrecords > max_rows)
            max_rows = members[i].nrecords;
    const mz_verify_record **rows = mz_calloc((size_t)max_rows, sizeof *rows);

    for (int i = 0; i < n; i++) {
        const mz_verify_member *m = &members[i];
        int64_t verified[MZ_VERIFY_NINCOME] = {0};
        int dead = m->deceased_on != NULL && strcmp(m->deceased_on, day) <= 0;
        int disabled = m->disability_kind != NULL;
        for (int r = 0; r < m->nrecords; r++)
            if (strcmp(m->records[r].source, "disability") == 0)
                disabled = 1;
        mz_idnum_mask(m->id_number, masked);
        if (render)
            json_array_append_new(mlist, json_pack("{s:I,s:s,s:s,s:s,s:s}", "person_id",
                                                   (json_int_t)m->person_id, "id_number", masked,
                                                   "name", m->name, "relation", m->relation,
                                                   "relation_name", relation_zh(m->relation)));
        json_t *batch_of[MZ_VERIFY_NINCOME] = {NULL};
        for (int s = 0; s < nsources; s++) {
            int k = 0;
            for (int r = 0; r < m->nrecords; r++)
                if (strcmp(m->records[r].source, sources[s].code) == 0)
                    rows[k++] = &m->records[r];
            /* Only what was found is kept: a city's batch stores a report per household. */
            if (k == 0)
                continue;
            json_t *f = NULL, *values = NULL, *flags = NULL, *bids = NULL;
            int64_t before[MZ_VERIFY_NINCOME];
            memcpy(before, verified, sizeof before);
            if (render) {
                snprintf(key, sizeof key, "%lld:%s", (long long)m->person_id, sources[s].code);
                f = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:b,s:i}", "key", key, "person_id",
                              (json_int_t)m->person_id, "id_number", masked, "name", m->name,
                              "source", sources[s].code, "source_name", sources[s].name, "found",
                              k > 0, "rows", k);
                values = json_object();
                flags = json_array();
                bids = json_array();
                for (int r = 0; r < k; r++) {
                    add_batch(bids, rows[r]->batch_id);
                    add_batch(a.batches, rows[r]->batch_id);
                }
                json_object_set_new(f, "as_of", json_string(rows[0]->as_of));
            }
            match_source(&sources[s], m, rows, k, lim, day, disabled, &a, values, flags, text,
                         sizeof text, verified);
            if (render) {
                json_object_set_new(f, "text", json_string(text));
                for (int t = 0; t < MZ_VERIFY_NINCOME; t++)
                    if (verified[t] != before[t]) {
                        if (batch_of[t] == NULL)
                            batch_of[t] = json_array();
                        json_array_extend(batch_of[t], bids);
                    }
            }
            if (strcmp(sources[s].code, "death") == 0) {
                dead = 1;
                if (m->deceased_on == NULL) {
                    snprintf(msg, sizeof msg, "%s 死亡（%s），档案未登记", m->name,
                             rows[0]->date_from ? rows[0]->date_from : "");
                    add_issue(&a, "deceased", 1, m->person_id, NULL, msg, 0, 0, NULL);
                }
            }
            if (render) {
                json_object_set_new(f, "values", values);
                json_object_set_new(f, "flags", flags);
                json_object_set_new(f, "batch_ids", bids);
                json_array_append_new(findings, f);
            }
        }
        a.living += !dead;
        for (int t = 0; t < MZ_VERIFY_NINCOME; t++) {
            if (verified[t] == 0 && m->declared[t] == 0) {
                json_decref(batch_of[t]);
                continue;
            }
            if (render)
                json_array_append_new(
                    a.incomes,
                    json_pack("{s:I,s:s,s:s,s:I,s:I,s:o}", "person_id", (json_int_t)m->person_id,
                              "type", income_codes[t], "type_name", income_names[t], "monthly_fen",
                              (json_int_t)verified[t], "declared_fen", (json_int_t)m->declared[t],
                              "batch_ids", batch_of[t] ? batch_of[t] : json_array()));
            if (t != MZ_VERIFY_BASIC_PENSION &&
                verified[t] - m->declared[t] > lim->income_tolerance_fen) {
                snprintf(msg, sizeof msg, "%s %s核对为 %s元/月，高于申报的 %s元/月", m->name,
                         income_names[t], yuan(verified[t], y1), yuan(m->declared[t], y2));
                add_issue(&a, "income_above_declared", 1, m->person_id, income_codes[t], msg,
                          verified[t], m->declared[t], "dibao.verify_income_tolerance");
            }
        }
    }
    mz_free(rows);

    if (a.vehicles > lim->vehicle_limit) {
        snprintf(msg, sizeof msg, "家庭非豁免机动车辆 %lld 辆，超过上限 %lld 辆",
                 (long long)a.vehicles, (long long)lim->vehicle_limit);
        add_issue(&a, "vehicle_over_limit", 1, 0, NULL, msg, a.vehicles, lim->vehicle_limit,
                  "dibao.vehicle_limit");
    }
    if (a.housing > lim->housing_limit) {
        snprintf(msg, sizeof msg, "家庭住房 %lld 套，超过上限 %lld 套", (long long)a.housing,
                 (long long)lim->housing_limit);
        add_issue(&a, "housing_over_limit", 1, 0, NULL, msg, a.housing, lim->housing_limit,
                  "dibao.housing_limit");
    }
    if (a.businesses > lim->business_limit) {
        snprintf(msg, sizeof msg, "家庭存续市场主体 %lld 个，超过上限 %lld 个",
                 (long long)a.businesses, (long long)lim->business_limit);
        add_issue(&a, "business_over_limit", 1, 0, NULL, msg, a.businesses, lim->business_limit,
                  "dibao.verify_business_limit");
    }
    int counted = a.living > 0 ? a.living : 1;
    int64_t dep_limit = lim->financial_months * lim->standard_fen * counted;
    if (a.deposits_fen > dep_limit) {
        snprintf(msg, sizeof msg, "家庭存款 %s元，超过 %lld 个月低保标准 × %d 人 = %s元",
                 yuan(a.deposits_fen, y1), (long long)lim->financial_months, counted,
                 yuan(dep_limit, y2));
        add_issue(&a, "deposits_over_limit", 1, 0, NULL, msg, a.deposits_fen, dep_limit,
                  "dibao.financial_assets_months");
    }

    int breaking = 0, notices = 0;
    size_t i;
    json_t *v;
    json_array_foreach(a.issues, i, v)
    {
        if (json_is_true(json_object_get(v, "breaking")))
            breaking++;
        else
            notices++;
    }
    if (!render) {
        json_decref(mlist);
        json_decref(findings);
        json_decref(a.incomes);
        json_decref(a.batches);
        return json_pack("{s:o,s:i}", "issues", a.issues, "breaking", breaking);
    }
    if (breaking)
        snprintf(msg, sizeof msg, "核对 %d 人 %d 类部门数据：%d 项超出政策规定%s", n, nsources,
                 breaking, notices ? "，另有提示" : "");
    else
        snprintf(msg, sizeof msg, "核对 %d 人 %d 类部门数据：未发现超出政策规定的情况%s", n,
                 nsources, notices ? "（有提示事项）" : "");
    json_t *limits = json_pack(
        "{s:I,s:I,s:I,s:I,s:I,s:I,s:s}", "standard_fen", (json_int_t)lim->standard_fen,
        "financial_assets_months", (json_int_t)lim->financial_months, "vehicle_limit",
        (json_int_t)lim->vehicle_limit, "housing_limit", (json_int_t)lim->housing_limit,
        "business_limit", (json_int_t)lim->business_limit, "income_tolerance_fen",
        (json_int_t)lim->income_tolerance_fen, "vehicle_exempt_kinds", lim->vehicle_exempt_kinds);
    return json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:i,s:s,s:o}", "verified_on", day, "members", mlist,
                     "findings", findings, "issues", a.issues, "verified_incomes", a.incomes,
                     "batch_ids", a.batches, "breaking", breaking, "summary", msg, "limits",
                     limits);
}

json_t *mz_verify_match(const mz_verify_member *members, int n, const mz_verify_limits *lim,
                        const char *day)
{
    return match(members, n, lim, day, 1);
}

json_t *mz_verify_issues(const mz_verify_member *members, int n, const mz_verify_limits *lim,
                         const char *day)
{
    return match(members, n, lim, day, 0);
}

/* ---- changes between two versions ---------------------------------------- */

static json_t *by_key(json_t *list, const char *key)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        const char *k = json_string_value(json_object_get(v, "key"));
        if (k && strcmp(k, key) == 0)
            return v;
    }
    return NULL;
}

static int found(json_t *f)
{
    return f && json_is_true(json_object_get(f, "found"));
}

json_t *mz_verify_changes(json_t *prev, int64_t prev_version, json_t *cur)
{
    json_t *added = json_array(), *removed = json_array(), *changed = json_array();
    json_t *iadded = json_array(), *iremoved = json_array();
    json_t *pf = json_object_get(prev, "findings"), *cf = json_object_get(cur, "findings");
    json_t *pi = json_object_get(prev, "issues"), *ci = json_object_get(cur, "issues");
    size_t i;
    json_t *v;
    json_array_foreach(cf, i, v)
    {
        const char *key = json_string_value(json_object_get(v, "key"));
        json_t *p = by_key(pf, key);
        if (found(v) && !found(p))
            json_array_append(added, v);
        else if (found(v) && found(p) &&
                 (!json_equal(json_object_get(v, "values"), json_object_get(p, "values")) ||
                  !json_equal(json_object_get(v, "text"), json_object_get(p, "text"))))
            json_array_append_new(changed,
                                  json_pack("{s:s,s:O,s:O}", "key", key, "before", p, "after", v));
    }
    json_array_foreach(pf, i, v)
    {
        if (found(v) && !found(by_key(cf, json_string_value(json_object_get(v, "key")))))
            json_array_append(removed, v);
    }
    json_array_foreach(ci, i, v)
    {
        if (by_key(pi, json_string_value(json_object_get(v, "key"))) == NULL)
            json_array_append(iadded, v);
    }
    json_array_foreach(pi, i, v)
    {
        if (by_key(ci, json_string_value(json_object_get(v, "key"))) == NULL)
            json_array_append(iremoved, v);
    }
    return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "previous_version",
                     prev ? json_integer((json_int_t)prev_version) : json_null(), "findings_added",
                     added, "findings_removed", removed, "findings_changed", changed,
                     "issues_added", iadded, "issues_removed", iremoved);
}

/* ---- loading households and their department data ------------------------ */

typedef struct vhh {
    int64_t id, enrollment_id;
    char region[13];
    char *payee;
    mz_verify_member *m;
    int n, cap;
} vhh;

/*
 * Households being matched with their members and department rows.  A job
 * keeps one for all its steps (loaded_reset between them): freeing a step's
 * megabytes only to take them again costs more than the matching.
 */
typedef struct loaded {
    mz_arena *arena;
    vhh *h;
    int nh, hcap;
    mz_verify_record *rec;
    int nrec, caprec;
} loaded;

static void loaded_init(loaded *l, int households)
{
    memset(l, 0, sizeof *l);
    l->arena = mz_arena_new();
    l->h = mz_calloc((size_t)households, sizeof *l->h);
    l->hcap = households;
}

/* Empty again, keeping the memory (the members' arrays too). */
static void loaded_reset(loaded *l)
{
    for (int i = 0; i < l->nh; i++)
        l->h[i].n = 0;
    l->nh = 0;
    l->nrec = 0;
    mz_arena_reset(l->arena);
}

static void loaded_cleanup(loaded *l)
{
    for (int i = 0; i < l->hcap; i++)
        mz_free(l->h[i].m);
    mz_free(l->h);
    mz_free(l->rec);
    mz_arena_free(l->arena);
}

static vhh *find_hh(loaded *l, int64_t id)
{
    for (int i = 0; i < l->nh; i++)
        if (l->h[i].id == id)
            return &l->h[i];
    return NULL;
}

static char *adup(mz_arena *a, const char *s)
{
    return s ? mz_arena_strdup(a, s) : NULL;
}

/* "(?,?,…)" of n placeholders. */
static void placeholders(mz_buf *b, int n)
{
    mz_buf_putc(b, '(');
    for (int i = 0; i < n; i++)
        mz_buf_puts(b, i ? ",?" : "?");
    mz_buf_putc(b, ')');
}

static int cmp_member_id(const void *a, const void *b)
{
    const mz_verify_member *const *x = a, *const *y = b;
    return strcmp((*x)->id_number, (*y)->id_number);
}

static int income_index(const char *type)
{
    for (int t = 0; t < MZ_VERIFY_NINCOME; t++)
        if (strcmp(income_codes[t], type) == 0)
            return t;
    return -1;
}

/* Members on day, their declared incomes and their newest department rows, for l->h. */
static int load_members(mz_db *db, loaded *l, const char *day, mz_error *err)
{
    mz_buf sql;
    mz_stmt *st = NULL;
    int rc = -1, nm = 0;
    mz_verify_member **all = NULL;
    if (l->nh == 0)
        return 0;
    mz_buf_init(&sql);
    mz_buf_puts(&sql, "SELECT hm.household_id, p.id, p.id_number, p.name, hm.relation, "
                      "p.disability_kind, COALESCE(p.disability_grade, 0), p.deceased_on FROM "
                      "household_members hm JOIN persons p ON p.id = hm.person_id WHERE "
                      "hm.household_id IN ");
    placeholders(&sql, l->nh);
    mz_buf_puts(&sql, " AND hm.joined_on <= ? AND (hm.left_on IS NULL OR hm.left_on > ?) ORDER BY "
                      "hm.household_id, hm.id");
    st = mz_db_prepare(db, sql.data);
    if (st == NULL)
        goto dberr;
    for (int i = 0; i < l->nh; i++)
        mz_stmt_bind_int64(st, i + 1, l->h[i].id);
    mz_stmt_bind_text(st, l->nh + 1, day);
    mz_stmt_bind_text(st, l->nh + 2, day);
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        vhh *h = find_hh(l, mz_stmt_int64(st, 0));
        if (h == NULL)
            continue;
        if (h->n == h->cap) {
            h->cap = h->cap ? h->cap * 2 : 4;
            h->m = mz_realloc(h->m, (size_t)h->cap * sizeof h->m[0]);
        }
        mz_verify_member *m = &h->m[h->n++];
        memset(m, 0, sizeof *m);
        m->person_id = mz_stmt_int64(st, 1);
        m->id_number = adup(l->arena, mz_stmt_text(st, 2));
        m->name = adup(l->arena, mz_stmt_text(st, 3));
        m->relation = adup(l->arena, mz_stmt_text(st, 4));
        m->disability_kind = adup(l->arena, mz_stmt_text(st, 5));
        m->disability_grade = (int)mz_stmt_int64(st, 6);
        m->deceased_on = adup(l->arena, mz_stmt_text(st, 7));
        nm++;
    }
    mz_stmt_finalize(st);
    st = NULL;
    if (rc < 0)
        goto dberr;

    /* Declared incomes of the members on the day, by type. */
    sql.len = 0;
    mz_buf_puts(&sql, "SELECT household_id, person_id, type, SUM(monthly_fen) FROM income_items "
                      "WHERE household_id IN ");
    placeholders(&sql, l->nh);
    mz_buf_puts(&sql, " AND person_id IS NOT NULL AND valid_from <= ? AND (valid_to IS NULL OR "
                      "valid_to > ?) GROUP BY household_id, person_id, type");
    st = mz_db_prepare(db, sql.data);
    if (st == NULL)
        goto dberr;
    for (int i = 0; i < l->nh; i++)
        mz_stmt_bind_int64(st, i + 1, l->h[i].id);
    mz_stmt_bind_text(st, l->nh + 1, day);
    mz_stmt_bind_text(st, l->nh + 2, day);
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        vhh *h = find_hh(l, mz_stmt_int64(st, 0));
        int t = income_index(mz_stmt_text(st, 2));
        for (int j = 0; h && t >= 0 && j < h->n; j++)
            if (h->m[j].person_id == mz_stmt_int64(st, 1))
                h->m[j].declared[t] += mz_stmt_int64(st, 3);
    }
    mz_stmt_finalize(st);
    st = NULL;
    if (rc < 0)
        goto dberr;

    /* The members sorted by ID number, to hand each department row to its members. */
    all = mz_calloc((size_t)(nm ? nm : 1), sizeof *all);
    nm = 0;
    for (int i = 0; i < l->nh; i++)
        for (int j = 0; j < l->h[i].n; j++)
            all[nm++] = &l->h[i].m[j];
    qsort(all, (size_t)nm, sizeof *all, cmp_member_id);
    /*
     * One index range scan per chunk, in the index's own order; of each
     * (id_number, source) only the rows of the newest as_of are kept: they
     * come last in their group, and a newer date drops the group's rows so far.
     */
    int group = -1; /* the first record of the current (id_number, source) group */
    for (int from = 0; from < nm; from += IDS_PER_QUERY) {
        int k = nm - from < IDS_PER_QUERY ? nm - from : IDS_PER_QUERY;
        sql.len = 0;
        mz_buf_puts(&sql, "SELECT r.id_number, r.source, r.as_of, r.batch_id, r.kind, r.ref, "
                          "r.date_from, r.date_to, r.month, COALESCE(r.amount_fen, 0), "
                          "COALESCE(r.amount2_fen, 0), COALESCE(r.qty, 0), r.note FROM "
                          "evidence_records r WHERE r.id_number IN ");
        placeholders(&sql, k);
        mz_buf_puts(&sql, " ORDER BY r.id_number, r.source, r.as_of, r.id");
        st = mz_db_prepare(db, sql.data);
        if (st == NULL)
            goto dberr;
        for (int i = 0; i < k; i++)
            mz_stmt_bind_text(st, i + 1, all[from + i]->id_number);
        while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
            const char *idn = mz_stmt_text(st, 0), *src = mz_stmt_text(st, 1),
                       *as_of = mz_stmt_text(st, 2);
            if (group >= 0 && strcmp(l->rec[group].id_number, idn) == 0 &&
                strcmp(l->rec[group].source, src) == 0) {
                if (strcmp(as_of, l->rec[group].as_of) > 0)
                    l->nrec = group;
            } else {
                group = -1;
            }
            if (l->nrec == l->caprec) {
                l->caprec = l->caprec ? l->caprec * 2 : 64;
                l->rec = mz_realloc(l->rec, (size_t)l->caprec * sizeof l->rec[0]);
            }
            if (group < 0)
                group = l->nrec;
            mz_verify_record *r = &l->rec[l->nrec++];
            r->id_number = adup(l->arena, idn);
            r->source = adup(l->arena, src);
            r->as_of = adup(l->arena, as_of);
            r->batch_id = mz_stmt_int64(st, 3);
            r->kind = adup(l->arena, mz_stmt_text(st, 4));
            r->ref = adup(l->arena, mz_stmt_text(st, 5));
            r->date_from = adup(l->arena, mz_stmt_text(st, 6));
            r->date_to = adup(l->arena, mz_stmt_text(st, 7));
            r->month = adup(l->arena, mz_stmt_text(st, 8));
            r->amount_fen = mz_stmt_int64(st, 9);
            r->amount2_fen = mz_stmt_int64(st, 10);
            r->qty = mz_stmt_int64(st, 11);
            r->note = adup(l->arena, mz_stmt_text(st, 12));
        }
        mz_stmt_finalize(st);
        st = NULL;
        if (rc < 0)
            goto dberr;
    }
    /* A person's rows are contiguous: hand each run to the members with that ID number. */
    for (int i = 0, j; i < l->nrec; i = j) {
        for (j = i + 1; j < l->nrec && strcmp(l->rec[j].id_number, l->rec[i].id_number) == 0; j++)
            ;
        mz_verify_member key = {.id_number = l->rec[i].id_number}, *kp = &key;
        mz_verify_member **hit = bsearch(&kp, all, (size_t)nm, sizeof *all, cmp_member_id);
        if (hit == NULL)
            continue;
        int idx = (int)(hit - all);
        while (idx > 0 && strcmp(all[idx - 1]->id_number, key.id_number) == 0)
            idx--;
        for (; idx < nm && strcmp(all[idx]->id_number, key.id_number) == 0; idx++) {
            all[idx]->records = &l->rec[i];
            all[idx]->nrecords = j - i;
        }
    }
    rc = 0;
    goto out;
dberr:
    rc = mz_error_internal(err, mz_db_errmsg(db));
out:
    mz_stmt_finalize(st);
    mz_free(all);
    mz_buf_cleanup(&sql);
    return rc;
}

/* The thresholds of the params p (mz_assist_params_load's, for a village on a day). */
static void limits_from(const mz_assist_params *p, mz_verify_limits *lim)
{
    lim->standard_fen = p->dibao_standard.num;
    lim->financial_months = p->financial_assets_months.num;
    lim->vehicle_limit = p->vehicle_limit.num;
    lim->housing_limit = p->housing_limit.num;
    lim->income_tolerance_fen = p->verify_income_tolerance.num;
    lim->business_limit = p->verify_business_limit.num;
    snprintf(lim->vehicle_exempt_kinds, sizeof lim->vehicle_exempt_kinds, "%s",
             p->verify_vehicle_exempt_kinds.text);
}

/* The thresholds in force for village on day. */
static int load_limits(mz_db *db, const char *village, const char *day, mz_verify_limits *lim,
                       mz_error *err)
{
    mz_assist_params *p = mz_calloc(1, sizeof *p);
    int rc = mz_assist_params_load(db, village, day, p, err);
    if (rc == 0)
        limits_from(p, lim);
    mz_free(p);
    return rc;
}

/* ---- reports ---------------------------------------------------------------- */

/* Stores the next version of the household's report (a case's run audited); *id and *version. */
static int store_report(mz_db *db, const mz_actor *actor, const vhh *h, json_t *findings,
                        int64_t case_id, int64_t enrollment_id, int64_t job_id, const char *day,
                        int64_t *id, int64_t *version, mz_error *err)
{
    char at[21], idb[24];
    int64_t v = 0;
    int rc = -1;
    mz_time_iso(time(NULL), at);
    if (mz_db_query_int64(db, &v,
                          "SELECT COALESCE(MAX(version), 0) + 1 FROM verification_reports WHERE "
                          "household_id = ?",
                          "i", h->id) != MZ_DB_ROW)
        return mz_error_internal(err, mz_db_errmsg(db));
    mz_buf batches, text;
    mz_buf_init(&batches);
    mz_buf_init(&text);
    mz_json_dump(&batches, json_object_get(findings, "batch_ids"));
    mz_json_dump(&text, findings);
    mz_stmt *st = mz_db_prepare(
        db, "INSERT INTO verification_reports (household_id, version, case_id, enrollment_id, "
            "job_id, region_code, verified_on, created_by, created_at, batch_ids, breaking, "
            "summary, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (st) {
        const int64_t refs[3] = {case_id, enrollment_id, job_id};
        mz_stmt_bind_int64(st, 1, h->id);
        mz_stmt_bind_int64(st, 2, v);
        for (int i = 0; i < 3; i++)
            if (refs[i] > 0)
                mz_stmt_bind_int64(st, 3 + i, refs[i]);
            else
                mz_stmt_bind_null(st, 3 + i);
        mz_stmt_bind_text(st, 6, h->region);
        mz_stmt_bind_text(st, 7, day);
        mz_stmt_bind_text(st, 8, actor->username);
        mz_stmt_bind_text(st, 9, at);
        mz_stmt_bind_text(st, 10, batches.data);
        mz_stmt_bind_int64(st, 11,
                           (int64_t)json_integer_value(json_object_get(findings, "breaking")));
        mz_stmt_bind_text(st, 12, json_string_value(json_object_get(findings, "summary")));
        mz_stmt_bind_text(st, 13, text.data);
        if (mz_stmt_step(st) == MZ_DB_ROW) {
            *id = mz_stmt_int64(st, 0);
            *version = v;
            rc = 0;
        }
    }
    mz_stmt_finalize(st);
    mz_buf_cleanup(&batches);
    mz_buf_cleanup(&text);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    /* A batch's reports are audited per step (verification.batch_step), not one by one. */
    if (job_id > 0)
        return 0;
    snprintf(idb, sizeof idb, "%lld", (long long)*id);
    json_t *after = json_pack("{s:I,s:I,s:s,s:O,s:I}", "household_id", (json_int_t)h->id, "version",
                              (json_int_t)v, "verified_on", day, "batch_ids",
                              json_object_get(findings, "batch_ids"), "breaking",
                              json_integer_value(json_object_get(findings, "breaking")));
    if (case_id > 0)
        json_object_set_new(after, "case_id", json_integer((json_int_t)case_id));
    if (enrollment_id > 0)
        json_object_set_new(after, "enrollment_id", json_integer((json_int_t)enrollment_id));
    rc = mz_audit_append(db, actor, "verification.run", "verification_report", idb, h->region, NULL,
                         after, err);
    json_decref(after);
    return rc;
}

/*
 * The thresholds of village on day through the job's params cache, which
 * loads one set per distinct set of applicable policy prefixes (amount.h): a
 * city of 1,440 villages under a city-wide policy loads it once.
 */
static int limits_of(mz_db *db, mz_assist_params_cache *c, const char *village, const char *day,
                     mz_verify_limits *lim, mz_error *err)
{
    mz_assist_params *own = mz_malloc(sizeof *own);
    const mz_assist_params *p;
    int rc = mz_assist_params_cached(c, db, village, day, own, &p, err);
    if (rc == 0)
        limits_from(p, lim);
    mz_free(own);
    return rc;
}

/* Matches the loaded households; out[i] gets household i's findings. */
static int match_loaded(mz_db *db, mz_assist_params_cache *c, loaded *l, const char *day,
                        int render, json_t **out, mz_error *err)
{
    mz_verify_limits lim;
    for (int i = 0; i < l->nh; i++) {
        if (limits_of(db, c, l->h[i].region, day, &lim, err) < 0)
            return -1;
        out[i] = match(l->h[i].m, l->h[i].n, &lim, day, render);
    }
    return 0;
}

/* A report row as JSON; with_findings adds "findings" (parsed). */
static json_t *report_json(mz_stmt *st, int with_findings)
{
    json_t *batches = json_loads(mz_stmt_text(st, 9) ? mz_stmt_text(st, 9) : "[]", 0, NULL);
    json_t *o = json_pack(
        "{s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:o,s:I,s:s}", "id", (json_int_t)mz_stmt_int64(st, 0),
        "household_id", (json_int_t)mz_stmt_int64(st, 1), "version",
        (json_int_t)mz_stmt_int64(st, 2), "region_code", mz_stmt_text(st, 5), "verified_on",
        mz_stmt_text(st, 6), "created_by", mz_stmt_text(st, 7), "created_at", mz_stmt_text(st, 8),
        "batch_ids", batches ? batches : json_array(), "breaking",
        (json_int_t)mz_stmt_int64(st, 10), "summary", mz_stmt_text(st, 11));
    const int cols[3] = {3, 4, 13};
    const char *names[3] = {"case_id", "enrollment_id", "job_id"};
    for (int i = 0; i < 3; i++)
        json_object_set_new(o, names[i],
                            mz_stmt_is_null(st, cols[i])
                                ? json_null()
                                : json_integer((json_int_t)mz_stmt_int64(st, cols[i])));
    if (with_findings) {
        json_t *f = json_loads(mz_stmt_text(st, 12), 0, NULL);
        json_object_set_new(o, "findings", f ? f : json_object());
    }
    return o;
}

#define REPORT_COLS                                                                                \
    "id, household_id, version, case_id, enrollment_id, region_code, verified_on, created_by, "    \
    "created_at, batch_ids, breaking, summary, findings, job_id"

/* The case in the actor's subtree: household, authorisation, village; 404 otherwise. */
static int case_of(mz_db *db, const mz_actor *actor, int64_t case_id, vhh *h, int *authorised,
                   mz_error *err)
{
    char like[16];
    snprintf(like, sizeof like, "%s%%", actor->scope_prefix);
    mz_stmt *st = mz_db_prepare_bind(db,
                                     "SELECT COALESCE(household_id, 0), authorisation_recorded, "
                                     "region_code, applicant_name FROM cases WHERE id = ? AND "
                                     "region_code LIKE ?",
                                     "it", case_id, like);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW) {
        h->id = mz_stmt_int64(st, 0);
        *authorised = mz_stmt_int64(st, 1) != 0;
        snprintf(h->region, sizeof h->region, "%s", mz_stmt_text(st, 2));
    }
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (rc != MZ_DB_ROW)
        return mz_error_set(err, 404, "not_found", NULL, "事项不存在");
    return 0;
}

/* The report vid of case id with findings; *prev (may be NULL) the household's previous version. */
static int report_load(mz_db *db, int64_t case_id, int64_t vid, json_t **out, json_t **prev,
                       mz_error *err)
{
    mz_stmt *st = mz_db_prepare_bind(
        db, "SELECT " REPORT_COLS " FROM verification_reports WHERE id = ? AND case_id = ?", "ii",
        vid, case_id);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int rc = mz_stmt_step(st);
    *out = rc == MZ_DB_ROW ? report_json(st, 1) : NULL;
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (*out == NULL)
        return mz_error_set(err, 404, "not_found", NULL, "核对报告不存在");
    if (prev == NULL)
        return 0;
    *prev = NULL;
    st =
        mz_db_prepare_bind(db,
                           "SELECT " REPORT_COLS " FROM verification_reports WHERE household_id "
                           "= ? AND version < ? ORDER BY version DESC LIMIT 1",
                           "ii", (int64_t)json_integer_value(json_object_get(*out, "household_id")),
                           (int64_t)json_integer_value(json_object_get(*out, "version")));
    if (st == NULL || (rc = mz_stmt_step(st)) < 0) {
        mz_stmt_finalize(st);
        json_decref(*out);
        *out = NULL;
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    if (rc == MZ_DB_ROW)
        *prev = report_json(st, 1);
    mz_stmt_finalize(st);
    return 0;
}

int mz_verify_case_get(mz_db *db, const mz_actor *actor, int64_t case_id, int64_t vid, json_t **out,
                       mz_error *err)
{
    vhh h = {0};
    int authorised;
    json_t *prev = NULL;
    if (case_of(db, actor, case_id, &h, &authorised, err) < 0 ||
        report_load(db, case_id, vid, out, &prev, err) < 0)
        return -1;
    json_object_set_new(
        *out, "changes",
        mz_verify_changes(prev ? json_object_get(prev, "findings") : NULL,
                          prev ? (int64_t)json_integer_value(json_object_get(prev, "version")) : 0,
                          json_object_get(*out, "findings")));
    json_decref(prev);
    return 0;
}

int mz_verify_case_run(mz_db *db, const mz_actor *actor, int64_t case_id, int today, json_t **out,
                       mz_error *err)
{
    vhh h = {0};
    int authorised = 0, rc = -1;
    char day[11];
    json_t *findings = NULL;
    loaded l = {0};
    int64_t id = 0, version = 0;
    mz_verify_limits lim;
    mz_date_format(today, day);
    if (case_of(db, actor, case_id, &h, &authorised, err) < 0)
        return -1;
    if (h.id <= 0)
        return mz_error_set(err, 409, "no_household", NULL, "该事项没有关联家庭，无法核对");
    if (!authorised)
        return mz_error_set(err, 409, "authorisation_missing", NULL,
                            "尚未登记家庭经济状况核对授权书，不能核对");
    loaded_init(&l, 1);
    l.h[0] = h;
    l.nh = 1;
    if (load_members(db, &l, day, err) < 0)
        goto out;
    if (l.h[0].n == 0) {
        mz_error_set(err, 409, "no_members", NULL, "该家庭在核对日没有成员");
        goto out;
    }
    if (load_limits(db, l.h[0].region, day, &lim, err) < 0)
        goto out;
    findings = mz_verify_match(l.h[0].m, l.h[0].n, &lim, day);
    if (store_report(db, actor, &l.h[0], findings, case_id, 0, 0, day, &id, &version, err) < 0)
        goto out;
    rc = mz_verify_case_get(db, actor, case_id, id, out, err);
out:
    json_decref(findings);
    loaded_cleanup(&l);
    return rc;
}

int mz_verify_case_list(mz_db *db, const mz_actor *actor, int64_t case_id, json_t **out,
                        mz_error *err)
{
    vhh h = {0};
    int authorised, rc;
    if (case_of(db, actor, case_id, &h, &authorised, err) < 0)
        return -1;
    mz_stmt *st = mz_db_prepare_bind(db,
                                     "SELECT " REPORT_COLS " FROM verification_reports WHERE "
                                     "case_id = ? ORDER BY version DESC LIMIT 100",
                                     "i", case_id);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    json_t *items = json_array();
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(items, report_json(st, 0));
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(items);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    *out = json_pack("{s:I,s:i,s:i,s:o,s:b}", "total", (json_int_t)json_array_size(items), "page",
                     1, "page_size", 100, "items", items, "authorisation_recorded", authorised);
    return 0;
}

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

int mz_verify_case_pdf(mz_db *db, const mz_actor *actor, int64_t case_id, int64_t vid, mz_buf *out,
                       mz_error *err)
{
    json_t *r = NULL;
    char title[128], line[512], idb[24], msg[128];
    int day;
    size_t i;
    json_t *v;
    if (mz_verify_case_get(db, actor, case_id, vid, &r, err) < 0)
        return -1;
    json_t *f = json_object_get(r, "findings"), *changes = json_object_get(r, "changes");
    if (mz_date_parse(jstr(r, "verified_on"), &day) != 0)
        day = mz_date_today();
    snprintf(title, sizeof title, "家庭经济状况核对报告");
    mz_pdf *pdf = mz_pdf_new(title, day);
    mz_pdf_title(pdf, title);
    snprintf(line, sizeof line, "事项编号 %lld · 第 %lld 版", (long long)case_id,
             (long long)json_integer_value(json_object_get(r, "version")));
    mz_pdf_centered(pdf, line);
    mz_pdf_kv(pdf, "核对日期", jstr(r, "verified_on"));
    mz_pdf_kv(pdf, "核对人", jstr(r, "created_by"));
    char *batches = json_dumps(json_object_get(r, "batch_ids"), JSON_COMPACT);
    mz_pdf_kv(pdf, "所用数据批次", batches ? batches : "[]");
    mz_free(batches);
    mz_pdf_kv(pdf, "核对结论", jstr(r, "summary"));

    json_t *members = json_object_get(f, "members");
    size_t nm = json_array_size(members);
    const char **mc = mz_calloc(nm * 3 + 1, sizeof *mc);
    json_array_foreach(members, i, v)
    {
        mc[i * 3] = jstr(v, "name");
        mc[i * 3 + 1] = jstr(v, "id_number");
        mc[i * 3 + 2] = jstr(v, "relation_name");
    }
    static const char *const mh[] = {"姓名", "身份证号码", "关系"};
    static const double mw[] = {1, 2, 1};
    mz_pdf_paragraph(pdf, "一、家庭成员", 0);
    mz_pdf_table(pdf, 3, mh, mw, mc, nm);
    mz_free(mc);

    mz_pdf_paragraph(pdf, "二、发现的问题", 0);
    json_t *issues = json_object_get(f, "issues");
    if (json_array_size(issues) == 0)
        mz_pdf_paragraph(pdf, "未发现超出政策规定的情况。", 1);
    json_array_foreach(issues, i, v)
    {
        snprintf(line, sizeof line, "%zu. %s%s", i + 1, jstr(v, "text"),
                 json_is_true(json_object_get(v, "breaking")) ? "（超出政策规定）" : "（提示）");
        mz_pdf_paragraph(pdf, line, 1);
    }

    mz_pdf_paragraph(pdf, "三、逐人逐项核对结果", 0);
    json_t *fl = json_object_get(f, "findings");
    const char **fc = mz_calloc(json_array_size(fl) * 4 + 1, sizeof *fc);
    size_t nf = 0;
    json_array_foreach(fl, i, v)
    {
        if (!json_is_true(json_object_get(v, "found")))
            continue;
        fc[nf * 4] = jstr(v, "name");
        fc[nf * 4 + 1] = jstr(v, "source_name");
        fc[nf * 4 + 2] = jstr(v, "as_of");
        fc[nf * 4 + 3] = jstr(v, "text");
        nf++;
    }
    static const char *const fh[] = {"成员", "数据来源", "数据日期", "核对结果"};
    static const double fw[] = {1, 1.2, 1.3, 4};
    if (nf)
        mz_pdf_table(pdf, 4, fh, fw, fc, nf);
    else
        mz_pdf_paragraph(pdf, "各部门均未查到家庭成员的记录。", 1);
    mz_free(fc);

    if (!json_is_null(json_object_get(changes, "previous_version"))) {
        snprintf(line, sizeof line, "四、与第 %lld 版相比的变化",
                 (long long)json_integer_value(json_object_get(changes, "previous_version")));
        mz_pdf_paragraph(pdf, line, 0);
        int any = 0;
        const char *parts[][2] = {{"findings_added", "新增"},
                                  {"findings_removed", "不再查到"},
                                  {"issues_added", "新增问题"},
                                  {"issues_removed", "问题消除"}};
        for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
            size_t j;
            json_t *c;
            json_array_foreach(json_object_get(changes, parts[p][0]), j, c)
            {
                if (p < 2)
                    snprintf(line, sizeof line, "%s：%s %s — %s", parts[p][1], jstr(c, "name"),
                             jstr(c, "source_name"), jstr(c, "text"));
                else
                    snprintf(line, sizeof line, "%s：%s", parts[p][1], jstr(c, "text"));
                mz_pdf_paragraph(pdf, line, 1);
                any = 1;
            }
        }
        size_t j;
        json_t *c;
        json_array_foreach(json_object_get(changes, "findings_changed"), j, c)
        {
            json_t *b = json_object_get(c, "before"), *a = json_object_get(c, "after");
            snprintf(line, sizeof line, "变化：%s %s — %s → %s", jstr(a, "name"),
                     jstr(a, "source_name"), jstr(b, "text"), jstr(a, "text"));
            mz_pdf_paragraph(pdf, line, 1);
            any = 1;
        }
        if (!any)
            mz_pdf_paragraph(pdf, "无变化。", 1);
    }
    int rc = mz_pdf_render(pdf, out, NULL, msg, sizeof msg);
    mz_pdf_free(pdf);
    if (rc < 0) {
        json_decref(r);
        return mz_error_internal(err, msg);
    }
    snprintf(idb, sizeof idb, "%lld", (long long)vid);
    json_t *after = json_pack("{s:I,s:I}", "case_id", (json_int_t)case_id, "version",
                              json_integer_value(json_object_get(r, "version")));
    rc = mz_audit_append(db, actor, "verification.pdf", "verification_report", idb,
                         jstr(r, "region_code"), NULL, after, err);
    json_decref(after);
    json_decref(r);
    return rc;
}

/* ---- batch re-verification ------------------------------------------------------ */

typedef struct vjob {
    mz_db *db;
    const mz_case_registry *reg;
    const mz_actor *actor;
    const mz_verify_batch_options *o;
    char owner[128], region[13], day[11];
    int64_t id, cursor;
    mz_assist_params_cache *limits;
    loaded l; /* the step's households, kept for the next step */
} vjob;

static int db_fail(mz_db *db, mz_error *err)
{
    mz_error_internal(err, mz_db_errmsg(db));
    mz_db_rollback(db);
    return -1;
}

/* The job's region as the audit log keys it: the prefix padded to a code; NULL for all. */
static const char *audit_region(const vjob *j, char out[13])
{
    if (j->region[0] == '\0')
        return NULL;
    size_t n = strlen(j->region);
    memcpy(out, j->region, n);
    memset(out + n, '0', 12 - n);
    out[12] = '\0';
    return out;
}

/* Takes over a stale running job, or starts one over region; 409 while another is alive. */
static int job_acquire(vjob *j, mz_error *err)
{
    int64_t now = (int64_t)time(NULL), changed = 0, id = 0;
    char at[21], *text = NULL;
    mz_time_iso(time(NULL), at);
    if (mz_db_begin(j->db) < 0)
        return mz_error_internal(err, mz_db_errmsg(j->db));
    int rc = mz_db_query_int64(j->db, &id,
                               "SELECT id FROM verification_jobs WHERE state = 'running'", "");
    if (rc < 0)
        return db_fail(j->db, err);
    if (rc == MZ_DB_ROW) {
        /* Only an actor whose subtree holds the job's region may take it over. */
        char like[16];
        snprintf(like, sizeof like, "%s%%", j->actor->scope_prefix);
        if (mz_db_run(j->db, &changed,
                      "UPDATE verification_jobs SET lock_owner = ?, heartbeat_epoch = ? WHERE id "
                      "= ? AND state = 'running' AND heartbeat_epoch <= ? AND region_code LIKE ?",
                      "tiiit", j->owner, now, id, now - j->o->stale_seconds, like) < 0)
            return db_fail(j->db, err);
        if (changed != 1) {
            mz_db_rollback(j->db);
            return mz_error_set(err, 409, "verification_busy", NULL,
                                "批量核对正在进行（任务 %lld），请稍后再试", (long long)id);
        }
        if (mz_db_query_text(j->db, &text, "SELECT region_code FROM verification_jobs WHERE id = ?",
                             "i", id) != MZ_DB_ROW)
            return db_fail(j->db, err);
        snprintf(j->region, sizeof j->region, "%s", text);
        mz_free(text);
        if (mz_db_query_text(j->db, &text, "SELECT verified_on FROM verification_jobs WHERE id = ?",
                             "i", id) != MZ_DB_ROW)
            return db_fail(j->db, err);
        snprintf(j->day, sizeof j->day, "%s", text);
        mz_free(text);
        if (mz_db_query_int64(j->db, &j->cursor,
                              "SELECT cursor_enrollment FROM verification_jobs WHERE id = ?", "i",
                              id) != MZ_DB_ROW)
            return db_fail(j->db, err);
        j->id = id;
    } else {
        if (mz_db_query_int64(j->db, &j->id,
                              "INSERT INTO verification_jobs (region_code, state, verified_on, "
                              "started_by, started_at, lock_owner, heartbeat_epoch) VALUES (?, "
                              "'running', ?, ?, ?, ?, ?) RETURNING id",
                              "ttttti", j->region, j->day, j->actor->username, at, j->owner,
                              now) != MZ_DB_ROW)
            return db_fail(j->db, err);
        j->cursor = 0;
        json_t *after = json_pack("{s:s,s:s}", "region_code", j->region, "verified_on", j->day);
        char idb[24];
        snprintf(idb, sizeof idb, "%lld", (long long)j->id);
        char code[13];
        rc = mz_audit_append(j->db, j->actor, "verification.batch_start", "verification_job", idb,
                             audit_region(j, code), NULL, after, err);
        json_decref(after);
        if (rc < 0) {
            mz_db_rollback(j->db);
            return -1;
        }
    }
    rc = mz_db_commit(j->db);
    if (rc == MZ_DB_BUSY || rc == MZ_DB_CONSTRAINT)
        return mz_error_set(err, 409, "verification_busy", NULL, "批量核对正在进行，请稍后再试");
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(j->db));
    return 0;
}

/* Opens the 低保复核 case of a flagged household unless one is open; *case_id 0 then. */
static int review_case(vjob *j, const vhh *h, json_t *issues, int64_t *case_id, mz_error *err)
{
    int64_t open = 0;
    *case_id = 0;
    if (mz_db_query_int64(j->db, &open,
                          "SELECT COUNT(*) FROM cases WHERE household_id = ? AND case_type = "
                          "'dibao_review' AND closed_at IS NULL",
                          "i", h->id) != MZ_DB_ROW)
        return mz_error_internal(err, mz_db_errmsg(j->db));
    if (open > 0)
        return 0;
    char reason[256];
    size_t i, len = 0;
    json_t *v;
    len += (size_t)snprintf(reason, sizeof reason, "核对发现：");
    json_array_foreach(issues, i, v)
    {
        if (!json_is_true(json_object_get(v, "breaking")) || len >= sizeof reason)
            continue;
        len += (size_t)snprintf(reason + len, sizeof reason - len, "%s%s", i ? "；" : "",
                                jstr(v, "text"));
    }
    /* The reason is shown as one line: cut it at a whole character. */
    if (len >= sizeof reason) {
        size_t k = sizeof reason - 1;
        while (k > 0 && ((unsigned char)reason[k] & 0xC0) == 0x80)
            k--;
        reason[k] = '\0';
    }
    json_t *data = json_pack("{s:s}", "reason", reason), *out = NULL;
    int today;
    mz_date_parse(j->day, &today);
    mz_case_input in = {.case_type = "dibao_review",
                        .household_id = h->id,
                        .applicant_name = h->payee,
                        .channel = "online",
                        .data = data};
    int rc = mz_case_create(j->db, j->reg, j->actor, &in, today, &out, err);
    json_decref(data);
    if (rc != 0)
        return -1;
    *case_id = (int64_t)json_integer_value(json_object_get(out, "id"));
    json_decref(out);
    return 0;
}

/* One step: the next enrollments after the cursor.  *done: none was left. */
static int job_step(vjob *j, int *done, mz_error *err)
{
    int64_t changed = 0, last = j->cursor, flagged = 0, created = 0;
    int batch = j->o->batch_size > 0 ? j->o->batch_size : 200, rc = -1;
    char like[16], at[21];
    json_t **found = NULL;
    *done = 0;
    snprintf(like, sizeof like, "%s%%", j->region[0] ? j->region : "");
    if (mz_db_begin(j->db) < 0)
        return mz_error_internal(err, mz_db_errmsg(j->db));
    if (mz_db_run(j->db, &changed,
                  "UPDATE verification_jobs SET heartbeat_epoch = ? WHERE id = ? AND lock_owner "
                  "= ? AND state = 'running'",
                  "iit", (int64_t)time(NULL), j->id, j->owner) < 0)
        return db_fail(j->db, err);
    if (changed != 1) {
        mz_db_rollback(j->db);
        return mz_error_set(err, 409, "verification_busy", NULL, "批量核对已由另一进程接手");
    }
    loaded_reset(&j->l);
    mz_stmt *st = mz_db_prepare_bind(
        j->db,
        "SELECT id, household_id, region_code, payee_name FROM enrollments WHERE id > ? AND "
        "program = 'dibao' AND status IN ('in_force', 'taper') AND household_id IS NOT NULL AND "
        "region_code LIKE ? ORDER BY id LIMIT ?",
        "iti", j->cursor, like, (int64_t)batch);
    if (st == NULL)
        goto dberr;
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        vhh *h = &j->l.h[j->l.nh++];
        h->enrollment_id = mz_stmt_int64(st, 0);
        h->id = mz_stmt_int64(st, 1);
        snprintf(h->region, sizeof h->region, "%s", mz_stmt_text(st, 2));
        h->payee = adup(j->l.arena, mz_stmt_text(st, 3));
        last = h->enrollment_id;
    }
    mz_stmt_finalize(st);
    if (rc < 0)
        goto dberr;
    if (j->l.nh == 0) {
        mz_time_iso(time(NULL), at);
        if (mz_db_run(j->db, NULL,
                      "UPDATE verification_jobs SET state = 'finished', finished_at = ?, "
                      "lock_owner = NULL WHERE id = ?",
                      "ti", at, j->id) < 0)
            goto dberr;
        *done = 1;
    } else {
        found = mz_calloc((size_t)j->l.nh, sizeof *found);
        if (load_members(j->db, &j->l, j->day, err) < 0 ||
            match_loaded(j->db, j->limits, &j->l, j->day, 1, found, err) < 0)
            goto fail;
        for (int i = 0; i < j->l.nh; i++) {
            int64_t rid = 0, version = 0, case_id = 0;
            if (j->l.h[i].n == 0)
                continue;
            if (store_report(j->db, j->actor, &j->l.h[i], found[i], 0, j->l.h[i].enrollment_id,
                             j->id, j->day, &rid, &version, err) < 0)
                goto fail;
            if (json_integer_value(json_object_get(found[i], "breaking")) == 0)
                continue;
            json_t *issues = json_object_get(found[i], "issues"), *codes = json_array();
            size_t k;
            json_t *v;
            json_array_foreach(issues, k, v) if (json_is_true(json_object_get(v, "breaking")))
                json_array_append(codes, json_object_get(v, "code"));
            char *ctext = json_dumps(codes, JSON_COMPACT);
            json_decref(codes);
            if (review_case(j, &j->l.h[i], issues, &case_id, err) < 0) {
                mz_free(ctext);
                goto fail;
            }
            mz_stmt *ins = mz_db_prepare(
                j->db, "INSERT INTO verification_job_findings (job_id, enrollment_id, "
                       "household_id, report_id, case_id, region_code, issues) VALUES (?, ?, ?, "
                       "?, ?, ?, ?)");
            int irc = -1;
            if (ins) {
                mz_stmt_bind_int64(ins, 1, j->id);
                mz_stmt_bind_int64(ins, 2, j->l.h[i].enrollment_id);
                mz_stmt_bind_int64(ins, 3, j->l.h[i].id);
                mz_stmt_bind_int64(ins, 4, rid);
                if (case_id > 0)
                    mz_stmt_bind_int64(ins, 5, case_id);
                else
                    mz_stmt_bind_null(ins, 5);
                mz_stmt_bind_text(ins, 6, j->l.h[i].region);
                mz_stmt_bind_text(ins, 7, ctext);
                irc = mz_stmt_step(ins);
            }
            mz_stmt_finalize(ins);
            mz_free(ctext);
            if (irc < 0)
                goto dberr;
            flagged++;
            created += case_id > 0;
        }
        if (mz_db_run(j->db, NULL,
                      "UPDATE verification_jobs SET cursor_enrollment = ?, enrollments_done = "
                      "enrollments_done + ?, households_flagged = households_flagged + ?, "
                      "cases_created = cases_created + ? WHERE id = ?",
                      "iiiii", last, (int64_t)j->l.nh, flagged, created, j->id) < 0)
            goto dberr;
        char idb[24];
        snprintf(idb, sizeof idb, "%lld", (long long)j->id);
        json_t *after =
            json_pack("{s:I,s:I,s:i,s:I,s:I}", "after_enrollment", (json_int_t)j->cursor,
                      "to_enrollment", (json_int_t)last, "reports", j->l.nh, "flagged",
                      (json_int_t)flagged, "cases_created", (json_int_t)created);
        char code[13];
        int arc = mz_audit_append(j->db, j->actor, "verification.batch_step", "verification_job",
                                  idb, audit_region(j, code), NULL, after, err);
        json_decref(after);
        if (arc < 0)
            goto fail;
    }
    rc = mz_db_commit(j->db);
    if (rc < 0) {
        rc = mz_error_internal(err, mz_db_errmsg(j->db));
        goto out;
    }
    j->cursor = last;
    rc = 0;
    goto out;
dberr:
    mz_error_internal(err, mz_db_errmsg(j->db));
fail:
    mz_db_rollback(j->db);
    rc = -1;
out:
    for (int i = 0; found && i < j->l.nh; i++)
        json_decref(found[i]);
    mz_free(found);
    return rc;
}

int mz_verify_batch_run(mz_db *db, const mz_case_registry *reg, const mz_actor *actor,
                        const mz_verify_batch_options *o, json_t **out, mz_error *err)
{
    vjob j = {.db = db, .reg = reg, .actor = actor, .o = o};
    int rc = -1;
    char host[64] = "";
    const char *region = o->region_code;
    if (region && region[0]) {
        mz_region r;
        if (mz_region_check(db, actor, region, "region", &r, err) < 0)
            return -1;
        mz_region_prefix(region, j.region);
    } else {
        /* The actor's whole subtree (the command line: the whole registry). */
        snprintf(j.region, sizeof j.region, "%s", actor->scope_prefix);
    }
    mz_date_format(o->today, j.day);
    gethostname(host, sizeof host - 1);
    snprintf(j.owner, sizeof j.owner, "%s:%ld:%08x", host, (long)getpid(),
             (unsigned)time(NULL) ^ (unsigned)(uintptr_t)&j);
    if (job_acquire(&j, err) < 0)
        return -1;
    j.limits = mz_assist_params_cache_new();
    loaded_init(&j.l, j.o->batch_size > 0 ? j.o->batch_size : 200);
    for (int done = 0; !done;) {
        if (job_step(&j, &done, err) < 0)
            goto out;
        if (!done && o->pause_ms > 0) {
            struct timespec ts = {o->pause_ms / 1000, (long)(o->pause_ms % 1000) * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
    rc = mz_verify_batch_get(db, actor, j.id, out, err);
out:
    mz_assist_params_cache_free(j.limits);
    loaded_cleanup(&j.l);
    return rc;
}

/* ---- 预核对: the batch's matching without its writes ---------------------------- */

#define PREVIEW_MAX_THREADS 8

/* One enrollment to preview. */
typedef struct pv_item {
    int64_t enrollment_id, household_id;
    char region[13];
} pv_item;

/* A thread's share: items [from, to) on its own connection, its results kept apart. */
typedef struct pv_task {
    mz_db *db;
    const pv_item *items;
    int from, to, batch, list_limit;
    const char *day;
    int64_t households, flagged, issues, breaking, with_issues;
    json_t *by_code, *listed;
    mz_buf csv;
    mz_error err;
    int rc;
} pv_task;

/* The issue's type: what its key ("code:person:type") has after the second colon. */
static const char *issue_type(json_t *issue)
{
    const char *k = jstr(issue, "key"), *c = k ? strchr(k, ':') : NULL;
    c = c ? strchr(c + 1, ':') : NULL;
    return c ? c + 1 : "";
}

static void pv_count(pv_task *t, const pv_item *it, json_t *found)
{
    json_t *issues = json_object_get(found, "issues"), *v;
    json_int_t breaking_here = json_integer_value(json_object_get(found, "breaking"));
    size_t i;
    t->households++;
    t->flagged += breaking_here > 0;
    t->with_issues += json_array_size(issues) > 0;
    if (json_array_size(issues) > 0 && json_array_size(t->listed) < (size_t)t->list_limit)
        json_array_append_new(t->listed,
                              json_pack("{s:I,s:I,s:s,s:I,s:O}", "enrollment_id",
                                        (json_int_t)it->enrollment_id, "household_id",
                                        (json_int_t)it->household_id, "region_code", it->region,
                                        "breaking", breaking_here, "issues", issues));
    json_array_foreach(issues, i, v)
    {
        const char *code = jstr(v, "code");
        int breaking = json_is_true(json_object_get(v, "breaking"));
        t->issues++;
        t->breaking += breaking;
        json_object_set_new(
            t->by_code, code,
            json_integer(json_integer_value(json_object_get(t->by_code, code)) + 1));
        mz_buf_printf(&t->csv, "%lld,%lld,%s,%s,%d,%lld,%s,%lld,%lld\n",
                      (long long)it->enrollment_id, (long long)it->household_id, it->region, code,
                      breaking, (long long)json_integer_value(json_object_get(v, "person_id")),
                      issue_type(v), (long long)json_integer_value(json_object_get(v, "value")),
                      (long long)json_integer_value(json_object_get(v, "limit")));
    }
}

static void *pv_run(void *arg)
{
    pv_task *t = arg;
    mz_assist_params_cache *limits = mz_assist_params_cache_new();
    int batch = t->batch;
    loaded l;
    json_t **found = mz_calloc((size_t)batch, sizeof *found);
    loaded_init(&l, batch);
    /* No batch cache: the connection's 2 GB map and small cache suit reads that meet most
     * pages once (store.h, mz_db_batch_cache). */
    t->rc = 0;
    for (int from = t->from; from < t->to && t->rc == 0; from += batch) {
        int n = t->to - from < batch ? t->to - from : batch;
        loaded_reset(&l);
        for (int i = 0; i < n; i++) {
            vhh *h = &l.h[l.nh++];
            h->enrollment_id = t->items[from + i].enrollment_id;
            h->id = t->items[from + i].household_id;
            memcpy(h->region, t->items[from + i].region, sizeof h->region);
        }
        /* One step's reads in one snapshot, as the batch's step reads in its transaction. */
        mz_db_begin_read(t->db);
        if (load_members(t->db, &l, t->day, &t->err) < 0 ||
            match_loaded(t->db, limits, &l, t->day, 0, found, &t->err) < 0)
            t->rc = -1;
        mz_db_end_read(t->db);
        for (int i = 0; t->rc == 0 && i < n; i++)
            if (l.h[i].n > 0) /* as the batch: no members on the day, no report */
                pv_count(t, &t->items[from + i], found[i]);
        for (int i = 0; i < n; i++) {
            json_decref(found[i]);
            found[i] = NULL;
        }
    }
    mz_free(found);
    loaded_cleanup(&l);
    mz_assist_params_cache_free(limits);
    return NULL;
}

int mz_verify_batch_preview(mz_db *db, const mz_actor *actor, const mz_verify_preview_options *o,
                            json_t **out, mz_error *err)
{
    char region[13], day[11], like[16], emsg[256];
    int nthreads = o->threads > 0 ? o->threads : 1, n = 0, cap = 0, rc = -1;
    pv_item *items = NULL;
    pv_task task[PREVIEW_MAX_THREADS];
    pthread_t tid[PREVIEW_MAX_THREADS];
    int started[PREVIEW_MAX_THREADS] = {0};
    if (nthreads > PREVIEW_MAX_THREADS)
        return mz_error_set(err, 400, "invalid_value", "threads", "并行数应为 1–%d",
                            PREVIEW_MAX_THREADS);
    if (o->region_code && o->region_code[0]) {
        mz_region r;
        if (mz_region_check(db, actor, o->region_code, "region", &r, err) < 0)
            return -1;
        mz_region_prefix(o->region_code, region);
    } else {
        snprintf(region, sizeof region, "%s", actor->scope_prefix);
    }
    mz_date_format(o->today, day);
    snprintf(like, sizeof like, "%s%%", region);

    /* The enrollments a batch would take, in its order. */
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT id, household_id, region_code FROM enrollments WHERE program = 'dibao' AND "
        "status IN ('in_force', 'taper') AND household_id IS NOT NULL AND region_code LIKE ? "
        "ORDER BY id",
        "t", like);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            items = mz_realloc(items, (size_t)cap * sizeof *items);
        }
        items[n].enrollment_id = mz_stmt_int64(st, 0);
        items[n].household_id = mz_stmt_int64(st, 1);
        snprintf(items[n].region, sizeof items[n].region, "%s", mz_stmt_text(st, 2));
        n++;
    }
    mz_stmt_finalize(st);
    if (rc < 0) {
        mz_free(items);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    if (n < nthreads * 2 || o->url == NULL)
        nthreads = 1;
    rc = -1;

    memset(task, 0, sizeof task);
    for (int i = 0; i < nthreads; i++) {
        pv_task *t = &task[i];
        t->items = items;
        t->from = (int)((int64_t)n * i / nthreads);
        t->to = (int)((int64_t)n * (i + 1) / nthreads);
        t->batch = o->batch_size > 0 ? o->batch_size : 1000;
        t->day = day;
        t->by_code = json_object();
        t->listed = json_array();
        t->list_limit = o->list_limit;
        mz_buf_init(&t->csv);
        mz_error_clear(&t->err);
        t->db = i == 0 ? db : mz_db_open(o->url, emsg, sizeof emsg);
        if (t->db == NULL) {
            mz_error_internal(err, emsg);
            goto out;
        }
    }
    for (int i = 1; i < nthreads; i++) {
        if (pthread_create(&tid[i], NULL, pv_run, &task[i]) != 0) {
            mz_error_internal(err, "无法启动核对线程");
            goto out;
        }
        started[i] = 1;
    }
    pv_run(&task[0]);
    rc = 0;
out:
    for (int i = 1; i < nthreads; i++)
        if (started[i])
            pthread_join(tid[i], NULL);
    json_t *by_code = json_object(), *listed = json_array();
    int64_t households = 0, flagged = 0, issues = 0, breaking = 0, with_issues = 0;
    for (int i = 0; i < nthreads; i++) {
        pv_task *t = &task[i];
        if (rc == 0 && t->rc < 0) {
            *err = t->err;
            rc = -1;
        }
        if (rc == 0 && o->issues_csv && t->csv.len > 0 &&
            fwrite(t->csv.data, 1, t->csv.len, o->issues_csv) != t->csv.len)
            rc = mz_error_set(err, 500, "internal", NULL, "无法写出核对问题清单");
        households += t->households;
        flagged += t->flagged;
        issues += t->issues;
        breaking += t->breaking;
        const char *k;
        json_t *v;
        json_object_foreach(t->by_code, k, v)
        {
            json_object_set_new(by_code, k,
                                json_integer(json_integer_value(json_object_get(by_code, k)) +
                                             json_integer_value(v)));
        }
        json_decref(t->by_code);
        for (size_t x = 0; x < json_array_size(t->listed); x++)
            if (json_array_size(listed) < (size_t)o->list_limit)
                json_array_append(listed, json_array_get(t->listed, x));
        with_issues += t->with_issues;
        json_decref(t->listed);
        mz_buf_cleanup(&t->csv);
        if (i > 0)
            mz_db_close(t->db);
    }
    mz_free(items);
    if (rc < 0) {
        json_decref(by_code);
        json_decref(listed);
        return -1;
    }
    int truncated = (int64_t)json_array_size(listed) < with_issues;
    *out = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:o,s:i,s:o,s:b}", "verified_on", day, "region_code",
                     region, "households", (json_int_t)households, "households_flagged",
                     (json_int_t)flagged, "issues", (json_int_t)issues, "breaking",
                     (json_int_t)breaking, "by_code", by_code, "threads", nthreads, "listed",
                     listed, "truncated", truncated);
    return 0;
}

static json_t *job_json(mz_stmt *st)
{
    json_t *o = json_pack(
        "{s:I,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I}", "id", (json_int_t)mz_stmt_int64(st, 0),
        "region_code", mz_stmt_text(st, 1), "state", mz_stmt_text(st, 2), "verified_on",
        mz_stmt_text(st, 3), "started_by", mz_stmt_text(st, 4), "started_at", mz_stmt_text(st, 5),
        "cursor_enrollment", (json_int_t)mz_stmt_int64(st, 7), "enrollments_done",
        (json_int_t)mz_stmt_int64(st, 8), "households_flagged", (json_int_t)mz_stmt_int64(st, 9),
        "cases_created", (json_int_t)mz_stmt_int64(st, 10));
    json_object_set_new(o, "finished_at",
                        mz_stmt_text(st, 6) ? json_string(mz_stmt_text(st, 6)) : json_null());
    return o;
}

#define JOB_COLS                                                                                   \
    "id, region_code, state, verified_on, started_by, started_at, finished_at, "                   \
    "cursor_enrollment, enrollments_done, households_flagged, cases_created"

/* Jobs whose region lies in the actor's subtree, or whose region contains it. */
#define JOB_SCOPE "(region_code LIKE ? OR ? LIKE region_code || '%')"

int mz_verify_batch_list(mz_db *db, const mz_actor *actor, json_t **out, mz_error *err)
{
    char like[16];
    int rc;
    snprintf(like, sizeof like, "%s%%", actor->scope_prefix);
    mz_stmt *st = mz_db_prepare_bind(db,
                                     "SELECT " JOB_COLS " FROM verification_jobs WHERE " JOB_SCOPE
                                     " ORDER BY id DESC LIMIT 100",
                                     "tt", like, actor->scope_prefix);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    json_t *items = json_array();
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW)
        json_array_append_new(items, job_json(st));
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(items);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    *out = json_pack("{s:I,s:i,s:i,s:o}", "total", (json_int_t)json_array_size(items), "page", 1,
                     "page_size", 100, "items", items);
    return 0;
}

int mz_verify_batch_get(mz_db *db, const mz_actor *actor, int64_t id, json_t **out, mz_error *err)
{
    char like[16];
    int rc;
    snprintf(like, sizeof like, "%s%%", actor->scope_prefix);
    mz_stmt *st = mz_db_prepare_bind(
        db, "SELECT " JOB_COLS " FROM verification_jobs WHERE id = ? AND " JOB_SCOPE, "itt", id,
        like, actor->scope_prefix);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    rc = mz_stmt_step(st);
    *out = rc == MZ_DB_ROW ? job_json(st) : NULL;
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (*out == NULL)
        return mz_error_set(err, 404, "not_found", NULL, "批量核对任务不存在");
    st = mz_db_prepare_bind(db,
                            "SELECT f.enrollment_id, f.household_id, f.report_id, f.case_id, "
                            "f.region_code, f.issues, r.summary FROM verification_job_findings f "
                            "JOIN verification_reports r ON r.id = f.report_id WHERE f.job_id = ? "
                            "AND f.region_code LIKE ? ORDER BY f.id LIMIT 1000",
                            "it", id, like);
    if (st == NULL) {
        json_decref(*out);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    json_t *items = json_array();
    while ((rc = mz_stmt_step(st)) == MZ_DB_ROW) {
        json_t *issues = json_loads(mz_stmt_text(st, 5), 0, NULL);
        json_t *o = json_pack(
            "{s:I,s:I,s:I,s:s,s:o,s:s}", "enrollment_id", (json_int_t)mz_stmt_int64(st, 0),
            "household_id", (json_int_t)mz_stmt_int64(st, 1), "report_id",
            (json_int_t)mz_stmt_int64(st, 2), "region_code", mz_stmt_text(st, 4), "issues",
            issues ? issues : json_array(), "summary", mz_stmt_text(st, 6));
        json_object_set_new(
            o, "case_id",
            mz_stmt_is_null(st, 3) ? json_null() : json_integer((json_int_t)mz_stmt_int64(st, 3)));
        json_array_append_new(items, o);
    }
    mz_stmt_finalize(st);
    if (rc < 0) {
        json_decref(items);
        json_decref(*out);
        return mz_error_internal(err, mz_db_errmsg(db));
    }
    json_object_set_new(*out, "findings", items);
    return 0;
}

/* ---- feeding the computation -------------------------------------------------------- */

int mz_verify_apply_to_request(mz_db *db, const mz_actor *actor, int64_t household_id,
                               const char *day, json_t *request, json_t **applied, mz_error *err)
{
    char *text = NULL, y1[32], y2[32], line[512];
    int64_t report_id = 0, version = 0;
    json_t *findings = NULL, *snap = NULL, *steps = NULL;
    int rc = -1;
    *applied = NULL;
    mz_stmt *st = mz_db_prepare_bind(db,
                                     "SELECT id, version, findings FROM verification_reports WHERE "
                                     "household_id = ? AND verified_on <= ? ORDER BY version DESC "
                                     "LIMIT 1",
                                     "it", household_id, day);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    int src = mz_stmt_step(st);
    if (src == MZ_DB_ROW) {
        report_id = mz_stmt_int64(st, 0);
        version = mz_stmt_int64(st, 1);
        text = mz_strdup(mz_stmt_text(st, 2));
    }
    mz_stmt_finalize(st);
    if (src < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (text == NULL)
        return 0;
    findings = json_loads(text, 0, NULL);
    mz_free(text);
    steps = json_array();
    json_t *members = json_object_get(findings, "members");
    size_t i, k;
    json_t *v, *m;
    json_array_foreach(json_object_get(findings, "verified_incomes"), i, v)
    {
        const char *type = json_string_value(json_object_get(v, "type"));
        int64_t verified = json_integer_value(json_object_get(v, "monthly_fen"));
        int64_t declared = json_integer_value(json_object_get(v, "declared_fen"));
        json_int_t pid = json_integer_value(json_object_get(v, "person_id"));
        if (type == NULL || strcmp(type, "basic_pension") == 0 || verified <= declared)
            continue;
        char *idn = NULL;
        if (snap == NULL && mz_household_snapshot(db, actor, household_id, day, 0, &snap, err) < 0)
            goto out;
        if (mz_db_query_text(db, &idn, "SELECT id_number FROM persons WHERE id = ?", "i",
                             (int64_t)pid) != MZ_DB_ROW) {
            mz_error_internal(err, mz_db_errmsg(db));
            goto out;
        }
        json_t *incomes = json_object_get(json_object_get(snap, "household"), "incomes");
        for (k = json_array_size(incomes); k-- > 0;) {
            json_t *it = json_array_get(incomes, k);
            const char *iid = json_string_value(json_object_get(it, "id_number"));
            if (iid && strcmp(iid, idn) == 0 &&
                strcmp(json_string_value(json_object_get(it, "type")), type) == 0)
                json_array_remove(incomes, k);
        }
        json_array_append_new(incomes, json_pack("{s:s,s:s,s:I}", "id_number", idn, "type", type,
                                                 "monthly_fen", (json_int_t)verified));
        const char *name = "";
        json_array_foreach(members, k,
                           m) if (json_integer_value(json_object_get(m, "person_id")) == pid) name =
            json_string_value(json_object_get(m, "name"));
        char *batches = json_dumps(json_object_get(v, "batch_ids"), JSON_COMPACT);
        snprintf(line, sizeof line,
                 "%s %s：申报 %s元/月，核对 %s元/月（核对报告第 %lld 版，部门数据批次 %s），"
                 "按核对值计入",
                 name, json_string_value(json_object_get(v, "type_name")), yuan(declared, y1),
                 yuan(verified, y2), (long long)version, batches ? batches : "[]");
        mz_free(batches);
        char masked[19];
        mz_idnum_mask(idn, masked);
        mz_free(idn);
        json_array_append_new(steps, json_pack("{s:s,s:s,s:I,s:s}", "step", "verified_income",
                                               "text", line, "amount_fen", (json_int_t)verified,
                                               "id_number", masked));
    }
    if (snap) {
        json_object_del(request, "household_id");
        json_object_set(request, "region", json_object_get(snap, "region"));
        json_object_set(request, "household", json_object_get(snap, "household"));
        *applied = json_pack("{s:I,s:I,s:O,s:O}", "report_id", (json_int_t)report_id, "version",
                             (json_int_t)version, "verified_on",
                             json_object_get(findings, "verified_on"), "steps", steps);
    }
    rc = 0;
out:
    json_decref(snap);
    json_decref(steps);
    json_decref(findings);
    return rc;
}

static void mask_in_place(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    char masked[19];
    if (s && strlen(s) == 18) {
        mz_idnum_mask(s, masked);
        json_object_set_new(o, key, json_string(masked));
    }
}

void mz_verify_finish_assessment(json_t *out, int64_t household_id, json_t *applied)
{
    size_t i;
    json_t *v;
    json_t *covered = json_object_get(out, "covered_id_numbers"), *steps = json_array();
    mask_in_place(out, "applicant_id_number");
    for (i = 0; i < json_array_size(covered); i++) {
        char masked[19];
        const char *s = json_string_value(json_array_get(covered, i));
        if (s && strlen(s) == 18) {
            mz_idnum_mask(s, masked);
            json_array_set_new(covered, i, json_string(masked));
        }
    }
    json_array_extend(steps, json_object_get(applied, "steps"));
    json_array_foreach(json_object_get(out, "explanation"), i, v)
    {
        mask_in_place(v, "id_number");
        json_array_append(steps, v);
    }
    json_object_set_new(out, "explanation", steps);
    json_object_set_new(out, "household_id", json_integer((json_int_t)household_id));
    json_object_del(applied, "steps");
    json_object_set_new(out, "verification", applied);
}
