/*
 * 社会救助 case types as declarations (see case_types.h and core/case.h for
 * what each column means).  The workflows follow RULES.md:
 *
 * 低保 [A, C]: the application is made online or entered by the village on
 * the applicant's behalf (with the signed 核对授权书 recorded); the township
 * accepts it or lists the missing materials once (a second 补正 is refused);
 * the investigation starts within 3 working days and records at least two
 * investigators at the home visit — a household may be examined without a
 * visit (邻里访问, 信函索证), except the relatives of staff and village cadres,
 * whose cases are flagged at registration and always visited; the county's
 * 信息核对 starts within 3 working days and records the rule computation; the
 * village 公示 runs 7 days, and an objection sends the case back to the
 * investigation or to a 民主评议, whose result is publicised anew (7 more
 * days); the county decides within 10 working days,
 * or the township where the region's policy dibao.township_approval = 1;
 * approval starts the enrollment the next month, refusal needs reasons and
 * the notice is due within 3 working days.
 *
 * 特困 [F]: the same shape with a 15-working-day township investigation and a
 * 15-working-day county decision; a termination is proposed by the township,
 * publicised for 7 days and decided by the county.
 *
 * 低保 lifecycle [A Art 31, 33]: 复核, 调整, 停保 and 恢复发放 (below, each
 * with its own comment) change an enrollment only through their decisions.
 *
 * 临时救助 [H]: 急难型 is helped first by the township approver within the
 * township's limit (policy temporary.township_limit) and the paperwork is
 * completed afterwards; otherwise the township investigates and the township
 * approves up to its limit, the county above it.
 */
#include "systems/assistance/case_types.h"

#include <string.h>

#include "base/date.h"
#include "base/mem.h"
#include "systems/assistance/assess.h"
#include "systems/assistance/verification.h" /* 核对: verified incomes in the assess hook */
#include "systems/assistance/notices.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

enum { V = MZ_CASE_VILLAGE, T = MZ_CASE_TOWNSHIP, C = MZ_CASE_COUNTY };

static const mz_case_attachment_kind kinds[] = {
    {"application_form", "申请书"},
    {"authorisation", "家庭经济状况核对授权书"},
    {"id_card", "身份证明"},
    {"visit_record", "入户调查表"},
    {"deliberation_record", "民主评议记录"},
    {"refusal_notice", "不予批准通知书送达回证"},
    {"termination_notice", "终止通知书送达回证"},
    {"other", "其他材料"},
};

/* ---- 低保 ---------------------------------------------------------------- */

static const mz_case_state dibao_states[] = {
    {"applied", "已申请", 0, 0, 0},
    {"supplementing", "待补正", 0, 0, 0},
    {"investigating", "入户调查", 3, 0, 0},
    {"verifying", "信息核对", 3, 0, 0},
    {"publicity", "公示", 0, 1, 0},
    {"deliberation", "民主评议", 0, 0, 0},
    {"county_review", "县级审批", 10, 0, 0},
    {"township_review", "乡镇审批", 10, 0, 0},
    {"refusal_notice", "待送达不予批准通知", 3, 0, 0},
    {"approved", "已批准", 0, 0, 1},
    {"refused", "不予批准", 0, 0, 1},
    {"withdrawn", "已撤回", 0, 0, 1},
};

