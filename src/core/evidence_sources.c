/*
 * The source kinds of department data, as declarations: the columns of each
 * template, how each is validated and which evidence_records column it fills
 * (see evidence.h and migration 011).  A new source, or a new column a
 * department adds, is a change here and nowhere else: templates, validation,
 * the API's template list and docs/templates/ follow.
 *
 * Money columns are in yuan in the files and fen in the database; the area
 * of property is in m² with two decimals and stored in 0.01 m².  The example
 * rows are synthetic people with valid check characters.
 */
#include <string.h>

#include "core/evidence.h"

#define P1 "321302196503120015"
#define N1 "张建国"
#define P2 "321311197809200027"
#define N2 "李秀英"

/* Every template starts with the person. */
#define PERSON                                                                                        \
    {"身份证号",                                                                                      \
     "id_number",                                                                                     \
     MZ_EV_ID_NUMBER,                                                                                 \
     MZ_EV_SLOT_ID_NUMBER,                                                                            \
     1,                                                                                               \
     0,                                                                                               \
     0,                                                                                               \
     NULL,                                                                                            \
     {P1, P2},                                                                                        \
     "18位公民身份号码，校验位须正确；xlsx 中请设为文本格式"},                                        \
    {                                                                                                 \
        "姓名", "name", MZ_EV_NAME, MZ_EV_SLOT_NAME, 1, 0, 0, NULL, {N1, N2}, "姓名，1至50个字" \
    }

/* One trillion yuan in fen: anything above is a typo, not data. */
#define MONEY_MAX 100000000000000LL
#define COL_TEXT(h, a, slot, req, len, e1, e2, doc)                                                \
    {                                                                                              \
        h, a, MZ_EV_TEXT, slot, req, 0, len, NULL, {e1, e2}, doc                                   \
    }
#define COL_CODE(h, a, slot, req, list, e1, e2, doc)                                               \
    {                                                                                              \
        h, a, MZ_EV_CODE, slot, req, 0, 0, list, {e1, e2}, doc                                     \
    }
#define COL_DATE(h, a, slot, req, e1, e2, doc)                                                     \
    {                                                                                              \
        h, a, MZ_EV_DATE, slot, req, 0, 0, NULL, {e1, e2}, doc                                     \
    }
#define COL_MONTH(h, a, req, e1, e2, doc)                                                          \
    {                                                                                              \
        h, a, MZ_EV_MONTH, MZ_EV_SLOT_MONTH, req, 0, 0, NULL, {e1, e2}, doc                        \
    }
#define COL_MONEY(h, a, slot, req, e1, e2, doc)                                                    \
    {                                                                                              \
        h, a, MZ_EV_MONEY, slot, req, 0, MONEY_MAX, NULL, {e1, e2}, doc                            \
    }

static const char *const relations[] = {"户主",   "配偶",     "子女", "父母",
                                        "孙子女", "兄弟姐妹", "其他", NULL};
static const mz_ev_column hukou[] = {
    PERSON,
    COL_TEXT("户号", "household_no", MZ_EV_SLOT_REF, 1, 32, "3213020012345", "3213110023456",
             "公安户籍户号"),
    COL_CODE("与户主关系", "relation", MZ_EV_SLOT_KIND, 1, relations, "户主", "配偶", "与户主关系"),
    COL_TEXT("户籍地址", "address", MZ_EV_SLOT_NOTE, 0, 200, "宿城区幸福街道幸福路1号",
             "宿豫区顺河街道河滨路8号", "户籍登记地址"),
    COL_DATE("迁入日期", "moved_in_on", MZ_EV_SLOT_DATE_FROM, 0, "1998-05-01", "2003-09-15",
             "落户（迁入）日期"),
    COL_DATE("迁出日期", "moved_out_on", MZ_EV_SLOT_DATE_TO, 0, "", "",
             "迁出或注销户口日期，仍在户的留空"),
};

static const char *const death_channels[] = {"公安", "卫健", "殡葬", "其他", NULL};
static const mz_ev_column death[] = {
    PERSON,
    COL_DATE("死亡日期", "death_date", MZ_EV_SLOT_DATE_FROM, 1, "2025-03-02", "2025-06-18",
             "死亡日期"),
    COL_CODE("信息来源", "channel", MZ_EV_SLOT_KIND, 1, death_channels, "公安", "殡葬",
             "死亡信息的来源渠道"),
    COL_TEXT("死亡证明编号", "certificate_no", MZ_EV_SLOT_REF, 0, 32, "D3213022025000123", "",
             "死亡医学证明或火化证明编号"),
    COL_TEXT("死亡地点", "place", MZ_EV_SLOT_NOTE, 0, 100, "宿迁市第一人民医院", "家中",
             "死亡地点"),
};

