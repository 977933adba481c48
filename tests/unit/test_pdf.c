/*
 * Tests for src/base/pdf.c: a document with Chinese text and a table long
 * enough for three pages renders to a PDF (header, trailer, one /Type /Page
 * object per page, the count mz_pdf_render reports), its text can be read
 * back (pdftotext, poppler-utils, a test dependency in scripts/deps.sh) with
 * the table header repeated on every page and "第 n 页 共 3 页" at the foot,
 * and the same document gives the same bytes, dated by its own date.
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

#include "base/date.h"
#include "base/pdf.h"

static int day(const char *s)
{
    int d;
    if (mz_date_parse(s, &d) != 0)
        fail_msg("bad date %s", s);
    return d;
}

/* A notice-like document with a table of nrows rows. */
static mz_pdf *sample(int on, size_t nrows)
{
    static const char *const header[] = {"序号", "姓名", "身份证号码", "核对事项"};
    static const double widths[] = {1, 2, 4, 5};
    mz_pdf *p = mz_pdf_new("核对报告", on);
    mz_pdf_title(p, "居民家庭经济状况核对报告");
    mz_pdf_centered(p, "宿城民救核〔2026〕12号");
    mz_pdf_kv(p, "申请人", "张三");
    mz_pdf_kv(p, "家庭住址",
              "江苏省宿迁市宿城区幸福街道凤凰居委会一组十八号，此处文字较长以便折行显示");
    mz_pdf_paragraph(p,
                     "经核对，申请人家庭成员的收入、财产情况如下表所示。本报告仅供最低生活保障"
                     "审核确认使用，不得用于其他用途。",
                     1);
    char **cells = calloc(nrows * 4, sizeof *cells);
    for (size_t i = 0; i < nrows; i++) {
        char b[64];
        snprintf(b, sizeof b, "%zu", i + 1);
        cells[i * 4] = strdup(b);
        snprintf(b, sizeof b, "成员%zu", i + 1);
        cells[i * 4 + 1] = strdup(b);
        cells[i * 4 + 2] = strdup("321302********1234");
        cells[i * 4 + 3] = strdup(i % 7 == 0 ? "社会保险缴费记录、不动产登记、车辆登记、"
                                               "工商登记信息均无异常"
                                             : "无异常");
    }
    mz_pdf_table(p, 4, header, widths, (const char *const *)cells, nrows);
    for (size_t i = 0; i < nrows * 4; i++)
        free(cells[i]);
    free(cells);
    mz_pdf_paragraph(p, "特此报告。", 1);
    mz_pdf_right(p, "宿城区居民家庭经济状况核对中心");
    mz_pdf_right(p, "2026年3月13日");
    return p;
}

static int contains(const mz_buf *b, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= b->len; i++)
        if (memcmp(b->data + i, needle, k) == 0)
            return 1;
    return 0;
}

static size_t count(const mz_buf *b, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    for (size_t i = 0; i + k <= b->len; i++)
        if (memcmp(b->data + i, needle, k) == 0 && (i + k == b->len || b->data[i + k] != 's'))
            n++;
    return n;
}

/* The text of pages first..last, by pdftotext, without spaces. */
static char *text_of(const mz_buf *b, int first, int last)
{
    char path[] = "/tmp/mz_test_pdf_XXXXXX", cmd[256];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, b->data, b->len), (ssize_t)b->len);
    close(fd);
    snprintf(cmd, sizeof cmd, "pdftotext -f %d -l %d -enc UTF-8 %s -", first, last, path);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    mz_buf out;
    mz_buf_init(&out);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        mz_buf_append(&out, chunk, n);
    if (pclose(f) != 0)
        fail_msg("pdftotext failed (poppler-utils is a test dependency: scripts/deps.sh)");
    unlink(path);
    /* Spaces between glyphs come and go with the layout: drop them. */
    char *t = mz_buf_steal(&out), *w = t;
    for (char *r = t; r && *r; r++)
        if (*r != ' ')
            *w++ = *r;
    if (t)
        *w = '\0';
    return t;
}

