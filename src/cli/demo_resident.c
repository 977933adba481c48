/*
 * Demo data of 掌上办 for `minzheng demo`: one synthetic resident account
 * (its password appended to the demo password file like the staff ones)
 * with two online applications in the demo village 凤凰居委会: a 临时救助 one
 * that the demo village worker (xf_village) has accepted — which created the
 * household and the case — and a 低保 one still waiting for 受理.  Everything
 * goes through core/resident.h and systems/assistance/online.h, so it is
 * checked and audited like real use.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "base/idnum.h"
#include "base/mem.h"
#include "cli/commands.h"
#include "core/resident.h"
#include "systems/assistance/case_types.h"
#include "systems/assistance/online.h"

#define DEMO_VILLAGE "321302001001" /* 凤凰居委会, the demo village worker's */

static const char demo_pdf[] = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                               "2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
                               "trailer<</Root 1 0 R>>\n%%EOF\n";

/* An ID number born on first14's date that nobody in the registry or among
 * the accounts has yet (the demo households' numbers are random). */
static int free_id_number(mz_db *db, const char *first14, int seq, char out[19], mz_error *err)
{
    for (int tries = 0; tries < 400; tries++, seq += 2) {
        char first17[18];
        int64_t taken = 0;
        snprintf(first17, sizeof first17, "%s%03d", first14, seq % 1000);
        snprintf(out, 19, "%s%c", first17, mz_idnum_check_char(first17));
        if (mz_db_query_int64(db, &taken,
                              "SELECT (SELECT COUNT(*) FROM persons WHERE id_number = ?) + "
                              "(SELECT COUNT(*) FROM users WHERE username = ?)",
                              "tt", out, out) != MZ_DB_ROW)
            return mz_error_internal(err, mz_db_errmsg(db));
        if (taken == 0)
            return 0;
    }
    return mz_error_internal(err, "no free demo ID number");
}

static int submit(mz_db *db, const mz_actor *resident, const char *program, const char *kind,
                  int64_t amount, json_t *members, const char *reason, int64_t *id, mz_error *err)
{
    json_t *incomes = json_pack("[{s:s,s:i}]", "type", "wage", "monthly_fen", 90000);
    json_t *assets = json_pack("[{s:s,s:i,s:s}]", "type", "deposit", "value_fen", 300000,
                               "description", "银行存款");
    json_t *out = NULL;
    char b64[512];
    mz_online_input in = {.program = program,
                          .kind = kind,
                          .requested_amount_fen = amount,
                          .region_code = DEMO_VILLAGE,
                          .address = "宿迁市宿城区幸福街道凤凰小区6号楼302室",
                          .phone = "13951234567",
                          .reason = reason,
                          .members = members,
                          .incomes = incomes,
                          .assets = assets,
                          .consent = 1};
    int rc = mz_online_submit(db, mz_assist_case_registry(), resident, &in, &out, err);
    if (rc == 0) {
        *id = (int64_t)json_integer_value(json_object_get(out, "id"));
        json_decref(out);
        out = NULL;
        sodium_bin2base64(b64, sizeof b64, (const unsigned char *)demo_pdf, sizeof demo_pdf - 1,
                          sodium_base64_VARIANT_ORIGINAL);
        rc = mz_online_attachment_add(db, mz_assist_case_registry(), resident, *id, "id_card",
                                      "身份证及户口簿.pdf", b64, &out, err);
        json_decref(out);
    }
    json_decref(incomes);
    json_decref(assets);
    return rc;
}

int mz_demo_resident(mz_db *db, const mz_config *cfg, const char *password_file, mz_error *err)
{
    char id[19], spouse[19], pw[17];
    int64_t uid = 0, worker = 0, first = 0, second = 0;
    json_t *account = NULL, *members = NULL, *out = NULL;
    mz_actor resident, village;
    int rc = -1;

    if (free_id_number(db, "32130219860412", 511, id, err) < 0 ||
        free_id_number(db, "32130219880923", 620, spouse, err) < 0)
        return -1;
    mz_random_password(pw);
    mz_resident_registration reg = {id, "孙明（演示居民）", "13951234567", pw};
    if (mz_resident_register(db, &cfg->security, &reg, "demo", &account, err) < 0)
        goto out;
    uid = (int64_t)json_integer_value(json_object_get(account, "user_id"));
    if (mz_actor_load(db, uid, &resident) != 0 ||
        mz_db_query_int64(db, &worker, "SELECT id FROM users WHERE username = 'xf_village'", "") !=
            MZ_DB_ROW ||
        mz_actor_load(db, worker, &village) != 0) {
        mz_error_internal(err, "demo accounts missing");
        goto out;
    }
    snprintf(resident.request_id, sizeof resident.request_id, "demo");
    snprintf(village.request_id, sizeof village.request_id, "demo");
    members =
        json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s}]", "name", reg.name, "id_number", id, "relation",
                  "self", "name", "周丽（演示）", "id_number", spouse, "relation", "spouse");
    mz_online_accept_input accept = {.identity_checked = 1};
    if (mz_db_begin(db) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    if (submit(db, &resident, "temporary", "expenditure", 200000, members,
               "妻子住院手术，医保报销后自付医疗费用较高，家庭生活暂时困难", &first, err) < 0 ||
        mz_online_accept(db, mz_assist_case_registry(), &village, first, &accept, mz_date_today(),
                         &out, err) < 0 ||
        submit(db, &resident, "dibao", NULL, 0, members,
               "本人务工收入不稳定，妻子长期患病无劳动能力，家庭人均收入低于低保标准", &second,
               err) < 0) {
        mz_db_rollback(db);
        goto out;
    }
    if (mz_db_commit(db) < 0) {
        mz_error_internal(err, mz_db_errmsg(db));
        goto out;
    }
    FILE *f = fopen(password_file, "a");
    if (f == NULL) {
        mz_error_internal(err, "cannot append to the demo password file");
        goto out;
    }
    fprintf(f, "# 掌上办演示居民（在 /m/login 用身份证号登录）\n%s\t%s\tresident\t-\n", id, pw);
    fclose(f);
    printf("已载入掌上办演示数据：居民 %s 的网上申请 2 件（1 件已受理，1 件待受理）\n", id);
    rc = 0;
out:
    mz_wipe(pw, sizeof pw);
    json_decref(out);
    json_decref(members);
    json_decref(account);
    return rc;
}
