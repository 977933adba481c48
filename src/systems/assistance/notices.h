/*
 * The decision notices of 社会救助 (批准通知书, 不予批准通知书, 终止通知书)
 * as PDF documents (base/pdf.h), rendered from what the case recorded: the
 * applicant, the reasons, the assessment's amount and explanation, the month
 * the enrollment starts or stops.  The case engine calls this through the
 * registry's notice hook (core/case.h) at the decision and keeps the bytes.
 */
#ifndef MZ_SYSTEMS_ASSISTANCE_NOTICES_H
#define MZ_SYSTEMS_ASSISTANCE_NOTICES_H

#include "core/case.h"

/*
 * The notice hook of mz_case_registry: kind "approval", "refusal" or
 * "termination" for programs dibao, tekun and temporary (1 with the PDF in
 * doc); 0 for any other program.  -1 with err when the database or the
 * rendering fails.
 */
int mz_assist_notice(mz_db *db, const mz_actor *actor, const mz_case_type *type, json_t *row,
                     json_t *action_data, const char *kind, const char *number, int day,
                     mz_case_notice_doc *doc, mz_error *err);

#endif