static void test_three_pages(void **state)
{
    (void)state;
    mz_pdf *p = sample(day("2026-03-13"), 45);
    mz_buf b;
    mz_buf_init(&b);
    int pages = 0;
    char msg[128];
    assert_int_equal(mz_pdf_render(p, &b, &pages, msg, sizeof msg), 0);
    assert_int_equal(pages, 3);
    assert_true(b.len > 1000);
    assert_memory_equal(b.data, "%PDF-", 5);
    assert_non_null(strstr(b.data + b.len - 8, "%%EOF"));
    assert_int_equal(count(&b, "/Type /Page"), 3);
    assert_true(contains(&b, "20260313000000+08")); /* the document's date */

    char *all = text_of(&b, 1, 3);
    assert_non_null(strstr(all, "居民家庭经济状况核对报告"));
    assert_non_null(strstr(all, "宿城民救核〔2026〕12号"));
    assert_non_null(strstr(all, "张三"));
    assert_non_null(strstr(all, "成员45"));
    assert_non_null(strstr(all, "特此报告"));
    mz_free(all);
    for (int pg = 1; pg <= 3; pg++) {
        char *t = text_of(&b, pg, pg), want[64];
        snprintf(want, sizeof want, "第%d页共3页", pg);
        if (strstr(t, "身份证号码") == NULL || strstr(t, want) == NULL)
            fail_msg("page %d: no table header or foot: %s", pg, t);
        mz_free(t);
    }
    mz_buf_cleanup(&b);
    mz_pdf_free(p);
}

static void test_deterministic(void **state)
{
    (void)state;
    mz_buf a, b, c;
    mz_buf_init(&a);
    mz_buf_init(&b);
    mz_buf_init(&c);
    mz_pdf *p = sample(day("2026-03-13"), 10), *q = sample(day("2026-03-13"), 10),
           *r = sample(day("2026-03-16"), 10);
    assert_int_equal(mz_pdf_render(p, &a, NULL, NULL, 0), 0);
    assert_int_equal(mz_pdf_render(q, &b, NULL, NULL, 0), 0);
    assert_int_equal(mz_pdf_render(r, &c, NULL, NULL, 0), 0);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    /* Rendering again from the same document gives the same bytes too. */
    mz_buf again;
    mz_buf_init(&again);
    assert_int_equal(mz_pdf_render(p, &again, NULL, NULL, 0), 0);
    assert_int_equal(again.len, a.len);
    assert_memory_equal(again.data, a.data, a.len);
    /* Another date: another document. */
    assert_true(c.len != a.len || memcmp(c.data, a.data, a.len) != 0);
    assert_true(contains(&c, "20260316000000+08"));
    mz_buf_cleanup(&a);
    mz_buf_cleanup(&b);
    mz_buf_cleanup(&c);
    mz_buf_cleanup(&again);
    mz_pdf_free(p);
    mz_pdf_free(q);
    mz_pdf_free(r);
}

static void test_empty_and_short(void **state)
{
    (void)state;
    static const char *const header[] = {"项目"};
    static const double widths[] = {1};
    mz_pdf *p = mz_pdf_new(NULL, day("2026-01-01"));
    mz_pdf_table(p, 1, header, widths, NULL, 0);
    mz_pdf_table(p, 0, header, widths, NULL, 0); /* ignored */
    mz_buf b;
    mz_buf_init(&b);
    int pages = 0;
    assert_int_equal(mz_pdf_render(p, &b, &pages, NULL, 0), 0);
    assert_int_equal(pages, 1);
    char *t = text_of(&b, 1, 1);
    assert_non_null(strstr(t, "项目"));
    assert_non_null(strstr(t, "第1页共1页"));
    mz_free(t);
    mz_buf_cleanup(&b);
    mz_pdf_free(p);
    mz_pdf_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_three_pages),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_empty_and_short),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
