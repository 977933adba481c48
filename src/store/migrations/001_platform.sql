-- Platform foundation: regions, calendar, roles, users, sessions, tokens, audit.

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,          -- 12 digits
    name        TEXT NOT NULL,
    level       BIGINT NOT NULL,           -- 1 province, 2 city, 3 county, 4 township, 5 village
    parent_code TEXT REFERENCES regions(code),
    kind        TEXT,                      -- 'urban' | 'rural' for townships and villages
    source      TEXT NOT NULL
);
CREATE INDEX regions_parent ON regions(parent_code);
CREATE INDEX regions_name ON regions(name);

CREATE TABLE calendar_days (
    day   TEXT PRIMARY KEY,                -- YYYY-MM-DD
    kind  TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name  TEXT NOT NULL,
    source TEXT NOT NULL
);

CREATE TABLE roles (
    code   TEXT PRIMARY KEY,
    name   TEXT NOT NULL,
    levels TEXT NOT NULL,                  -- comma list of region levels the role may hold
    sort   BIGINT NOT NULL
);

CREATE TABLE role_permissions (
    role_code  TEXT NOT NULL REFERENCES roles(code),
    permission TEXT NOT NULL,              -- module:entity:action
    PRIMARY KEY (role_code, permission)
);

CREATE TABLE users (
    id            {{pk}},
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role_code     TEXT NOT NULL REFERENCES roles(code),
    region_code   TEXT NOT NULL REFERENCES regions(code),
    phone         TEXT,
    disabled      BIGINT NOT NULL DEFAULT 0,
    must_change_password BIGINT NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    last_login_at TEXT
);
CREATE INDEX users_region ON users(region_code);

CREATE TABLE login_failures (
    id       {{pk}},
    username TEXT NOT NULL,
    at_epoch BIGINT NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(username, at_epoch);

CREATE TABLE sessions (
    id          {{pk}},
    token_hash  TEXT NOT NULL UNIQUE,      -- hex SHA-256 of the cookie value
    user_id     BIGINT NOT NULL REFERENCES users(id),
    csrf_token  TEXT NOT NULL,
    created_epoch   BIGINT NOT NULL,
    last_seen_epoch BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id          {{pk}},
    user_id     BIGINT NOT NULL REFERENCES users(id),
    name        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,      -- hex SHA-256 of the bearer token
    created_at  TEXT NOT NULL,
    revoked     BIGINT NOT NULL DEFAULT 0
);

-- Append-only, hash-chained.  audit_head holds the tail so that writers in
-- several processes serialise on one row lock.
CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          TEXT NOT NULL,
    actor_id    BIGINT,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT,
    region_code TEXT,
    before_json TEXT,
    after_json  TEXT,
    request_id  TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_actor ON audit_log(actor_name);
CREATE INDEX audit_object ON audit_log(object_type, object_id);
CREATE INDEX audit_at ON audit_log(at);

CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

INSERT INTO roles (code, name, levels, sort) VALUES
  ('city_admin',        '系统管理员',   'city,county', 1),
  ('county_worker',     '县区经办人',   'county', 2),
  ('county_approver',   '县区审批人',   'county', 3),
  ('township_worker',   '乡镇经办人',   'township', 4),
  ('township_approver', '乡镇审批人',   'township', 5),
  ('village_worker',    '村居协理员',   'village', 6),
  ('finance',           '财务人员',     'city,county,township', 7),
  ('leader',            '领导',         'city,county,township', 8),
  ('auditor',           '审计员',       'city,county', 9);

INSERT INTO role_permissions (role_code, permission) VALUES
  ('city_admin', 'sys:region:read'), ('city_admin', 'sys:user:read'),
  ('city_admin', 'sys:user:create'), ('city_admin', 'sys:user:update'),
  ('city_admin', 'sys:user:reset_password'), ('city_admin', 'sys:token:create'),
  ('city_admin', 'sys:role:read'), ('city_admin', 'sys:calendar:read'),
  ('county_worker', 'sys:region:read'), ('county_worker', 'sys:calendar:read'),
  ('county_approver', 'sys:region:read'), ('county_approver', 'sys:calendar:read'),
  ('county_approver', 'sys:user:read'),
  ('township_worker', 'sys:region:read'), ('township_worker', 'sys:calendar:read'),
  ('township_approver', 'sys:region:read'), ('township_approver', 'sys:calendar:read'),
  ('township_approver', 'sys:user:read'),
  ('village_worker', 'sys:region:read'), ('village_worker', 'sys:calendar:read'),
  ('finance', 'sys:region:read'), ('finance', 'sys:calendar:read'),
  ('leader', 'sys:region:read'), ('leader', 'sys:calendar:read'),
  ('auditor', 'sys:region:read'), ('auditor', 'sys:user:read'), ('auditor', 'sys:role:read'),
  ('auditor', 'sys:audit:read'), ('auditor', 'sys:audit:verify');