static const char *const pension_schemes[] = {"企业职工", "机关事业", "城乡居民", NULL};
static const mz_ev_column pension[] = {
    PERSON,
    COL_CODE("险种", "scheme", MZ_EV_SLOT_KIND, 1, pension_schemes, "企业职工", "城乡居民",
             "养老保险险种"),
    COL_MONTH("发放月份", "month", 1, "2025-10", "2025-10", "养老金所属月份"),
    COL_MONEY("月养老金", "monthly_amount", MZ_EV_SLOT_AMOUNT, 1, "2860.50", "235",
              "当月发放的养老金（元，至多两位小数）"),
    COL_DATE("开始领取日期", "start_date", MZ_EV_SLOT_DATE_FROM, 0, "2025-04-01", "2020-01-01",
             "开始领取养老金的日期"),
};

static const char *const insurance_kinds[] = {"养老", "医疗", "失业", "工伤", "生育", NULL};
static const mz_ev_column social_insurance[] = {
    PERSON,
    COL_CODE("险种", "insurance", MZ_EV_SLOT_KIND, 1, insurance_kinds, "养老", "医疗", "参保险种"),
    COL_MONTH("缴费月份", "month", 1, "2025-10", "2025-10", "缴费所属月份"),
    COL_MONEY("缴费基数", "base", MZ_EV_SLOT_AMOUNT, 1, "4500", "3800.00",
              "缴费基数（元），反映工资收入"),
    COL_MONEY("缴费金额", "amount", MZ_EV_SLOT_AMOUNT2, 0, "360", "76",
              "个人与单位合计缴费金额（元）"),
    COL_TEXT("参保单位", "employer", MZ_EV_SLOT_NOTE, 0, 100, "宿迁市某某物流有限公司", "",
             "参保单位名称，灵活就业留空"),
};

static const mz_ev_column unemployment[] = {
    PERSON,
    COL_MONTH("发放月份", "month", 1, "2025-10", "2025-11", "失业保险金所属月份"),
    COL_MONEY("月失业保险金", "monthly_amount", MZ_EV_SLOT_AMOUNT, 1, "1880", "1880",
              "当月发放的失业保险金（元）"),
    COL_DATE("领取开始日期", "start_date", MZ_EV_SLOT_DATE_FROM, 0, "2025-08-01", "2025-09-01",
             "开始领取日期"),
    COL_DATE("领取结束日期", "end_date", MZ_EV_SLOT_DATE_TO, 0, "2026-07-31", "2026-02-28",
             "领取期满日期"),
};

static const char *const visit_kinds[] = {"住院", "门诊慢特病", "门诊", NULL};
static const mz_ev_column medical[] = {
    PERSON,
    COL_CODE("就诊类型", "visit_kind", MZ_EV_SLOT_KIND, 1, visit_kinds, "住院", "门诊慢特病",
             "就诊类型"),
    COL_DATE("入院日期", "admitted_on", MZ_EV_SLOT_DATE_FROM, 1, "2025-07-03", "2025-08-12",
             "入院（就诊）日期"),
    COL_DATE("出院日期", "discharged_on", MZ_EV_SLOT_DATE_TO, 0, "2025-07-21", "", "出院日期"),
    COL_MONEY("医疗总费用", "total_cost", MZ_EV_SLOT_AMOUNT2, 1, "58230.40", "1260",
              "医疗总费用（元）"),
    COL_MONEY("个人自付", "out_of_pocket", MZ_EV_SLOT_AMOUNT, 1, "21035.12", "310.5",
              "医保报销后个人负担的费用（元）"),
    COL_TEXT("医疗机构", "hospital", MZ_EV_SLOT_NOTE, 0, 100, "宿迁市第一人民医院",
             "宿豫区人民医院", "医疗机构名称"),
};

static const char *const property_uses[] = {"住宅",     "商业", "办公", "工业",
                                            "车位车库", "其他", NULL};
static const mz_ev_column property[] = {
    PERSON,
    COL_TEXT("不动产权证号", "certificate_no", MZ_EV_SLOT_REF, 1, 64,
             "苏(2020)宿迁市不动产权第0012345号", "苏(2018)宿迁市不动产权第0054321号",
             "不动产权证书号"),
    COL_CODE("用途", "use", MZ_EV_SLOT_KIND, 1, property_uses, "住宅", "车位车库", "规划用途"),
    {"建筑面积",
     "area",
     MZ_EV_DECIMAL2,
     MZ_EV_SLOT_QTY,
     1,
     0,
     100000000,
     NULL,
     {"89.56", "12.5"},
     "建筑面积（平方米，至多两位小数）"},
    COL_TEXT("坐落", "location", MZ_EV_SLOT_NOTE, 0, 200, "宿城区幸福街道幸福花园3幢201室",
             "宿城区幸福街道幸福花园地下车位018号", "不动产坐落"),
    COL_DATE("登记日期", "registered_on", MZ_EV_SLOT_DATE_FROM, 0, "2020-06-30", "2018-11-02",
             "登记日期"),
    COL_DATE("注销日期", "cancelled_on", MZ_EV_SLOT_DATE_TO, 0, "", "",
             "转移或注销登记日期，仍持有的留空"),
};