static const mz_case_transition dibao_transitions[] = {
    {"applied", "supplement", "一次性告知补正材料", "supplementing", "worker", T,
     "first_supplement,missing_listed", "record_missing", "missing", ""},
    {"supplementing", "resubmit", "补齐材料", "applied", "worker", V, "", "record_authorisation",
     "authorisation_recorded", ""},
    {"supplementing", "resubmit", "补齐材料", "applied", "worker", T, "", "record_authorisation",
     "authorisation_recorded", ""},
    {"applied", "accept", "受理", "investigating", "worker", T, "authorisation_recorded", "", "",
     "application_form,authorisation"},
    {"investigating", "investigate", "入户调查", "verifying", "worker", T, "two_investigators",
     "record_visit", "investigators,findings", "visit_record"},
    {"investigating", "investigate_without_visit", "非入户调查（邻里访问、信函索证）", "verifying",
     "worker", T, "not_relative_or_visited,comment_given", "", "findings", ""},
    {"verifying", "verify", "信息核对", "publicity", "worker", C, "assessment_given",
     "record_assessment,open_publicity", "assessment", ""},
    {"publicity", "submit", "公示结束，报送审批", "county_review", "worker", T,
     "publicity_over_without_open_objections,approval_by_county", "", "", ""},
    {"publicity", "submit", "公示结束，报送审批", "township_review", "worker", T,
     "publicity_over_without_open_objections,approval_by_township", "", "", ""},
    {"publicity", "reinvestigate", "异议成立，重新调查", "investigating", "worker", T,
     "open_objection,comment_given", "objections_reinvestigate", "", ""},
    {"publicity", "deliberate", "异议，组织民主评议", "deliberation", "worker", T, "open_objection",
     "", "", ""},
    {"deliberation", "deliberated", "民主评议结束，重新公示", "publicity", "worker", T,
     "comment_given", "objections_deliberated,open_publicity", "", "deliberation_record"},
    {"county_review", "approve", "批准", "approved", "approver", C, "", "approve", "", ""},
    {"county_review", "refuse", "不予批准", "refusal_notice", "approver", C, "reasons_given",
     "refuse", "reasons", ""},
    {"township_review", "approve", "批准", "approved", "approver", T, "", "approve", "", ""},
    {"township_review", "refuse", "不予批准", "refusal_notice", "approver", T, "reasons_given",
     "refuse", "reasons", ""},
    {"refusal_notice", "notify", "送达不予批准通知", "refused", "worker", T, "", "", "",
     "refusal_notice"},
    {"applied", "withdraw", "撤回申请", "withdrawn", "worker", T, "comment_given", "", "", ""},
    {"supplementing", "withdraw", "撤回申请", "withdrawn", "worker", T, "comment_given", "", "",
     ""},
};

const mz_case_type mz_assist_case_dibao = {
    .code = "dibao",
    .name = "最低生活保障",
    .policy_program = "dibao",
    .initial = "applied",
    .creators = "village_worker,township_worker",
    .create_guards = "",
    .create_data_keys = "reason,relative_note",
    .publicity_days = 7,
    .states = dibao_states,
    .nstates = N(dibao_states),
    .transitions = dibao_transitions,
    .ntransitions = N(dibao_transitions),
    .attachment_kinds = kinds,
    .nattachment_kinds = N(kinds),
};

/* ---- 特困 ---------------------------------------------------------------- */

static const mz_case_state tekun_states[] = {
    {"applied", "已申请", 0, 0, 0},
    {"supplementing", "待补正", 0, 0, 0},
    {"investigating", "乡镇调查", 15, 0, 0},
    {"publicity", "公示", 0, 1, 0},
    {"deliberation", "民主评议", 0, 0, 0},
    {"county_review", "县级审批", 15, 0, 0},
    {"refusal_notice", "待送达不予批准通知", 3, 0, 0},
    {"approved", "已批准", 0, 0, 1},
    {"refused", "不予批准", 0, 0, 1},
    {"withdrawn", "已撤回", 0, 0, 1},
};

