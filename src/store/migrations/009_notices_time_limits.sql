-- Decision notices and whole-process time limits of cases (see
-- src/core/case.h, "Notices" and "Whole-process time limit").
--
-- case_notices: the 批准 / 不予批准 / 终止 通知书 the server generates as a
-- PDF at the decision, in the decision's transaction, from what the case had
-- recorded; the bytes (base64) and their SHA-256 never change afterwards, so a
-- later policy change does not alter an issued notice.  Numbers are unique:
-- <county code>-<year>-<kind letter>-<sequence>.  A notice with
-- service_due_on must be served (送达) by that day; the service is recorded
-- once (day, method, recipient).
--
-- case_time_limits: the clock of a case from 受理 (the "accept" action) to
-- the decision (the first outcome) or its closing: the legal limit in working
-- days from policy <program>.process_limit_workdays (or, where the township
-- approves, process_limit_township_workdays), one extension (延期) with its
-- reason, bounded by process_extension_max_workdays, and the due day.
-- 临时救助 has no whole-process limit in the regulations [H]: its cases get
-- no clock.

CREATE TABLE case_notices (
    id                 {{pk}},
    case_id            BIGINT NOT NULL REFERENCES cases(id),
    kind               TEXT NOT NULL CHECK (kind IN ('approval', 'refusal', 'termination')),
    number             TEXT NOT NULL UNIQUE,
    title              TEXT NOT NULL,
    issued_on          TEXT NOT NULL,                                  -- YYYY-MM-DD, the decision day
    service_due_on     TEXT,                                           -- NULL: no service limit
    served_on          TEXT,
    service_method     TEXT CHECK (service_method IN ('direct', 'post', 'left', 'entrusted',
                                                      'electronic', 'announcement')),
    service_recipient  TEXT,
    service_note       TEXT,
    service_recorded_by BIGINT REFERENCES users(id),
    service_recorded_at TEXT,
    sha256             TEXT NOT NULL,
    size               BIGINT NOT NULL CHECK (size > 0),
    content            TEXT NOT NULL,                                  -- base64 of the PDF
    issued_by          BIGINT REFERENCES users(id),
    created_at         TEXT NOT NULL
);
CREATE INDEX case_notices_case ON case_notices(case_id);

CREATE TABLE case_time_limits (
    case_id            BIGINT PRIMARY KEY REFERENCES cases(id),
    accepted_on        TEXT NOT NULL,                                  -- 受理日
    limit_workdays     BIGINT NOT NULL CHECK (limit_workdays > 0),
    extension_days     BIGINT NOT NULL DEFAULT 0 CHECK (extension_days >= 0),
    extension_reason   TEXT,
    extended_by        BIGINT REFERENCES users(id),
    extended_at        TEXT,
    due_on             TEXT NOT NULL,                                  -- with the extension
    stopped_on         TEXT                                            -- decision or closing day
);
CREATE INDEX case_time_limits_due ON case_time_limits(due_on);

INSERT INTO policy_catalog (program, param, unit, min_value, max_value, allowed, name, source, sort) VALUES
  ('dibao', 'process_limit_workdays', 'int', 1, 365, NULL, '审核确认全过程时限（工作日，自受理起）', 'A', 20),
  ('dibao', 'process_limit_township_workdays', 'int', 1, 365, NULL, '审批权下放乡镇时的全过程时限（工作日）', 'C', 21),
  ('dibao', 'process_extension_max_workdays', 'int', 0, 365, NULL, '特殊情况可延长的工作日上限', 'A', 22),
  ('dibao', 'refusal_notice_workdays', 'int', 1, 60, NULL, '不予批准通知书送达时限（工作日）', 'A', 23),
  ('tekun', 'process_limit_workdays', 'int', 1, 365, NULL, '认定全过程时限（工作日，自受理起）', 'F', 20),
  ('tekun', 'process_extension_max_workdays', 'int', 0, 365, NULL, '特殊情况可延长的工作日上限', 'F', 22),
  ('tekun', 'refusal_notice_workdays', 'int', 1, 60, NULL, '不予批准通知书送达时限（工作日）', 'F', 23),
  ('temporary', 'refusal_notice_workdays', 'int', 1, 60, NULL, '不予批准通知书送达时限（工作日）', 'H', 23);

INSERT INTO policy_params (program, param, region_prefix, effective_from, value, note, created_by, created_at) VALUES
  ('dibao', 'process_limit_workdays', '', '2000-01-01', '30', '审核确认全过程不超过30个工作日', 'migration', '2026-01-01T00:00:00Z'),
  ('dibao', 'process_limit_township_workdays', '', '2000-01-01', '20', '审批权下放乡镇的，全过程不超过20个工作日', 'migration', '2026-01-01T00:00:00Z'),
  ('dibao', 'process_extension_max_workdays', '', '2000-01-01', '15', '特殊情况可延长至45个工作日', 'migration', '2026-01-01T00:00:00Z'),
  ('dibao', 'refusal_notice_workdays', '', '2000-01-01', '3', '不予批准的，3个工作日内书面告知并说明理由', 'migration', '2026-01-01T00:00:00Z'),
  ('tekun', 'process_limit_workdays', '', '2000-01-01', '30', '乡镇调查15个工作日＋县级审批15个工作日', 'migration', '2026-01-01T00:00:00Z'),
  ('tekun', 'process_extension_max_workdays', '', '2000-01-01', '15', '默认值，比照低保，地方可调整', 'migration', '2026-01-01T00:00:00Z'),
  ('tekun', 'refusal_notice_workdays', '', '2000-01-01', '3', '默认值，比照低保', 'migration', '2026-01-01T00:00:00Z'),
  ('temporary', 'refusal_notice_workdays', '', '2000-01-01', '3', '默认值，比照低保', 'migration', '2026-01-01T00:00:00Z');