static const char *const vehicle_kinds[] = {"小型汽车", "大型汽车", "挂车", "摩托车",
                                            "低速汽车", "拖拉机",   "其他", NULL};
static const mz_ev_column vehicle[] = {
    PERSON,
    COL_TEXT("号牌号码", "plate", MZ_EV_SLOT_REF, 1, 16, "苏N12345", "苏NA6789", "机动车号牌"),
    COL_CODE("车辆类型", "vehicle_kind", MZ_EV_SLOT_KIND, 1, vehicle_kinds, "小型汽车", "摩托车",
             "车辆类型"),
    COL_DATE("初次登记日期", "registered_on", MZ_EV_SLOT_DATE_FROM, 1, "2019-04-18", "2021-08-09",
             "初次登记日期"),
    COL_MONEY("车辆价值", "value", MZ_EV_SLOT_AMOUNT, 0, "68000", "4500", "购置价或评估价值（元）"),
    COL_DATE("注销日期", "cancelled_on", MZ_EV_SLOT_DATE_TO, 0, "", "",
             "转移、报废或注销日期，仍持有的留空"),
};

static const char *const business_kinds[] = {
    "个体工商户", "有限责任公司",   "股份有限公司", "个人独资企业",
    "合伙企业",   "农民专业合作社", "其他",         NULL};
static const mz_ev_column business[] = {
    PERSON,
    COL_TEXT("统一社会信用代码", "credit_code", MZ_EV_SLOT_REF, 1, 18, "92321302MA1XXXXX1A",
             "91321311MA2YYYYY2B", "市场主体的统一社会信用代码"),
    COL_TEXT("主体名称", "entity_name", MZ_EV_SLOT_NOTE, 1, 100, "宿城区建国便利店",
             "宿迁某某商贸有限公司", "市场主体名称"),
    COL_CODE("主体类型", "entity_kind", MZ_EV_SLOT_KIND, 1, business_kinds, "个体工商户",
             "有限责任公司", "市场主体类型"),
    COL_MONEY("注册资本", "capital", MZ_EV_SLOT_AMOUNT, 0, "50000", "1000000",
              "注册资本或出资额（元）"),
    COL_DATE("成立日期", "founded_on", MZ_EV_SLOT_DATE_FROM, 0, "2016-03-09", "2019-12-20",
             "成立日期"),
    COL_DATE("注销日期", "closed_on", MZ_EV_SLOT_DATE_TO, 0, "", "", "注销或吊销日期，存续的留空"),
};

static const mz_ev_column housing_fund[] = {
    PERSON,
    COL_MONTH("缴存月份", "month", 1, "2025-10", "2025-10", "缴存所属月份"),
    COL_MONEY("月缴存额", "monthly_deposit", MZ_EV_SLOT_AMOUNT, 1, "720", "456.8",
              "个人与单位合计月缴存额（元）"),
    COL_MONEY("账户余额", "balance", MZ_EV_SLOT_AMOUNT2, 0, "35120.66", "8800", "账户余额（元）"),
    COL_TEXT("缴存单位", "employer", MZ_EV_SLOT_NOTE, 0, 100, "宿迁市某某物流有限公司",
             "宿迁某某商贸有限公司", "缴存单位名称"),
};

static const char *const income_kinds[] = {"工资薪金", "劳务报酬",     "稿酬", "特许权使用费",
                                           "经营所得", "财产租赁所得", "其他", NULL};
static const mz_ev_column tax[] = {
    PERSON,
    COL_MONTH("所属月份", "month", 1, "2025-10", "2025-10", "收入所属月份"),
    COL_CODE("所得项目", "income_kind", MZ_EV_SLOT_KIND, 1, income_kinds, "工资薪金", "劳务报酬",
             "个人所得税所得项目"),
    COL_MONEY("收入额", "income", MZ_EV_SLOT_AMOUNT, 1, "5200", "1800", "当月收入额（元）"),
    COL_MONEY("已缴税额", "tax_paid", MZ_EV_SLOT_AMOUNT2, 0, "6", "0", "已缴或扣缴税额（元）"),
    COL_TEXT("扣缴义务人", "payer", MZ_EV_SLOT_NOTE, 0, 100, "宿迁市某某物流有限公司",
             "宿迁某某商贸有限公司", "扣缴义务人名称"),
};