static const mz_case_transition tekun_transitions[] = {
    {"applied", "supplement", "一次性告知补正材料", "supplementing", "worker", T,
     "first_supplement,missing_listed", "record_missing", "missing", ""},
    {"supplementing", "resubmit", "补齐材料", "applied", "worker", V, "", "record_authorisation",
     "authorisation_recorded", ""},
    {"supplementing", "resubmit", "补齐材料", "applied", "worker", T, "", "record_authorisation",
     "authorisation_recorded", ""},
    {"applied", "accept", "受理", "investigating", "worker", T, "authorisation_recorded", "", "",
     "application_form,authorisation"},
    {"investigating", "investigate", "入户调查及核对", "publicity", "worker", T,
     "two_investigators,assessment_given", "record_visit,record_assessment,open_publicity",
     "investigators,findings,assessment", "visit_record"},
    {"publicity", "submit", "公示结束，报送审批", "county_review", "worker", T,
     "publicity_over_without_open_objections", "", "", ""},
    {"publicity", "reinvestigate", "异议成立，重新调查", "investigating", "worker", T,
     "open_objection,comment_given", "objections_reinvestigate", "", ""},
    {"publicity", "deliberate", "异议，组织民主评议", "deliberation", "worker", T, "open_objection",
     "", "", ""},
    {"deliberation", "deliberated", "民主评议结束，重新公示", "publicity", "worker", T,
     "comment_given", "objections_deliberated,open_publicity", "", "deliberation_record"},
    {"county_review", "approve", "批准", "approved", "approver", C, "", "approve", "", ""},
    {"county_review", "refuse", "不予批准", "refusal_notice", "approver", C, "reasons_given",
     "refuse", "reasons", ""},
    {"refusal_notice", "notify", "送达不予批准通知", "refused", "worker", T, "", "", "",
     "refusal_notice"},
    {"applied", "withdraw", "撤回申请", "withdrawn", "worker", T, "comment_given", "", "", ""},
    {"supplementing", "withdraw", "撤回申请", "withdrawn", "worker", T, "comment_given", "", "",
     ""},
};

const mz_case_type mz_assist_case_tekun = {
    .code = "tekun",
    .name = "特困人员救助供养",
    .policy_program = "tekun",
    .initial = "applied",
    .creators = "village_worker,township_worker",
    .create_guards = "",
    .create_data_keys = "reason,relative_note,support_mode",
    .publicity_days = 7,
    .states = tekun_states,
    .nstates = N(tekun_states),
    .transitions = tekun_transitions,
    .ntransitions = N(tekun_transitions),
    .attachment_kinds = kinds,
    .nattachment_kinds = N(kinds),
};

static const mz_case_state termination_states[] = {
    {"proposed", "终止提议", 0, 0, 0},       {"publicity", "公示", 0, 1, 0},
    {"county_review", "县级审批", 15, 0, 0}, {"terminated", "已终止", 0, 0, 1},
    {"kept", "继续供养", 0, 0, 1},
};

static const mz_case_transition termination_transitions[] = {
    {"proposed", "publicize", "核实后公示", "publicity", "worker", T, "comment_given",
     "open_publicity", "", ""},
    {"publicity", "submit", "公示结束，报送审批", "county_review", "worker", T,
     "publicity_over_without_open_objections", "", "", ""},
    {"publicity", "reinvestigate", "异议成立，重新核实", "proposed", "worker", T,
     "open_objection,comment_given", "objections_reinvestigate", "", ""},
    {"county_review", "terminate", "批准终止", "terminated", "approver", C, "reasons_given",
     "terminate", "reasons", ""},
    {"county_review", "keep", "不予终止", "kept", "approver", C, "comment_given", "keep", "", ""},
};

const mz_case_type mz_assist_case_tekun_termination = {
    .code = "tekun_termination",
    .name = "特困人员终止供养",
    .policy_program = "tekun",
    .initial = "proposed",
    .creators = "township_worker",
    .create_guards = "",
    .create_data_keys = "reason",
    .publicity_days = 7,
    .states = termination_states,
    .nstates = N(termination_states),
    .transitions = termination_transitions,
    .ntransitions = N(termination_transitions),
    .attachment_kinds = kinds,
    .nattachment_kinds = N(kinds),
};

/* ---- 低保复核 ------------------------------------------------------------ */

