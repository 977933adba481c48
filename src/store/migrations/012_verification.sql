-- Household economic verification (家庭经济状况核对, the Evidence concept's
-- second part; src/systems/assistance/verification.h): every member of a
-- household matched against the newest data of every department source.
--
-- A report is immutable and versioned per household (1, 2, … whatever made
-- it: a case's 核对 or a batch re-verification), so "what changed since the
-- previous report" is the previous version of the same household.  It keeps
-- the evidence batches it read (JSON array of ids), a one-line summary, the
-- number of issues that break a policy limit and the findings as JSON.
--
-- A batch re-verification is one job over every current enrollment (in_force
-- or taper), like a payroll run: a lock owner with a heartbeat (a stale one
-- may be taken over), and a cursor — the last enrollment id done — that a
-- restarted job resumes from.  At most one job runs at a time.

CREATE TABLE verification_jobs (
    id                 {{pk}},
    region_code        TEXT NOT NULL,                  -- subtree verified ('3213…' city)
    state              TEXT NOT NULL CHECK (state IN ('running', 'finished')),
    verified_on        TEXT NOT NULL,                  -- YYYY-MM-DD: the day matched against
    started_by         TEXT NOT NULL,
    started_at         TEXT NOT NULL,
    finished_at        TEXT,
    lock_owner         TEXT,                           -- host:pid working now
    heartbeat_epoch    BIGINT NOT NULL DEFAULT 0,
    cursor_enrollment  BIGINT NOT NULL DEFAULT 0,      -- last enrollment id done
    enrollments_done   BIGINT NOT NULL DEFAULT 0,
    households_flagged BIGINT NOT NULL DEFAULT 0,
    cases_created      BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX verification_jobs_running ON verification_jobs(state) WHERE state = 'running';

CREATE TABLE verification_reports (
    id            {{pk}},
    household_id  BIGINT NOT NULL REFERENCES households(id),
    version       BIGINT NOT NULL,                     -- 1, 2, … per household
    case_id       BIGINT REFERENCES cases(id),         -- the case it was run for
    enrollment_id BIGINT REFERENCES enrollments(id),   -- the enrollment a batch re-verified
    job_id        BIGINT REFERENCES verification_jobs(id),
    region_code   TEXT NOT NULL,                       -- the household's village
    verified_on   TEXT NOT NULL,                       -- YYYY-MM-DD
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    batch_ids     TEXT NOT NULL,                       -- JSON array of evidence_batches ids read
    breaking      BIGINT NOT NULL,                     -- issues breaking a policy limit (or a death)
    summary       TEXT NOT NULL,
    findings      TEXT NOT NULL,                       -- JSON, see verification.h
    UNIQUE (household_id, version)
);
CREATE INDEX verification_reports_case ON verification_reports(case_id);
-- A batch asks per flagged household whether a 低保复核 case is open.
CREATE INDEX cases_household_type ON cases(household_id, case_type);
CREATE INDEX verification_reports_job ON verification_reports(job_id);

-- The households a job found no longer qualifying, with the review case opened (NULL when
-- one was open already).
CREATE TABLE verification_job_findings (
    id            {{pk}},
    job_id        BIGINT NOT NULL REFERENCES verification_jobs(id),
    enrollment_id BIGINT NOT NULL REFERENCES enrollments(id),
    household_id  BIGINT NOT NULL REFERENCES households(id),
    report_id     BIGINT NOT NULL REFERENCES verification_reports(id),
    case_id       BIGINT REFERENCES cases(id),
    region_code   TEXT NOT NULL,
    issues        TEXT NOT NULL,                       -- JSON array of issue codes
    UNIQUE (job_id, enrollment_id)
);

INSERT INTO policy_catalog (program, param, unit, min_value, max_value, allowed, name, source, sort) VALUES
  ('dibao', 'verify_income_tolerance', 'fen', 0, 100000000, NULL, '核对收入高于申报收入的容差（元/月）', 'A Art 13; C', 30),
  ('dibao', 'verify_business_limit', 'int', 0, 10, NULL, '核对：存续市场主体数上限（个）', 'A Art 14', 31),
  ('dibao', 'verify_vehicle_exempt_kinds', 'list', NULL, NULL, '小型汽车,大型汽车,挂车,摩托车,低速汽车,拖拉机,其他', '核对：持证残疾人名下豁免的车辆类型', 'A Art 14', 32);

INSERT INTO policy_params (program, param, region_prefix, effective_from, value, note, created_by, created_at) VALUES
  ('dibao', 'verify_income_tolerance', '', '2000-01-01', '0', '核对收入高于申报即提示', 'migration', '2026-01-01T00:00:00Z'),
  ('dibao', 'verify_business_limit', '', '2000-01-01', '0', '存续的个体工商户或企业即提示', 'migration', '2026-01-01T00:00:00Z'),
  ('dibao', 'verify_vehicle_exempt_kinds', '', '2000-01-01', '摩托车', '残疾人功能性补偿代步机动车', 'migration', '2026-01-01T00:00:00Z');

-- Reports: read by every case role and the 核对中心; run by the county worker (the 信息核对 step
-- of the case) and the 核对中心.  The batch opens 低保复核 cases through the case engine, whose
-- creators are county and township workers, so over HTTP the county worker runs it for the
-- county; the whole city runs from the command line (`minzheng verify batch`).
INSERT INTO role_permissions (role_code, permission) VALUES
  ('county_worker', 'assist:verification:read'), ('county_worker', 'assist:verification:run'),
  ('county_worker', 'assist:verification:batch'),
  ('county_approver', 'assist:verification:read'),
  ('township_worker', 'assist:verification:read'), ('township_approver', 'assist:verification:read'),
  ('auditor', 'assist:verification:read'),
  ('verifier', 'assist:verification:read'), ('verifier', 'assist:verification:run'),
  ('city_admin', 'assist:verification:read'), ('city_admin', 'assist:verification:run');
