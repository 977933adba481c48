/*
 * Tests for the arena of src/base/mem.c: allocations are zeroed and aligned,
 * big requests get their own block, and mz_arena_reset hands the standard
 * blocks out again — zeroed — instead of freeing them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "base/mem.h"

static void test_alloc(void **state)
{
    (void)state;
    mz_arena *a = mz_arena_new();
    char *p = mz_arena_alloc(a, 3), *q = mz_arena_alloc(a, 5);
    assert_int_equal((uintptr_t)p % 16, 0);
    assert_int_equal((uintptr_t)q % 16, 0);
    assert_true(q >= p + 16);
    char *big = mz_arena_alloc(a, 100000);
    for (size_t i = 0; i < 100000; i++)
        assert_int_equal(big[i], 0);
    /* A big block goes behind the current one, which keeps serving small requests. */
    char *r = mz_arena_alloc(a, 5);
    assert_ptr_equal(r, q + 16);
    assert_string_equal(mz_arena_strdup(a, "宿迁"), "宿迁");
    mz_arena_free(a);
    mz_arena_free(NULL);
}

static void test_reset(void **state)
{
    (void)state;
    mz_arena *a = mz_arena_new();
    char *first = NULL;
    /* Several standard blocks' worth, dirtied. */
    for (int i = 0; i < 100; i++) {
        char *p = mz_arena_alloc(a, 1000);
        memset(p, 0x5a, 1000);
        if (first == NULL)
            first = p;
    }
    mz_arena_alloc(a, 200000); /* a block of its own: freed by the reset */
    mz_arena_reset(a);
    /* The kept blocks come back, zeroed where they are handed out. */
    int reused = 0;
    for (int i = 0; i < 100; i++) {
        char *p = mz_arena_alloc(a, 1000);
        for (int k = 0; k < 1000; k++)
            assert_int_equal(p[k], 0);
        reused += p == first;
    }
    assert_int_equal(reused, 1);
    mz_arena_reset(a);
    mz_arena_reset(a);
    assert_string_equal(mz_arena_printf(a, "%d 户", 9806), "9806 户");
    mz_arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc),
        cmocka_unit_test(test_reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