static const mz_ev_column deposit[] = {
    PERSON,
    COL_TEXT("开户银行", "bank", MZ_EV_SLOT_NOTE, 1, 64, "中国农业银行宿迁分行",
             "江苏宿迁农村商业银行", "开户银行"),
    COL_TEXT("账号", "account", MZ_EV_SLOT_REF, 0, 32, "6228480000000000011", "6231234500000000022",
             "账号（可只提供后四位）"),
    COL_MONEY("余额", "balance", MZ_EV_SLOT_AMOUNT, 1, "12500.35", "800",
              "余额（元），定期与活期合计"),
    COL_DATE("余额日期", "balance_on", MZ_EV_SLOT_DATE_FROM, 1, "2025-09-30", "2025-09-30",
             "余额所属日期"),
};

static const char *const disability_kinds[] = {"视力", "听力", "言语", "肢体",
                                               "智力", "精神", "多重", NULL};
static const mz_ev_column disability[] = {
    PERSON,
    COL_TEXT("残疾证号", "certificate_no", MZ_EV_SLOT_REF, 1, 32, "32130219650312001542",
             "32131119780920002714", "第二代残疾人证号"),
    COL_CODE("残疾类别", "disability_kind", MZ_EV_SLOT_KIND, 1, disability_kinds, "肢体", "视力",
             "残疾类别"),
    {"残疾等级",
     "grade",
     MZ_EV_INT,
     MZ_EV_SLOT_QTY,
     1,
     1,
     4,
     NULL,
     {"2", "1"},
     "残疾等级，1至4级（1级最重）"},
    COL_DATE("发证日期", "issued_on", MZ_EV_SLOT_DATE_FROM, 0, "2019-10-11", "2021-02-03",
             "发证日期"),
    COL_DATE("有效期至", "valid_until", MZ_EV_SLOT_DATE_TO, 0, "2029-10-10", "2031-02-02",
             "证件有效期截止日期"),
};

#define SRC(code, name, dept, doc, cols)                                                           \
    {                                                                                              \
        code, name, dept, doc, cols, (int)(sizeof cols / sizeof cols[0])                           \
    }
static const mz_ev_source sources[] = {
    SRC("hukou", "户籍", "市公安局", "户籍登记：户号、与户主关系、迁入迁出，核对家庭成员", hukou),
    SRC("death", "死亡", "市公安局", "死亡信息（公安注销、医院死亡证明、殡葬火化），用于停发待遇",
        death),
    SRC("pension", "养老金", "市人力资源和社会保障局", "养老金按月发放记录，计入家庭收入", pension),
    SRC("social_insurance", "社保缴费", "市人力资源和社会保障局",
        "社会保险缴费记录，缴费基数反映就业与工资收入", social_insurance),
    SRC("unemployment", "失业保险金", "市人力资源和社会保障局", "失业保险金按月发放记录",
        unemployment),
    SRC("medical", "医疗费用", "市医疗保障局", "住院与门诊慢特病费用及个人自付，用于刚性支出认定",
        medical),
    SRC("property", "不动产", "市自然资源和规划局", "不动产登记，核对房产套数与面积", property),
    SRC("vehicle", "车辆", "市公安局交通警察支队", "机动车登记，核对车辆数量与价值", vehicle),
    SRC("business", "市场主体", "市市场监督管理局", "市场主体登记（个体户、企业），核对经营情况",
        business),
    SRC("housing_fund", "住房公积金", "宿迁市住房公积金管理中心",
        "住房公积金缴存，反映就业与工资收入", housing_fund),
    SRC("tax", "个人所得税", "国家税务总局宿迁市税务局", "个人所得税收入申报与扣缴记录", tax),
    SRC("deposit", "银行存款", "人民银行宿迁市分行", "银行存款余额（经授权查询）", deposit),
    SRC("disability", "残疾人证", "市残疾人联合会", "第二代残疾人证：类别与等级", disability),
};

const mz_ev_source *mz_ev_sources(int *n)
{
    *n = (int)(sizeof sources / sizeof sources[0]);
    return sources;
}

const mz_ev_source *mz_ev_source_find(const char *code)
{
    for (size_t i = 0; code && i < sizeof sources / sizeof sources[0]; i++)
        if (strcmp(sources[i].code, code) == 0)
            return &sources[i];
    return NULL;
}

const char *mz_ev_type_name(mz_ev_type t)
{
    switch (t) {
    case MZ_EV_ID_NUMBER:
        return "身份证号";
    case MZ_EV_NAME:
        return "姓名";
    case MZ_EV_DATE:
        return "日期";
    case MZ_EV_MONTH:
        return "月份";
    case MZ_EV_MONEY:
        return "金额（元）";
    case MZ_EV_DECIMAL2:
        return "数值（两位小数）";
    case MZ_EV_INT:
        return "整数";
    case MZ_EV_CODE:
        return "代码";
    case MZ_EV_TEXT:
        return "文本";
    }
    return "";
}
