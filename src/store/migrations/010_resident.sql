-- 掌上办: residents apply online (网上申请) and follow their applications
-- (see src/core/resident.h).  A resident account is a row in users with role
-- 'resident' and the ID number as its username (a staff username starts with
-- a letter, so the two never collide), so that login, lockout, sessions and
-- the audit log are the staff machinery itself; resident_accounts holds what
-- only a resident has.  The role has no region level: no staff account can
-- hold it, and a resident actor's scope covers no region at all.
--
-- Real-name verification through the provincial 政务服务 identity service is
-- not reachable from here: identity_verified stays 0 until village or
-- township staff see the applicant's ID card in person when they accept an
-- application (受理), which sets it.

INSERT INTO roles (code, name, levels, sort) VALUES ('resident', '居民（掌上办）', '', 20);

INSERT INTO role_permissions (role_code, permission) VALUES
  ('resident', 'resident:application:read'), ('resident', 'resident:application:create'),
  ('village_worker', 'assist:online_application:read'),
  ('village_worker', 'assist:online_application:handle'),
  ('township_worker', 'assist:online_application:read'),
  ('township_worker', 'assist:online_application:handle'),
  ('township_approver', 'assist:online_application:read'),
  ('county_worker', 'assist:online_application:read'),
  ('county_approver', 'assist:online_application:read');

CREATE TABLE resident_accounts (
    user_id           BIGINT PRIMARY KEY REFERENCES users(id),
    id_number         TEXT NOT NULL UNIQUE,          -- GB 11643, upper-case X; = users.username
    gender            TEXT NOT NULL CHECK (gender IN ('M', 'F')),   -- from the ID number
    birth_date        TEXT NOT NULL,                 -- from the ID number
    identity_verified BIGINT NOT NULL DEFAULT 0,     -- 1: ID card seen in person at 受理
    verified_by       BIGINT REFERENCES users(id),
    verified_at       TEXT,
    created_at        TEXT NOT NULL
);

-- Registration attempts per ID number, for the attempt limit (the lockout
-- threshold and window of the security settings).
CREATE TABLE resident_register_attempts (
    id        {{pk}},
    id_number TEXT NOT NULL,
    at_epoch  BIGINT NOT NULL
);
CREATE INDEX resident_register_attempts_id ON resident_register_attempts(id_number, at_epoch);

-- A submission is what the resident sent, kept as sent (data: address,
-- phone, kind, requested_amount_fen, members, incomes, assets, reason); staff
-- return it with reasons or accept it, which creates the case.
CREATE TABLE online_applications (
    id             {{pk}},
    account_id     BIGINT NOT NULL REFERENCES users(id),
    program        TEXT NOT NULL CHECK (program IN ('dibao', 'tekun', 'temporary')),
    region_code    TEXT NOT NULL REFERENCES regions(code),   -- the village (level 5)
    applicant_name TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('submitted', 'returned', 'accepted')),
    data           TEXT NOT NULL,                            -- JSON, as declared
    consent_at     TEXT NOT NULL,                            -- 核对授权 signed online (ISO UTC)
    corrects_id    BIGINT REFERENCES online_applications(id),  -- the returned one it corrects
    return_reasons TEXT,                                     -- JSON array of texts
    handled_by     BIGINT REFERENCES users(id),
    handled_at     TEXT,
    case_id        BIGINT REFERENCES cases(id),
    household_id   BIGINT REFERENCES households(id),
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX online_applications_account ON online_applications(account_id);
CREATE INDEX online_applications_region ON online_applications(region_code, status);

CREATE TABLE online_application_attachments (
    id             {{pk}},
    application_id BIGINT NOT NULL REFERENCES online_applications(id),
    kind           TEXT NOT NULL,
    filename       TEXT NOT NULL,
    mime_type      TEXT NOT NULL CHECK (mime_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    sha256         TEXT NOT NULL,
    size           BIGINT NOT NULL CHECK (size > 0 AND size <= 524288),
    content        TEXT NOT NULL,                            -- base64 of the bytes
    at             TEXT NOT NULL
);
CREATE INDEX online_application_attachments_app ON online_application_attachments(application_id);
