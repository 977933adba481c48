/*
 * `minzheng user …` and `minzheng demo`.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/date.h"
#include "base/mem.h"
#include "cli/commands.h"
#include "core/auth.h"
#include "core/user.h"

static const char *opt(int argc, char **argv, const char *name)
{
    for (int i = 0; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

static int flag(int argc, char **argv, const char *name)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

/* Reads one line from stdin into buf, without the newline.  0 or -1. */
static int read_password(char *buf, size_t n)
{
    if (fgets(buf, (int)n, stdin) == NULL)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return buf[0] ? 0 : -1;
}

void mz_random_password(char out[17])
{
    static const char *sets[] = {"abcdefghijkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789",
                                 "#%+=-_@"};
    static const int counts[] = {5, 5, 4, 2};
    int k = 0;
    for (int s = 0; s < 4; s++)
        for (int i = 0; i < counts[s]; i++)
            out[k++] = sets[s][randombytes_uniform((uint32_t)strlen(sets[s]))];
    for (int i = k - 1; i > 0; i--) {
        int j = (int)randombytes_uniform((uint32_t)i + 1);
        char t = out[i];
        out[i] = out[j];
        out[j] = t;
    }
    out[16] = '\0';
}

/* Runs fn inside a transaction, printing the error on failure. */
static int in_tx(mz_db *db, int rc_body, const mz_error *err)
{
    if (rc_body < 0) {
        mz_db_rollback(db);
        fprintf(stderr, "minzheng: %s%s%s\n", err->message, err->field[0] ? " 字段: " : "",
                err->field);
        return 1;
    }
    if (mz_db_commit(db) < 0) {
        fprintf(stderr, "minzheng: 提交失败: %s\n", mz_db_errmsg(db));
        return 1;
    }
    return 0;
}

int mz_cmd_user(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv)
{
    mz_error err;
    char pw[256];
    int64_t id;
    json_t *out = NULL;
    mz_error_clear(&err);
    if (argc < 1)
        return 2;
    const char *sub = argv[0];
    const char *username = opt(argc, argv, "--username");
    if (username == NULL) {
        fprintf(stderr, "minzheng: 需要 --username\n");
        return 2;
    }
    if (strcmp(sub, "add") == 0) {
        mz_user_input in = {.username = username,
                            .display_name = opt(argc, argv, "--display-name"),
                            .role = opt(argc, argv, "--role"),
                            .region_code = opt(argc, argv, "--region"),
                            .phone = opt(argc, argv, "--phone"),
                            .disabled = -1};
        if (!in.role || !in.region_code || !flag(argc, argv, "--password-stdin")) {
            fprintf(stderr, "minzheng: user add 需要 --role、--region 和 --password-stdin\n");
            return 2;
        }
        if (in.display_name == NULL)
            in.display_name = username;
        if (read_password(pw, sizeof pw) < 0) {
            fprintf(stderr, "minzheng: 未从标准输入读到口令\n");
            return 2;
        }
        in.password = pw;
        if (mz_db_begin(db) < 0)
            return 1;
        int rc = in_tx(db, mz_user_create(db, &cfg->security, cli, &in, &out, &err), &err);
        mz_wipe(pw, sizeof pw);
        if (rc == 0)
            printf("已创建用户 %s（id %lld）\n", username,
                   (long long)json_integer_value(json_object_get(out, "id")));
        json_decref(out);
        return rc;
    }
    if (mz_user_find(db, cli, username, &id, &err) < 0) {
        fprintf(stderr, "minzheng: %s\n", err.message);
        return 1;
    }
    if (strcmp(sub, "passwd") == 0) {
        if (!flag(argc, argv, "--password-stdin") || read_password(pw, sizeof pw) < 0) {
            fprintf(stderr, "minzheng: user passwd 需要 --password-stdin 并从标准输入提供口令\n");
            return 2;
        }
        if (mz_db_begin(db) < 0)
            return 1;
        int rc = in_tx(db, mz_user_reset_password(db, &cfg->security, cli, id, pw, &err), &err);
        mz_wipe(pw, sizeof pw);
        if (rc == 0)
            printf("已重置用户 %s 的口令，下次登录须修改\n", username);
        return rc;
    }
    if (strcmp(sub, "disable") == 0) {
        mz_user_input in = {.disabled = 1};
        if (mz_db_begin(db) < 0)
            return 1;
        int rc = in_tx(db, mz_user_update(db, cli, id, &in, &out, &err), &err);
        json_decref(out);
        if (rc == 0)
            printf("已停用用户 %s\n", username);
        return rc;
    }
    if (strcmp(sub, "token") == 0) {
        const char *name = opt(argc, argv, "--name");
        char token[MZ_TOKEN_LEN + 1];
        int64_t tid;
        if (name == NULL) {
            fprintf(stderr, "minzheng: user token 需要 --name\n");
            return 2;
        }
        if (mz_db_begin(db) < 0)
            return 1;
        int rc = in_tx(db, mz_token_create(db, cli, id, name, token, &tid, &err), &err);
        if (rc == 0)
            printf("%s\n", token);
        mz_wipe(token, sizeof token);
        return rc;
    }
    fprintf(stderr, "minzheng: 未知的 user 子命令 %s\n", sub);
    return 2;
}