/*
 * 低保复核 [A Art 31]: scheduled for a household with a 低保 enrollment by
 * `minzheng review schedule` or POST /reviews/schedule (the command-line
 * actor, role "cli", or a county or township worker) or opened by the
 * township; the township rechecks, the registry's calculator recomputing
 * the assessment with the current data (with the 渐退 test, see
 * assess_household); the county keeps the enrollment, adjusts its amount to
 * the new assessment, starts the 渐退 when the assessment says dibao_taper,
 * stops it, or suspends it (暂停, reasons required: 失联, 拒不配合复核,
 * 服刑…) — all from the next month.  A household that cannot be rechecked
 * (out of contact, refusing) is proposed for suspension by the township
 * without a recheck.
 */
static const mz_case_state review_states[] = {
    {"scheduled", "待复核", 0, 0, 0},
    {"proposed", "复核结果待审批", 10, 0, 0},
    {"suspend_proposed", "提请暂停待审批", 10, 0, 0},
    {"kept", "维持", 0, 0, 1},
    {"adjusted", "已调整", 0, 0, 1},
    {"tapered", "已渐退", 0, 0, 1},
    {"suspended", "已暂停", 0, 0, 1},
    {"stopped", "已停保", 0, 0, 1},
};

static const mz_case_transition review_transitions[] = {
    {"scheduled", "recheck", "复核核对", "proposed", "worker", T, "assessment_given",
     "record_assessment", "assessment,findings", ""},
    {"scheduled", "propose_suspend", "无法复核，提请暂停", "suspend_proposed", "worker", T,
     "reasons_given", "", "reasons,findings", ""},
    {"suspend_proposed", "recheck", "复核核对", "proposed", "worker", T, "assessment_given",
     "record_assessment", "assessment,findings", ""},
    {"proposed", "keep", "维持", "kept", "approver", C, "", "keep", "", ""},
    {"proposed", "adjust", "调整保障金", "adjusted", "approver", C, "", "adjust", "", ""},
    {"proposed", "taper", "渐退（保持原保障金）", "tapered", "approver", C, "taper_assessed",
     "taper", "", ""},
    {"proposed", "stop", "停发保障金", "stopped", "approver", C, "reasons_given", "terminate",
     "reasons", ""},
    {"proposed", "suspend", "暂停发放", "suspended", "approver", C, "reasons_given", "suspend",
     "reasons", ""},
    {"suspend_proposed", "suspend", "暂停发放", "suspended", "approver", C, "reasons_given",
     "suspend", "reasons", ""},
    {"suspend_proposed", "keep", "不予暂停", "kept", "approver", C, "comment_given", "keep", "",
     ""},
};

const mz_case_type mz_assist_case_dibao_review = {
    .code = "dibao_review",
    .name = "低保复核",
    .policy_program = "dibao",
    .initial = "scheduled",
    .creators = "township_worker,county_worker,cli",
    .create_guards = "",
    .create_data_keys = "reason",
    .publicity_days = 0,
    .states = review_states,
    .nstates = N(review_states),
    .transitions = review_transitions,
    .ntransitions = N(review_transitions),
    .attachment_kinds = kinds,
    .nattachment_kinds = N(kinds),
};

/* ---- 低保调整 ------------------------------------------------------------ */

/*
 * 低保调整: a change reported by the household (income, members) or found by
 * staff, outside the scheduled reviews.  The village or township registers
 * it, the township investigates (two investigators) and the registry's
 * calculator recomputes; the county decides, or the township where the
 * region's policy dibao.township_approval = 1 (as for the 低保 approval):
 * adjust the amount, start the 渐退, stop, or keep — from the next month.
 * The investigation starts within 3 working days, the decision within 10.
 */
