-- The plain-SQL bulk load of a synthetic city (minzheng gen) into the
-- registry and enrollment tables of a migrated, empty minzheng database on
-- PostgreSQL: psql's \copy (COPY FROM STDIN) into staging tables, then
-- INSERT … SELECT, validating nothing.  The PostgreSQL port of
-- sqlite-load.sql: the same statements, a row number column (rn, the file's
-- order) where SQLite has rowid, FORCE_NOT_NULL so that an empty cell is ''
-- as sqlite3's .import makes it, foreign keys off as PRAGMA foreign_keys = OFF
-- has them there.  bench/run.sh substitutes @DIR@ and @NOW@.
-- Benchmark 1's baseline, and the loader of the other benchmarks' fixtures.
\set ON_ERROR_STOP on
SET session_replication_role = replica;
BEGIN;
CREATE TEMP TABLE s_households (rn BIGSERIAL, no TEXT, region TEXT, kind TEXT, address TEXT,
                                bank TEXT, account TEXT);
CREATE TEMP TABLE s_persons (rn BIGSERIAL, id_number TEXT, name TEXT, gender TEXT, birth TEXT,
                             no TEXT, relation TEXT, joined TEXT, dkind TEXT, dgrade TEXT,
                             labour TEXT, ill TEXT, unable TEXT, school TEXT);
CREATE TEMP TABLE s_incomes (rn BIGSERIAL, no TEXT, id_number TEXT, type TEXT, yuan TEXT,
                             since TEXT);
CREATE TEMP TABLE s_assets (rn BIGSERIAL, no TEXT, type TEXT, yuan TEXT, exempt TEXT, since TEXT);
CREATE TEMP TABLE s_enrollments (rn BIGSERIAL, no TEXT, id_number TEXT, program TEXT,
                                 category TEXT, members TEXT, pci TEXT, care TEXT, yuan TEXT,
                                 from_month TEXT);
\copy s_households (no, region, kind, address, bank, account) FROM '@DIR@/households.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (no, region, kind, address, bank, account))
\copy s_persons (id_number, name, gender, birth, no, relation, joined, dkind, dgrade, labour, ill, unable, school) FROM '@DIR@/persons.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (id_number, name, gender, birth, no, relation, joined, dkind, dgrade, labour, ill, unable, school))
\copy s_incomes (no, id_number, type, yuan, since) FROM '@DIR@/incomes.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (no, id_number, type, yuan, since))
\copy s_assets (no, type, yuan, exempt, since) FROM '@DIR@/assets.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (no, type, yuan, exempt, since))
\copy s_enrollments (no, id_number, program, category, members, pci, care, yuan, from_month) FROM '@DIR@/enrollments.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (no, id_number, program, category, members, pci, care, yuan, from_month))
ANALYZE s_households, s_persons, s_incomes, s_assets, s_enrollments;

-- Household numbers are H + the row number: the household's id.
INSERT INTO persons (id_number, name, gender, birth_date, disability_kind, disability_grade,
                     labour_capacity, serious_illness, self_care_unable, in_school,
                     created_region, created_at, updated_at)
SELECT p.id_number, p.name, p.gender, p.birth, NULLIF(p.dkind, ''),
       CAST(NULLIF(p.dgrade, '') AS BIGINT), p.labour, CAST(p.ill AS BIGINT),
       CAST(p.unable AS BIGINT), CAST(p.school AS BIGINT), h.region, '@NOW@', '@NOW@'
  FROM s_persons p JOIN s_households h ON h.rn = CAST(substr(p.no, 2) AS BIGINT)
 ORDER BY p.rn;

INSERT INTO households (id, region_code, kind, address, bank_name, bank_account, head_person_id,
                        created_at, updated_at)
SELECT CAST(substr(h.no, 2) AS BIGINT), h.region, h.kind, h.address, h.bank, h.account, x.id,
       '@NOW@', '@NOW@'
  FROM s_households h JOIN s_persons p ON p.no = h.no AND p.relation = 'self'
  JOIN persons x ON x.id_number = p.id_number;
-- The ids above were given, not drawn: the sequence continues after them, as SQLite's does.
SELECT setval(pg_get_serial_sequence('households', 'id'), (SELECT MAX(id) FROM households));

INSERT INTO household_members (household_id, person_id, relation, joined_on, created_at)
SELECT CAST(substr(p.no, 2) AS BIGINT), x.id, p.relation, p.joined, '@NOW@'
  FROM s_persons p JOIN persons x ON x.id_number = p.id_number ORDER BY p.rn;

INSERT INTO income_items (household_id, person_id, type, monthly_fen, valid_from, created_at)
SELECT CAST(substr(i.no, 2) AS BIGINT), x.id, i.type, CAST(replace(i.yuan, '.', '') AS BIGINT),
       i.since, '@NOW@'
  FROM s_incomes i JOIN persons x ON x.id_number = i.id_number ORDER BY i.rn;

INSERT INTO assets (household_id, type, value_fen, exempt, valid_from, created_at)
SELECT CAST(substr(a.no, 2) AS BIGINT), a.type, CAST(replace(a.yuan, '.', '') AS BIGINT),
       CAST(a.exempt AS BIGINT), a.since, '@NOW@'
  FROM s_assets a ORDER BY a.rn;

-- 低保 and 特困 pay money; 边缘 is a status without cash and has no enrollment row.
INSERT INTO enrollments (program, household_id, person_id, payee_name, region_code,
                         monthly_amount_fen, from_month, status, basis_category,
                         basis_counted_members, basis_per_capita_income_fen, basis_care_level,
                         created_at, updated_at)
SELECT e.program, CAST(substr(e.no, 2) AS BIGINT),
       CASE WHEN e.program = 'tekun' THEN x.id END, x.name, h.region,
       CAST(replace(e.yuan, '.', '') AS BIGINT), e.from_month, 'in_force', e.category,
       CAST(e.members AS BIGINT), CAST(replace(NULLIF(e.pci, ''), '.', '') AS BIGINT),
       NULLIF(e.care, ''), '@NOW@', '@NOW@'
  FROM s_enrollments e JOIN persons x ON x.id_number = e.id_number
  JOIN s_households h ON h.rn = CAST(substr(e.no, 2) AS BIGINT)
 WHERE e.program <> 'edge' ORDER BY e.rn;

-- Each enrollment's first period and its creation, as an approval writes them.
INSERT INTO enrollment_periods (enrollment_id, from_month, status, monthly_amount_fen,
                                basis_category, basis_counted_members,
                                basis_per_capita_income_fen, basis_care_level, reason, created_at)
SELECT id, from_month, status, monthly_amount_fen, basis_category, basis_counted_members,
       basis_per_capita_income_fen, basis_care_level, '档案批量导入', created_at
  FROM enrollments ORDER BY id;
INSERT INTO enrollment_changes (enrollment_id, kind, from_month, status, amount_fen, reason,
                                actor_name, at)
SELECT id, 'create', from_month, status, monthly_amount_fen, '档案批量导入', 'bench', created_at
  FROM enrollments ORDER BY id;

DROP TABLE s_households;
DROP TABLE s_persons;
DROP TABLE s_incomes;
DROP TABLE s_assets;
DROP TABLE s_enrollments;
COMMIT;
