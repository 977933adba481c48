/*
 * The case types of 社会救助 (RULES.md §1, §2, §4), declared as data for the
 * case engine (core/case.h): 低保 applications, reviews (复核), adjustments
 * (调整), stops (停保) and resumptions (恢复发放); 特困 applications and
 * terminations; 临时救助 applications.
 */
#ifndef MZ_SYSTEMS_ASSISTANCE_CASE_TYPES_H
#define MZ_SYSTEMS_ASSISTANCE_CASE_TYPES_H

#include "core/case.h"

extern const mz_case_type mz_assist_case_dibao;
extern const mz_case_type mz_assist_case_tekun;
extern const mz_case_type mz_assist_case_tekun_termination;
extern const mz_case_type mz_assist_case_temporary;
extern const mz_case_type mz_assist_case_dibao_review;
extern const mz_case_type mz_assist_case_dibao_adjustment;
extern const mz_case_type mz_assist_case_dibao_termination;
extern const mz_case_type mz_assist_case_dibao_resume;

/* Every type above, for the engine's functions. */
const mz_case_registry *mz_assist_case_registry(void);

#endif