static const mz_case_state adjustment_states[] = {
    {"reported", "已登记变更", 3, 0, 0},
    {"county_review", "县级审批", 10, 0, 0},
    {"township_review", "乡镇审批", 10, 0, 0},
    {"adjusted", "已调整", 0, 0, 1},
    {"tapered", "已渐退", 0, 0, 1},
    {"stopped", "已停保", 0, 0, 1},
    {"kept", "维持", 0, 0, 1},
    {"withdrawn", "已撤回", 0, 0, 1},
};

#define ADJUSTMENT_DECISIONS(state, level)                                                         \
    {state, "adjust", "调整保障金", "adjusted", "approver", level, "", "adjust", "", ""},          \
        {state,      "taper", "渐退（保持原保障金）", "tapered",                                   \
         "approver", level,   "taper_assessed",       "taper",                                     \
         "",         ""},                                                                          \
        {state, "stop",          "停发保障金", "stopped", "approver",                              \
         level, "reasons_given", "terminate",  "reasons", ""},                                     \
    {                                                                                              \
        state, "keep", "维持", "kept", "approver", level, "comment_given", "keep", "", ""          \
    }

static const mz_case_transition adjustment_transitions[] = {
    {"reported", "investigate", "调查核对", "county_review", "worker", T,
     "approval_by_county,two_investigators,assessment_given", "record_visit,record_assessment",
     "investigators,findings,assessment", ""},
    {"reported", "investigate", "调查核对", "township_review", "worker", T,
     "approval_by_township,two_investigators,assessment_given", "record_visit,record_assessment",
     "investigators,findings,assessment", ""},
    {"reported", "withdraw", "撤回", "withdrawn", "worker", T, "comment_given", "", "", ""},
    ADJUSTMENT_DECISIONS("county_review", C),
    ADJUSTMENT_DECISIONS("township_review", T),
};

const mz_case_type mz_assist_case_dibao_adjustment = {
    .code = "dibao_adjustment",
    .name = "低保调整",
    .policy_program = "dibao",
    .initial = "reported",
    .creators = "village_worker,township_worker",
    .create_guards = "",
    .create_data_keys = "reason",
    .publicity_days = 0,
    .states = adjustment_states,
    .nstates = N(adjustment_states),
    .transitions = adjustment_transitions,
    .ntransitions = N(adjustment_transitions),
    .attachment_kinds = kinds,
    .nattachment_kinds = N(kinds),
};

/* ---- 低保停保 ------------------------------------------------------------ */

/*
 * 低保停保: the township proposes to stop a household's 低保 (income or
 * property above the limits, moved away, fraud…) and, after checking,
 * submits it; the county decides, or the township where approval is
 * delegated (dibao.township_approval = 1).  RULES.md §1 names no 公示 for
 * stopping 低保 (only 特困 termination is publicised, §2), so there is none.
 * A stop needs reasons; it takes effect from the next month.
 */
static const mz_case_state dibao_termination_states[] = {
    {"proposed", "停保提议", 10, 0, 0},
    {"county_review", "县级审批", 10, 0, 0},
    {"township_review", "乡镇审批", 10, 0, 0},
    {"terminated", "已停保", 0, 0, 1},
    {"kept", "继续保障", 0, 0, 1},
    {"withdrawn", "已撤回", 0, 0, 1},
};

static const mz_case_transition dibao_termination_transitions[] = {
    {"proposed", "submit", "核实后报送审批", "county_review", "worker", T,
     "approval_by_county,comment_given", "", "findings", ""},
    {"proposed", "submit", "核实后报送审批", "township_review", "worker", T,
     "approval_by_township,comment_given", "", "findings", ""},
    {"proposed", "withdraw", "撤回", "withdrawn", "worker", T, "comment_given", "", "", ""},
    {"county_review", "terminate", "批准停保", "terminated", "approver", C, "reasons_given",
     "terminate", "reasons", ""},
    {"county_review", "keep", "不予停保", "kept", "approver", C, "comment_given", "keep", "", ""},
    {"township_review", "terminate", "批准停保", "terminated", "approver", T, "reasons_given",
     "terminate", "reasons", ""},
    {"township_review", "keep", "不予停保", "kept", "approver", T, "comment_given", "keep", "", ""},
};

