/*
 * Configuration precedence: defaults < ini file < environment; unknown keys
 * and out-of-range values in the file are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/config.h"

static char path[64];

static void write_ini(const char *text)
{
    snprintf(path, sizeof path, "/tmp/mz-config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

/* The process environment may carry MZ_* from a caller (make test exports them). */
static int setup(void **state)
{
    (void)state;
    static const char *vars[] = {"MZ_DB",       "MZ_LISTEN",  "MZ_WEB_ROOT",
                                 "MZ_DATA_DIR", "MZ_THREADS", "MZ_CONFIG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    unsetenv("MZ_DB");
    unsetenv("MZ_LISTEN");
    unsetenv("MZ_THREADS");
    return 0;
}

static void defaults(void **state)
{
    mz_config c;
    (void)state;
    assert_int_equal(mz_config_load(&c, NULL), 0);
    assert_string_equal(c.listen, "127.0.0.1:8080");
    assert_string_equal(c.db, "var/minzheng.db");
    assert_int_equal(c.security.lockout_threshold, 5);
    assert_int_equal(c.security.lockout_minutes, 15);
    assert_int_equal(c.security.idle_timeout_minutes, 30);
    assert_int_equal(c.security.password_min_length, 10);
    assert_int_equal(c.max_json_depth, 32);
}

static void file_then_env(void **state)
{
    mz_config c;
    (void)state;
    write_ini("[server]\nlisten = 0.0.0.0:9000\nthreads = 3\n[database]\nurl = /tmp/x.db\n"
              "[security]\nlockout_threshold = 7\nidle_timeout_minutes = 10\n");
    assert_int_equal(mz_config_load(&c, path), 0);
    assert_string_equal(c.listen, "0.0.0.0:9000");
    assert_string_equal(c.db, "/tmp/x.db");
    assert_int_equal(c.threads, 3);
    assert_int_equal(c.security.lockout_threshold, 7);
    assert_int_equal(c.security.idle_timeout_minutes, 10);

    setenv("MZ_DB", "postgresql://u@127.0.0.1/db", 1);
    setenv("MZ_LISTEN", "127.0.0.1:7000", 1);
    assert_int_equal(mz_config_load(&c, path), 0);
    assert_string_equal(c.db, "postgresql://u@127.0.0.1/db");
    assert_string_equal(c.listen, "127.0.0.1:7000");
    assert_int_equal(c.threads, 3);
}

static void refuses_bad_files(void **state)
{
    mz_config c;
    (void)state;
    write_ini("[server]\nlistn = 1\n");
    assert_int_equal(mz_config_load(&c, path), -1);
    unlink(path);
    write_ini("[security]\nlockout_threshold = 0\n");
    assert_int_equal(mz_config_load(&c, path), -1);
    unlink(path);
    write_ini("[server]\nthreads = many\n");
    assert_int_equal(mz_config_load(&c, path), -1);
    assert_int_equal(mz_config_load(&c, "/nonexistent/minzheng.ini"), -1);
    setenv("MZ_THREADS", "0", 1);
    assert_int_equal(mz_config_load(&c, NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(file_then_env, setup, teardown),
        cmocka_unit_test_setup_teardown(refuses_bad_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
