-- Enrollments (保障对象) and the monthly payroll (资金发放); see
-- src/core/enrollment.h and src/core/payroll.h.  An enrollment is a household
-- or a person in a program from a month to a month; its amount and its end
-- change only through cases (调整, 终止) or a recorded death, and every change
-- is kept in enrollment_changes.  A payroll run is the job record of one
-- month: its row is the lock (one per month, taken with ON CONFLICT, kept
-- alive by a heartbeat) and payment_lines carry UNIQUE (enrollment_id, month,
-- kind), so that neither a second process nor a restart after a crash can pay
-- a month twice.  Months are TEXT YYYY-MM, money BIGINT fen.

CREATE TABLE enrollments (
    id                 {{pk}},
    program            TEXT NOT NULL,                              -- 'dibao', 'tekun'
    household_id       BIGINT REFERENCES households(id),
    person_id          BIGINT REFERENCES persons(id),
    payee_name         TEXT NOT NULL,
    region_code        TEXT NOT NULL REFERENCES regions(code),     -- a village (level 5)
    monthly_amount_fen BIGINT NOT NULL CHECK (monthly_amount_fen > 0),
    from_month         TEXT NOT NULL,                              -- first month paid
    to_month           TEXT,                                       -- last month paid; NULL open
    status             TEXT NOT NULL CHECK (status IN ('in_force', 'taper', 'suspended', 'stopped')),
    reason             TEXT,
    case_id            BIGINT UNIQUE REFERENCES cases(id),         -- the case that created it
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    CHECK (to_month IS NULL OR to_month >= from_month OR status = 'stopped')
);
CREATE INDEX enrollments_region ON enrollments(region_code);
CREATE INDEX enrollments_household ON enrollments(household_id);
CREATE INDEX enrollments_person ON enrollments(person_id);

CREATE TABLE enrollment_changes (
    id            {{pk}},
    enrollment_id BIGINT NOT NULL REFERENCES enrollments(id),
    kind          TEXT NOT NULL CHECK (kind IN ('create', 'stop', 'adjust')),
    case_id       BIGINT REFERENCES cases(id),                     -- NULL only for a recorded death
    from_month    TEXT NOT NULL,                                   -- the change holds from this month
    status        TEXT NOT NULL,                                   -- after the change
    amount_fen    BIGINT NOT NULL,                                 -- after the change
    reason        TEXT,
    actor_name    TEXT NOT NULL,
    at            TEXT NOT NULL
);
CREATE INDEX enrollment_changes_enrollment ON enrollment_changes(enrollment_id);

CREATE TABLE payroll_runs (
    id              {{pk}},
    month           TEXT NOT NULL UNIQUE,                          -- one run per month: the lock
    state           TEXT NOT NULL CHECK (state IN ('generating', 'generated', 'approved', 'exported')),
    started_by      TEXT NOT NULL,                                 -- username
    started_at      TEXT NOT NULL,
    finished_at     TEXT,
    lock_owner      TEXT,                                          -- host:pid generating now
    heartbeat_epoch BIGINT NOT NULL DEFAULT 0,                     -- seconds; stale: may be taken over
    line_count      BIGINT NOT NULL DEFAULT 0,                     -- control totals, set when generated
    total_fen       BIGINT NOT NULL DEFAULT 0,
    approved_by     TEXT,
    approved_at     TEXT,
    exported_at     TEXT
);

CREATE TABLE payment_lines (
    id             {{pk}},
    run_id         BIGINT NOT NULL REFERENCES payroll_runs(id),
    enrollment_id  BIGINT NOT NULL REFERENCES enrollments(id),
    month          TEXT NOT NULL,                                  -- the month the money is for
    kind           TEXT NOT NULL CHECK (kind IN ('regular', 'back_pay', 'recovery')),
    amount_fen     BIGINT NOT NULL,                                -- negative for a recovery (追缴)
    program        TEXT NOT NULL,
    payee_name     TEXT NOT NULL,
    bank_name      TEXT,
    bank_account   TEXT,                                           -- for the bank file only
    account_masked TEXT,                                           -- what screens show
    region_code    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    UNIQUE (enrollment_id, month, kind)
);
CREATE INDEX payment_lines_run ON payment_lines(run_id);
CREATE INDEX payment_lines_region ON payment_lines(region_code);

-- Finance runs, approves and exports; administrators and leaders read the
-- runs; workers and approvers read the enrollments of their subtree.
INSERT INTO role_permissions (role_code, permission) VALUES
  ('finance', 'payroll:run:read'), ('finance', 'payroll:run:create'),
  ('finance', 'payroll:run:approve'), ('finance', 'payroll:run:export'),
  ('finance', 'assist:enrollment:read'),
  ('city_admin', 'payroll:run:read'), ('leader', 'payroll:run:read'),
  ('county_worker', 'assist:enrollment:read'), ('county_approver', 'assist:enrollment:read'),
  ('township_worker', 'assist:enrollment:read'), ('township_approver', 'assist:enrollment:read'),
  ('village_worker', 'assist:enrollment:read'), ('leader', 'assist:enrollment:read'),
  ('auditor', 'assist:enrollment:read'), ('auditor', 'payroll:run:read');
