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
 * 临时救助 [H]: 急难型 is helped first by the township approver within the
 * township's limit (policy temporary.township_limit) and the paperwork is
 * completed afterwards; otherwise the township investigates and the township
 * approves up to its limit, the county above it.
 */
#include "systems/assistance/case_types.h"

#include "base/date.h"
#include "systems/assistance/assess.h"
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
 * `minzheng review schedule` (the command-line actor, role "cli") or opened by
 * the township; the township rechecks, the registry's calculator recomputing
 * the assessment with the current data; the county keeps the enrollment,
 * adjusts its amount to the new assessment or stops it, from the next month.
 */
static const mz_case_state review_states[] = {
    {"scheduled", "待复核", 0, 0, 0}, {"proposed", "复核结果待审批", 10, 0, 0},
    {"kept", "维持", 0, 0, 1},        {"adjusted", "已调整", 0, 0, 1},
    {"stopped", "已停保", 0, 0, 1},
};

static const mz_case_transition review_transitions[] = {
    {"scheduled", "recheck", "复核核对", "proposed", "worker", T, "assessment_given",
     "record_assessment", "assessment,findings", ""},
    {"proposed", "keep", "维持", "kept", "approver", C, "", "keep", "", ""},
    {"proposed", "adjust", "调整保障金", "adjusted", "approver", C, "", "adjust", "", ""},
    {"proposed", "stop", "停发保障金", "stopped", "approver", C, "reasons_given", "terminate",
     "reasons", ""},
};

const mz_case_type mz_assist_case_dibao_review = {
    .code = "dibao_review",
    .name = "低保复核",
    .policy_program = "dibao",
    .initial = "scheduled",
    .creators = "township_worker,cli",
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
    &mz_assist_case_dibao,     &mz_assist_case_tekun,        &mz_assist_case_tekun_termination,
    &mz_assist_case_temporary, &mz_assist_case_dibao_review,
};

/* The 核对 step: the calculator on the household's registry snapshot of the day. */
static int assess_household(mz_db *db, const mz_actor *actor, const char *program,
                            int64_t household_id, int day, json_t **out, mz_error *err)
{
    char date[11];
    mz_date_format(day, date);
    json_t *request = json_pack("{s:s,s:s,s:I}", "program", program, "date", date, "household_id",
                                (json_int_t)household_id);
    mz_arena *arena = mz_arena_new();
    int rc = mz_assist_assess_request(db, actor, arena, request, out, err);
    mz_arena_free(arena);
    json_decref(request);
    return rc;
}

static const mz_case_registry registry = {all_types, N(all_types), assess_household,
                                          mz_assist_notice};

const mz_case_registry *mz_assist_case_registry(void)
{
    return &registry;
}
