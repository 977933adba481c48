-- The enrollment lifecycle (调整, 渐退, 暂停/恢复; see src/core/enrollment.h).
--
-- enrollment_periods: an enrollment's amount, basis and payment status per
-- period.  A period holds from its from_month until the next period's; the
-- one in force in a month is the row with the greatest from_month not after
-- it (the greatest id among equal from_months: a later decision about the
-- same month supersedes an earlier one).  The payroll pays each month with
-- the amount and basis of the period in force in that month, so back pay
-- generated after a later adjustment still pays the old amount, and a month
-- whose period is 'suspended' is not paid, neither regularly nor back.
-- Rows are only ever added.  Existing enrollments get one period per
-- recorded creation or adjustment (with the amount recorded then; the basis
-- is known only for the latest), and one from their start when nothing is
-- recorded.
--
-- enrollment_changes gains the kinds of the lifecycle: 'taper' (渐退 begins),
-- 'suspend' (暂停), 'resume' (恢复) and 'classify' (review class changed).
-- SQLite cannot alter a CHECK constraint, so the table is rebuilt (its ids
-- renumbered in the same order; nothing refers to them).
--
-- Permissions: county and township staff schedule the due reviews of their
-- subtree (assist:review:schedule) and set an enrollment's review class
-- (assist:enrollment:classify).

CREATE TABLE enrollment_periods (
    id                          {{pk}},
    enrollment_id               BIGINT NOT NULL REFERENCES enrollments(id),
    from_month                  TEXT NOT NULL,
    status                      TEXT NOT NULL CHECK (status IN ('in_force', 'taper', 'suspended')),
    monthly_amount_fen          BIGINT NOT NULL CHECK (monthly_amount_fen > 0),
    basis_category              TEXT,
    basis_counted_members       BIGINT,
    basis_per_capita_income_fen BIGINT,
    basis_care_level            TEXT,
    case_id                     BIGINT REFERENCES cases(id),   -- the decision; NULL when migrated
    reason                      TEXT,
    created_at                  TEXT NOT NULL
);
CREATE INDEX enrollment_periods_month ON enrollment_periods(enrollment_id, from_month);

INSERT INTO enrollment_periods (enrollment_id, from_month, status, monthly_amount_fen,
    basis_category, basis_counted_members, basis_per_capita_income_fen, basis_care_level,
    case_id, reason, created_at)
SELECT c.enrollment_id, c.from_month,
       CASE WHEN e.status IN ('taper', 'suspended') THEN e.status ELSE 'in_force' END,
       c.amount_fen,
       CASE WHEN c.id = m.last_id THEN e.basis_category END,
       CASE WHEN c.id = m.last_id THEN e.basis_counted_members END,
       CASE WHEN c.id = m.last_id THEN e.basis_per_capita_income_fen END,
       CASE WHEN c.id = m.last_id THEN e.basis_care_level END,
       c.case_id, c.reason, c.at
FROM enrollment_changes c
JOIN enrollments e ON e.id = c.enrollment_id
JOIN (SELECT enrollment_id, MAX(id) AS last_id FROM enrollment_changes
      WHERE kind IN ('create', 'adjust') GROUP BY enrollment_id) m ON m.enrollment_id = c.enrollment_id
WHERE c.kind IN ('create', 'adjust') AND c.amount_fen > 0
ORDER BY c.id;

INSERT INTO enrollment_periods (enrollment_id, from_month, status, monthly_amount_fen,
    basis_category, basis_counted_members, basis_per_capita_income_fen, basis_care_level,
    case_id, reason, created_at)
SELECT e.id, e.from_month,
       CASE WHEN e.status IN ('taper', 'suspended') THEN e.status ELSE 'in_force' END,
       e.monthly_amount_fen, e.basis_category, e.basis_counted_members,
       e.basis_per_capita_income_fen, e.basis_care_level, e.case_id, e.reason, e.created_at
FROM enrollments e
WHERE NOT EXISTS (SELECT 1 FROM enrollment_periods p WHERE p.enrollment_id = e.id)
ORDER BY e.id;

CREATE TABLE enrollment_changes_new (
    id            {{pk}},
    enrollment_id BIGINT NOT NULL REFERENCES enrollments(id),
    kind          TEXT NOT NULL CHECK (kind IN ('create', 'stop', 'adjust', 'taper', 'suspend',
                                                'resume', 'classify')),
    case_id       BIGINT REFERENCES cases(id),                     -- NULL: a recorded death, an expiry, a class
    from_month    TEXT NOT NULL,                                   -- the change holds from this month
    status        TEXT NOT NULL,                                   -- after the change
    amount_fen    BIGINT NOT NULL,                                 -- after the change
    reason        TEXT,
    actor_name    TEXT NOT NULL,
    at            TEXT NOT NULL
);
INSERT INTO enrollment_changes_new (enrollment_id, kind, case_id, from_month, status, amount_fen,
    reason, actor_name, at)
SELECT enrollment_id, kind, case_id, from_month, status, amount_fen, reason, actor_name, at
FROM enrollment_changes ORDER BY id;
DROP TABLE enrollment_changes;
ALTER TABLE enrollment_changes_new RENAME TO enrollment_changes;
CREATE INDEX enrollment_changes_enrollment ON enrollment_changes(enrollment_id);

INSERT INTO role_permissions (role_code, permission) VALUES
  ('county_worker', 'assist:review:schedule'), ('township_worker', 'assist:review:schedule'),
  ('county_worker', 'assist:enrollment:classify'), ('county_approver', 'assist:enrollment:classify'),
  ('township_worker', 'assist:enrollment:classify'),
  ('township_approver', 'assist:enrollment:classify');
