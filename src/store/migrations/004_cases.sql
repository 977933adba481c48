-- Cases (事项): applications and other requests moving through the levels
-- (see src/core/case.h).  A case's type (低保, 特困, 临时救助 …) is a C
-- declaration in src/systems/*/case_types.c: states, transitions, guards,
-- deadlines.  These tables hold only what happened: the case's current state
-- and deadline, every transition as an event (append-only), the attachments
-- (bytes in the database, base64, so that every process on one PostgreSQL
-- sees them) and the objections raised during 公示.  Dates are TEXT
-- YYYY-MM-DD, times ISO 8601 UTC.

CREATE TABLE cases (
    id                     {{pk}},
    case_type              TEXT NOT NULL,                             -- 'dibao', 'tekun', …
    state                  TEXT NOT NULL,
    region_code            TEXT NOT NULL REFERENCES regions(code),    -- the applicant's village (level 5)
    household_id           BIGINT REFERENCES households(id),
    applicant_person_id    BIGINT REFERENCES persons(id),
    applicant_name         TEXT NOT NULL,
    channel                TEXT NOT NULL CHECK (channel IN ('online', 'village')),
    relative_of_staff      BIGINT NOT NULL DEFAULT 0,                 -- 近亲属备案 [A Art 10-11]
    authorisation_recorded BIGINT NOT NULL DEFAULT 0,                 -- 核对授权书 signed
    visited                BIGINT NOT NULL DEFAULT 0,                 -- a home visit is on record
    publicity_from         TEXT,                                      -- 公示 window, both days included
    publicity_until        TEXT,
    deadline_on            TEXT,                                      -- of the current state; NULL none
    outcome                TEXT,                                      -- e.g. 'approved', 'refused'
    created_by             BIGINT REFERENCES users(id),
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    closed_at              TEXT,
    data                   TEXT NOT NULL DEFAULT '{}'                 -- JSON: type-specific fields
);
CREATE INDEX cases_region ON cases(region_code);
CREATE INDEX cases_type_state ON cases(case_type, state);
CREATE INDEX cases_deadline ON cases(deadline_on);

CREATE TABLE case_events (
    case_id    BIGINT NOT NULL REFERENCES cases(id),
    seq        BIGINT NOT NULL,                                       -- 1, 2, … per case
    from_state TEXT,                                                  -- NULL for the creation
    to_state   TEXT NOT NULL,
    action     TEXT NOT NULL,
    actor_id   BIGINT,
    actor_name TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    at         TEXT NOT NULL,
    comment    TEXT,
    data       TEXT NOT NULL DEFAULT '{}',                            -- JSON given with the action
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE case_attachments (
    id          {{pk}},
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    kind        TEXT NOT NULL,                                        -- e.g. 'application_form'
    filename    TEXT NOT NULL,
    mime_type   TEXT NOT NULL CHECK (mime_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    sha256      TEXT NOT NULL,                                        -- hex of the bytes
    size        BIGINT NOT NULL CHECK (size > 0 AND size <= 524288),  -- 512 KiB
    content     TEXT NOT NULL,                                        -- base64 of the bytes
    uploaded_by BIGINT REFERENCES users(id),
    at          TEXT NOT NULL
);
CREATE INDEX case_attachments_case ON case_attachments(case_id);

CREATE TABLE case_objections (
    id          {{pk}},
    case_id     BIGINT NOT NULL REFERENCES cases(id),
    text        TEXT NOT NULL,
    raised_on   TEXT NOT NULL,                                        -- YYYY-MM-DD
    recorded_by BIGINT REFERENCES users(id),
    resolution  TEXT CHECK (resolution IN ('reinvestigate', 'deliberated')),  -- NULL while open
    resolved_at TEXT
);
CREATE INDEX case_objections_case ON case_objections(case_id);

-- Workers and approvers at every level read, create and act (the case type
-- decides which of them may take which step); auditors read.
INSERT INTO role_permissions (role_code, permission) VALUES
  ('county_worker', 'case:case:read'), ('county_worker', 'case:case:create'),
  ('county_worker', 'case:case:act'),
  ('county_approver', 'case:case:read'), ('county_approver', 'case:case:create'),
  ('county_approver', 'case:case:act'),
  ('township_worker', 'case:case:read'), ('township_worker', 'case:case:create'),
  ('township_worker', 'case:case:act'),
  ('township_approver', 'case:case:read'), ('township_approver', 'case:case:create'),
  ('township_approver', 'case:case:act'),
  ('village_worker', 'case:case:read'), ('village_worker', 'case:case:create'),
  ('village_worker', 'case:case:act'),
  ('auditor', 'case:case:read');
