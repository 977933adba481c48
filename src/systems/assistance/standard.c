/*
 * 低保 standard proposal (see standard.h).  All arithmetic is on one exact
 * integer, expenditure in fen × ratio in basis points; the intermediate
 * amounts in the explanation are shown to the fen, marked ≈ when the exact
 * value has a fraction of a fen, and never feed the result.
 */
#include "systems/assistance/standard.h"

#include <inttypes.h>
#include <stdio.h>

#include "base/money.h"
#include "base/ratio.h"

/* fen·bp per fen, per fen a month, per yuan a month. */
#define PER_FEN INT64_C(10000)
#define PER_FEN_MONTH (PER_FEN * 12)
#define PER_YUAN_MONTH (PER_FEN_MONTH * 100)

/* "= 8750.00 元" or "≈ 729.17 元": n / d fen, rounded half up to the fen for display. */
static void amount_text(int64_t n, int64_t d, char *out, size_t len)
{
    char yuan[32];
    mz_money_format((n + d / 2) / d, yuan);
    snprintf(out, len, "%s %s 元", n % d ? "≈" : "=", yuan);
}

int mz_dibao_standard_propose(int64_t expenditure_fen, int64_t ratio_bp, mz_dibao_standard *out,
                              mz_error *err)
{
    char exp_text[32], pct[32], pct_min[32], pct_max[32], annual[48], monthly[48], line[256];
    int64_t n;

    out->monthly_standard_fen = 0;
    out->explanation = NULL;
    if (expenditure_fen < 1 || expenditure_fen > MZ_DIBAO_STANDARD_EXPENDITURE_MAX)
        return mz_error_set(err, 400, "invalid_value", "consumption_expenditure_annual",
                            "上年度人均消费支出须在 0.01 至 100000000.00 元之间");
    mz_ratio_format_percent(ratio_bp, pct);
    mz_ratio_format_percent(MZ_DIBAO_STANDARD_RATIO_MIN, pct_min);
    mz_ratio_format_percent(MZ_DIBAO_STANDARD_RATIO_MAX, pct_max);
    if (ratio_bp < MZ_DIBAO_STANDARD_RATIO_MIN || ratio_bp > MZ_DIBAO_STANDARD_RATIO_MAX)
        return mz_error_set(err, 400, "invalid_value", "ratio",
                            "测算比例 %s%% 不在规划规定的 %s%% 至 %s%% 之间", pct, pct_min,
                            pct_max);
    /* Both factors are bounded above, so this cannot overflow: 1e10 × 4000 < 2^63. */
    n = expenditure_fen * ratio_bp;
    int64_t yuan = n / PER_YUAN_MONTH + (n % PER_YUAN_MONTH != 0);
    out->monthly_standard_fen = yuan * 100;

    mz_money_format(expenditure_fen, exp_text);
    amount_text(n, PER_FEN, annual, sizeof annual);
    amount_text(n, PER_FEN_MONTH, monthly, sizeof monthly);
    json_t *ex = json_array();
    snprintf(line, sizeof line, "上年度人均消费支出：%s 元/年", exp_text);
    json_array_append_new(ex, json_string(line));
    snprintf(line, sizeof line, "测算比例：%s%%（规划要求为上年度人均消费支出的 %s%%–%s%%）", pct,
             pct_min, pct_max);
    json_array_append_new(ex, json_string(line));
    snprintf(line, sizeof line, "年保障额 = %s 元 × %s%% %s", exp_text, pct, annual);
    json_array_append_new(ex, json_string(line));
    snprintf(line, sizeof line, "月保障额 = 年保障额 ÷ 12 %s", monthly);
    json_array_append_new(ex, json_string(line));
    if (n % PER_YUAN_MONTH == 0)
        snprintf(line, sizeof line, "月保障额恰为整元，无需取整：低保标准 %" PRId64 " 元/人·月",
                 yuan);
    else
        snprintf(line, sizeof line, "按惯例向上取整到元：低保标准 %" PRId64 " 元/人·月", yuan);
    json_array_append_new(ex, json_string(line));
    out->explanation = ex;
    return 0;
}