struct demo_user {
    const char *username, *display_name, *role, *region;
};

/*
 * Demo staff: the administrator, and one account for every role at a level
 * it may hold, in 宿城区 and its first township (幸福街道) and village.
 */
static const struct demo_user demo_users[] = {
    {"admin", "系统管理员", "city_admin", "321300000000"},
    {"sc_admin", "宿城区管理员", "city_admin", "321302000000"},
    {"sc_worker", "宿城区经办人", "county_worker", "321302000000"},
    {"sc_approver", "宿城区审批人", "county_approver", "321302000000"},
    {"xf_worker", "幸福街道经办人", "township_worker", "321302001000"},
    {"xf_approver", "幸福街道审批人", "township_approver", "321302001000"},
    {"xf_village", "村居协理员", "village_worker", "321302001001"},
    {"finance", "市财务人员", "finance", "321300000000"},
    {"leader", "市领导", "leader", "321300000000"},
    {"auditor", "审计员", "auditor", "321300000000"},
};

int mz_cmd_demo(mz_db *db, const mz_config *cfg, const mz_actor *cli, int argc, char **argv)
{
    const char *path = opt(argc, argv, "--out");
    mz_error err;
    int64_t existing = 0;
    if (path == NULL)
        path = "var/demo-passwords.txt";
    if (mz_db_query_int64(db, &existing, "SELECT COUNT(*) FROM users", "") < 0)
        return 1;
    if (existing > 0) {
        printf("演示账户已存在（口令见 %s）\n", path);
        return 0;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        fprintf(stderr, "minzheng: 无法写入 %s: %s\n", path, strerror(errno));
        return 1;
    }
    FILE *f = fdopen(fd, "w");
    fprintf(
        f,
        "# minzheng 演示账户（仅供演示环境；首次登录后请修改口令）\n# 用户名\t口令\t角色\t区划\n");
    if (mz_db_begin(db) < 0) {
        fclose(f);
        return 1;
    }
    char admin_pw[17] = "";
    for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++) {
        const struct demo_user *u = &demo_users[i];
        char pw[17];
        json_t *out = NULL;
        mz_random_password(pw);
        mz_user_input in = {.username = u->username,
                            .display_name = u->display_name,
                            .role = u->role,
                            .region_code = u->region,
                            .password = pw,
                            .disabled = -1};
        if (mz_user_create(db, &cfg->security, cli, &in, &out, &err) < 0) {
            fclose(f);
            return in_tx(db, -1, &err);
        }
        json_decref(out);
        /* The administrator's password is printed once and written nowhere. */
        if (i == 0)
            memcpy(admin_pw, pw, sizeof pw);
        else
            fprintf(f, "%s\t%s\t%s\t%s\n", u->username, pw, u->role, u->region);
        mz_wipe(pw, sizeof pw);
    }
    fclose(f);
    int rc = in_tx(db, 0, &err);
    if (rc == 0) {
        printf("已创建管理员 admin，口令（只显示这一次）：%s\n", admin_pw);
        printf("其余演示账户的口令已写入 %s（仅 root 可读）\n", path);
    }
    mz_wipe(admin_pw, sizeof admin_pw);
    if (rc == 0 && mz_demo_assistance(db, cfg, mz_date_today(), &err) < 0) {
        fprintf(stderr, "minzheng: 社会救助演示数据未载入: %s%s%s\n", err.message,
                err.field[0] ? " 字段: " : "", err.field);
        return 1;
    }
    /* 掌上办: a demo resident with online applications. */
    if (rc == 0 && mz_demo_resident(db, cfg, path, &err) < 0) {
        fprintf(stderr, "minzheng: 掌上办演示数据未载入: %s%s%s\n", err.message,
                err.field[0] ? " 字段: " : "", err.field);
        return 1;
    }
    return rc;
}