const mz_case_type mz_assist_case_dibao_termination = {
    .code = "dibao_termination",
    .name = "低保停保",
    .policy_program = "dibao",
    .initial = "proposed",
    .creators = "township_worker",
    .create_guards = "",
    .create_data_keys = "reason",
    .publicity_days = 0,
    .states = dibao_termination_states,
    .nstates = N(dibao_termination_states),
    .transitions = dibao_termination_transitions,
    .ntransitions = N(dibao_termination_transitions),
    .attachment_kinds = kinds,
    .nattachment_kinds = N(kinds),
};

/* ---- 低保恢复发放 -------------------------------------------------------- */

/*
 * 低保恢复发放: the township worker registers that a suspended household is
 * back (contact restored, cooperating, released…) and the township approver
 * resumes payment from the next month, with the reason as the comment.
 * Whether the suspended months are paid back is the approver's explicit
 * choice between two actions: by default they are not (the suspension was
 * for cause); "恢复并补发" pays them as 补发 with the next payroll.
 */
static const mz_case_state resume_states[] = {
    {"proposed", "恢复申请", 10, 0, 0},
    {"resumed", "已恢复发放", 0, 0, 1},
    {"refused", "不予恢复", 0, 0, 1},
};

static const mz_case_transition resume_transitions[] = {
    {"proposed", "resume", "恢复发放（暂停期间不补发）", "resumed", "approver", T, "comment_given",
     "resume", "", ""},
    {"proposed", "resume_back_pay", "恢复发放并补发暂停期间保障金", "resumed", "approver", T,
     "comment_given", "resume_back_pay", "", ""},
    {"proposed", "refuse", "不予恢复", "refused", "approver", T, "reasons_given", "refuse",
     "reasons", ""},
};

const mz_case_type mz_assist_case_dibao_resume = {
    .code = "dibao_resume",
    .name = "低保恢复发放",
    .policy_program = "dibao",
    .initial = "proposed",
    .creators = "township_worker",
    .create_guards = "",
    .create_data_keys = "reason",
    .publicity_days = 0,
    .states = resume_states,
    .nstates = N(resume_states),
    .transitions = resume_transitions,
    .ntransitions = N(resume_transitions),
    .attachment_kinds = kinds,
    .nattachment_kinds = N(kinds),
};

/* ---- 临时救助 ------------------------------------------------------------ */

static const mz_case_state temporary_states[] = {
    {"applied", "已申请", 0, 0, 0},         {"paid_first", "已先行救助，待补齐材料", 0, 0, 0},
    {"investigating", "调查核实", 0, 0, 0}, {"township_review", "乡镇审批", 0, 0, 0},
    {"county_review", "县级审批", 0, 0, 0}, {"refusal_notice", "待送达不予批准通知", 3, 0, 0},
    {"approved", "已批准", 0, 0, 1},        {"refused", "不予批准", 0, 0, 1},
    {"withdrawn", "已撤回", 0, 0, 1},
};

static const mz_case_transition temporary_transitions[] = {
    {"applied", "pay_first", "先行救助", "paid_first", "approver", T,
     "emergency,amount_given,amount_within_township_limit", "record_amount,record_payment",
     "amount_fen", ""},
    {"paid_first", "complete", "补齐材料，办结", "approved", "worker", T, "", "grant", "",
     "application_form"},
    {"applied", "accept", "受理", "investigating", "worker", T, "", "", "", "application_form"},
    {"investigating", "investigate", "调查核实", "township_review", "worker", T,
     "two_investigators,amount_given,amount_within_township_limit", "record_visit,record_amount",
     "investigators,findings,amount_fen", ""},
    {"investigating", "investigate", "调查核实", "county_review", "worker", T,
     "two_investigators,amount_given,amount_over_township_limit", "record_visit,record_amount",
     "investigators,findings,amount_fen", ""},
    {"township_review", "approve", "批准", "approved", "approver", T, "", "grant", "", ""},
    {"township_review", "refuse", "不予批准", "refusal_notice", "approver", T, "reasons_given",
     "refuse", "reasons", ""},
    {"county_review", "approve", "批准", "approved", "approver", C, "", "grant", "", ""},
    {"county_review", "refuse", "不予批准", "refusal_notice", "approver", C, "reasons_given",
     "refuse", "reasons", ""},
    {"refusal_notice", "notify", "送达不予批准通知", "refused", "worker", T, "", "", "",
     "refusal_notice"},
    {"applied", "withdraw", "撤回申请", "withdrawn", "worker", T, "comment_given", "", "", ""},
};

