-- Registry (一户一档, 一人一档): persons, households, dated membership and the
-- dated economic items of a household (see src/core/person.h and
-- src/core/household.h).  Periods are half-open everywhere: a membership holds
-- on day d when joined_on <= d < left_on, an item applies when
-- valid_from <= d < valid_to; NULL means open-ended.  Items are never edited:
-- a change ends one item (valid_to) and adds another, so the household of any
-- past day can be rebuilt.  Money is BIGINT fen, dates TEXT YYYY-MM-DD.

CREATE TABLE persons (
    id               {{pk}},
    id_number        TEXT NOT NULL UNIQUE,          -- GB 11643, upper-case X
    name             TEXT NOT NULL,
    gender           TEXT NOT NULL CHECK (gender IN ('M', 'F')),   -- from the ID number
    birth_date       TEXT NOT NULL,                 -- from the ID number
    disability_kind  TEXT CHECK (disability_kind IN ('physical', 'visual', 'hearing', 'speech',
                                                     'intellectual', 'mental', 'multiple')),
    disability_grade BIGINT CHECK (disability_grade BETWEEN 1 AND 4),
    labour_capacity  TEXT NOT NULL DEFAULT 'full' CHECK (labour_capacity IN ('full', 'partial', 'none')),
    serious_illness  BIGINT NOT NULL DEFAULT 0,
    self_care_unable BIGINT NOT NULL DEFAULT 0 CHECK (self_care_unable BETWEEN 0 AND 6),
    self_care_activities TEXT,                      -- comma list of the activities not done, or NULL
    deceased_on      TEXT,
    in_school        BIGINT NOT NULL DEFAULT 0,
    detained         BIGINT NOT NULL DEFAULT 0,
    missing          BIGINT NOT NULL DEFAULT 0,
    supporter_able   BIGINT NOT NULL DEFAULT 0,
    created_region   TEXT NOT NULL,                 -- the creator's region: scope while in no household
    created_by       BIGINT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    CHECK ((disability_kind IS NULL) = (disability_grade IS NULL))
);
CREATE INDEX persons_name ON persons(name);
CREATE INDEX persons_created_region ON persons(created_region);

CREATE TABLE households (
    id             {{pk}},
    region_code    TEXT NOT NULL REFERENCES regions(code),   -- a village (level 5)
    kind           TEXT NOT NULL CHECK (kind IN ('urban', 'rural')),
    address        TEXT NOT NULL,
    bank_name      TEXT,
    bank_account   TEXT,                                      -- digits only; shown masked
    head_person_id BIGINT NOT NULL REFERENCES persons(id),
    created_by     BIGINT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX households_region ON households(region_code);
CREATE INDEX households_head ON households(head_person_id);

CREATE TABLE household_members (
    id           {{pk}},
    household_id BIGINT NOT NULL REFERENCES households(id),
    person_id    BIGINT NOT NULL REFERENCES persons(id),
    relation     TEXT NOT NULL CHECK (relation IN ('self', 'spouse', 'child', 'parent', 'grandchild',
                                                   'grandparent', 'sibling', 'other')),
    joined_on    TEXT NOT NULL,
    left_on      TEXT,                                        -- first day no longer a member
    created_at   TEXT NOT NULL,
    CHECK (left_on IS NULL OR left_on > joined_on)
);
CREATE INDEX household_members_household ON household_members(household_id);
CREATE INDEX household_members_person ON household_members(person_id);

CREATE TABLE income_items (
    id           {{pk}},
    household_id BIGINT NOT NULL REFERENCES households(id),
    person_id    BIGINT REFERENCES persons(id),               -- NULL: the household as a whole
    type         TEXT NOT NULL CHECK (type IN ('wage', 'business', 'property', 'transfer',
                     'maintenance', 'pension', 'basic_pension', 'unemployment', 'youfu',
                     'family_planning', 'scholarship', 'bravery', 'assistance',
                     'elderly_allowance', 'other')),
    monthly_fen  BIGINT NOT NULL CHECK (monthly_fen >= 0),
    valid_from   TEXT NOT NULL,
    valid_to     TEXT,
    source       TEXT NOT NULL DEFAULT 'declared',
    note         TEXT,
    created_at   TEXT NOT NULL,
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX income_items_household ON income_items(household_id);

CREATE TABLE employment_costs (
    id           {{pk}},
    household_id BIGINT NOT NULL REFERENCES households(id),
    person_id    BIGINT REFERENCES persons(id),
    monthly_fen  BIGINT NOT NULL CHECK (monthly_fen >= 0),
    valid_from   TEXT NOT NULL,
    valid_to     TEXT,
    note         TEXT,
    created_at   TEXT NOT NULL,
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX employment_costs_household ON employment_costs(household_id);

CREATE TABLE assets (
    id           {{pk}},
    household_id BIGINT NOT NULL REFERENCES households(id),
    type         TEXT NOT NULL CHECK (type IN ('deposit', 'securities', 'vehicle', 'housing', 'business')),
    value_fen    BIGINT NOT NULL CHECK (value_fen >= 0),
    exempt       BIGINT NOT NULL DEFAULT 0,                   -- e.g. a disabled person's mobility vehicle
    description  TEXT,
    valid_from   TEXT NOT NULL,
    valid_to     TEXT,
    created_at   TEXT NOT NULL,
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX assets_household ON assets(household_id);

CREATE TABLE rigid_expenditures (
    id           {{pk}},
    household_id BIGINT NOT NULL REFERENCES households(id),
    person_id    BIGINT REFERENCES persons(id),
    type         TEXT NOT NULL CHECK (type IN ('medical', 'education', 'rehabilitation', 'other')),
    annual_fen   BIGINT NOT NULL CHECK (annual_fen >= 0),
    valid_from   TEXT NOT NULL,
    valid_to     TEXT,
    note         TEXT,
    created_at   TEXT NOT NULL,
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX rigid_expenditures_household ON rigid_expenditures(household_id);

-- Workers and approvers at every level read; workers write; approvers and the
-- administrator may see full ID numbers; auditors read; leaders see dashboards
-- only, no personal data; finance gets what payroll needs when payroll lands.
INSERT INTO role_permissions (role_code, permission) VALUES
  ('city_admin', 'registry:household:read'), ('city_admin', 'registry:person:read'),
  ('city_admin', 'registry:person:view_id'),
  ('county_worker', 'registry:household:read'), ('county_worker', 'registry:person:read'),
  ('county_worker', 'registry:household:create'), ('county_worker', 'registry:household:update'),
  ('county_worker', 'registry:person:create'), ('county_worker', 'registry:person:update'),
  ('county_approver', 'registry:household:read'), ('county_approver', 'registry:person:read'),
  ('county_approver', 'registry:person:view_id'),
  ('township_worker', 'registry:household:read'), ('township_worker', 'registry:person:read'),
  ('township_worker', 'registry:household:create'), ('township_worker', 'registry:household:update'),
  ('township_worker', 'registry:person:create'), ('township_worker', 'registry:person:update'),
  ('township_approver', 'registry:household:read'), ('township_approver', 'registry:person:read'),
  ('township_approver', 'registry:person:view_id'),
  ('village_worker', 'registry:household:read'), ('village_worker', 'registry:person:read'),
  ('village_worker', 'registry:household:create'), ('village_worker', 'registry:household:update'),
  ('village_worker', 'registry:person:create'), ('village_worker', 'registry:person:update'),
  ('auditor', 'registry:household:read'), ('auditor', 'registry:person:read');