const mz_case_type mz_assist_case_temporary = {
    .code = "temporary",
    .name = "临时救助",
    .policy_program = "temporary",
    .initial = "applied",
    .creators = "village_worker,township_worker",
    .create_guards = "kind_given,amount_given",
    .create_data_keys = "kind,amount_fen,reason,relative_note",
    .publicity_days = 0,
    .states = temporary_states,
    .nstates = N(temporary_states),
    .transitions = temporary_transitions,
    .ntransitions = N(temporary_transitions),
    .attachment_kinds = kinds,
    .nattachment_kinds = N(kinds),
};

static const mz_case_type *const all_types[] = {
    &mz_assist_case_dibao,
    &mz_assist_case_tekun,
    &mz_assist_case_tekun_termination,
    &mz_assist_case_temporary,
    &mz_assist_case_dibao_review,
    &mz_assist_case_dibao_adjustment,
    &mz_assist_case_dibao_termination,
    &mz_assist_case_dibao_resume,
};

/* The household's counted wage and business income (fen a month) on day. */
static int employment_income(mz_db *db, int64_t household_id, const char *day, int64_t *out)
{
    return mz_db_query_int64(db, out,
                             "SELECT COALESCE(SUM(monthly_fen), 0) FROM income_items WHERE "
                             "household_id = ? AND type IN ('wage', 'business') AND valid_from "
                             "<= ? AND (valid_to IS NULL OR valid_to > ?)",
                             "itt", household_id, day, day) == MZ_DB_ROW
               ? 0
               : -1;
}

/*
 * The day the current amount of an enrollment was assessed: the date of the
 * assessment recorded on the case that made its latest period, or, for a
 * period without one (migrated), the first day of the period's month.
 * *since: "" when the household has no 低保 enrollment in force.
 */
static int assessed_on(mz_db *db, int64_t household_id, char since[11], int64_t *amount,
                       mz_error *err)
{
    char *month = NULL, *data = NULL;
    int64_t case_id = 0;
    int m, rc;
    since[0] = '\0';
    mz_stmt *st = mz_db_prepare_bind(
        db,
        "SELECT p.from_month, COALESCE(p.case_id, 0), e.monthly_amount_fen FROM enrollments e "
        "JOIN enrollment_periods p ON p.enrollment_id = e.id WHERE e.program = 'dibao' AND "
        "e.household_id = ? AND e.person_id IS NULL AND e.status = 'in_force' ORDER BY e.id "
        "DESC, p.from_month DESC, p.id DESC LIMIT 1",
        "i", household_id);
    if (st == NULL)
        return mz_error_internal(err, mz_db_errmsg(db));
    rc = mz_stmt_step(st);
    if (rc == MZ_DB_ROW) {
        month = mz_strdup(mz_stmt_text(st, 0));
        case_id = mz_stmt_int64(st, 1);
        *amount = mz_stmt_int64(st, 2);
    }
    mz_stmt_finalize(st);
    if (rc < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    if (month == NULL || mz_month_parse(month, &m) != 0) {
        mz_free(month);
        return 0;
    }
    mz_free(month);
    mz_date_format(mz_month_first_day(m), since);
    if (case_id > 0 &&
        mz_db_query_text(db, &data, "SELECT data FROM cases WHERE id = ?", "i", case_id) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    json_t *j = data ? json_loads(data, 0, NULL) : NULL;
    const char *d = json_string_value(json_object_get(json_object_get(j, "assessment"), "date"));
    int day;
    if (d && mz_date_parse(d, &day) == 0)
        mz_date_format(day, since);
    json_decref(j);
    mz_free(data);
    return 0;
}

/*
 * The 渐退 test for a household with a 低保 enrollment in force (status
 * in_force): the rise comes from employment when its wage and business
 * income on day is greater than on the day its current amount was assessed
 * (assessed_on), both read from the registry's dated income items.  Then the
 * calculator gets the taper (rules.h: the enrolled amount,
 * months_since_income_rise 1 — the exit period counts from the month the
 * decision takes effect) and decides: still below the standard → dibao; at
 * or above it with employment income and the asset tests passed →
 * dibao_taper; else none.  *taper: the taper object, or NULL when the
 * household has no such enrollment or its employment income did not rise;
 * *check: what was compared, kept with the assessment on the case.
 */
static int taper_of(mz_db *db, int64_t household_id, int day, json_t **taper, json_t **check,
                    mz_error *err)
{
    int64_t amount = 0, then_fen = 0, now_fen = 0;
    char since[11], date[11];
    *taper = *check = NULL;
    if (assessed_on(db, household_id, since, &amount, err) < 0)
        return -1;
    if (since[0] == '\0')
        return 0;
    mz_date_format(day, date);
    if (employment_income(db, household_id, since, &then_fen) < 0 ||
        employment_income(db, household_id, date, &now_fen) < 0)
        return mz_error_internal(err, mz_db_errmsg(db));
    *check = json_pack("{s:s,s:I,s:s,s:I,s:b}", "since", since, "employment_income_then_fen",
                       (json_int_t)then_fen, "on", date, "employment_income_now_fen",
                       (json_int_t)now_fen, "rose", now_fen > then_fen);
    if (now_fen > then_fen)
        *taper = json_pack("{s:I,s:i}", "enrolled_amount_fen", (json_int_t)amount,
                           "months_since_income_rise", 1);
    return 0;
}

/* The 核对 step: the calculator on the household's registry snapshot of the day. */
static int assess_household(mz_db *db, const mz_actor *actor, const char *program,
                            int64_t household_id, int day, json_t **out, mz_error *err)
{
    char date[11];
    json_t *taper = NULL, *check = NULL;
    mz_date_format(day, date);
    if (strcmp(program, "dibao") == 0 && taper_of(db, household_id, day, &taper, &check, err) < 0)
        return -1;
    json_t *request = json_pack("{s:s,s:s,s:I}", "program", program, "date", date, "household_id",
                                (json_int_t)household_id);
    if (taper)
        json_object_set_new(request, "taper", taper);
    /* 核对 (verification.h): verified incomes higher than the declared ones are counted. */
    json_t *verified = NULL;
    if (mz_verify_apply_to_request(db, actor, household_id, date, request, &verified, err) < 0) {
        json_decref(request);
        json_decref(check);
        return -1;
    }
    mz_arena *arena = mz_arena_new();
    int rc = mz_assist_assess_request(db, actor, arena, request, out, err);
    mz_arena_free(arena);
    json_decref(request);
    if (rc == 0 && verified)
        mz_verify_finish_assessment(*out, household_id, verified);
    else
        json_decref(verified);
    if (rc == 0 && check)
        json_object_set_new(*out, "taper_check", check);
    else
        json_decref(check);
    return rc;
}

static const mz_case_registry registry = {all_types, N(all_types), assess_household,
                                          mz_assist_notice};

const mz_case_registry *mz_assist_case_registry(void)
{
    return &registry;
}
