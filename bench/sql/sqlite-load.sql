-- The plain-SQL bulk load of a synthetic city (minzheng gen) into the
-- registry and enrollment tables of a migrated, empty minzheng database:
-- sqlite3's .import into staging tables, then INSERT … SELECT, validating
-- nothing.  bench/run.sh substitutes @DIR@ and @NOW@.
-- Benchmark 1's baseline, and the loader of the other benchmarks' fixtures.
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
PRAGMA foreign_keys = OFF;
-- the same page cache minzheng's importer uses (core/registry_import.c)
PRAGMA cache_size = -262144;
BEGIN;
CREATE TABLE s_households (no TEXT, region TEXT, kind TEXT, address TEXT, bank TEXT, account TEXT);
CREATE TABLE s_persons (id_number TEXT, name TEXT, gender TEXT, birth TEXT, no TEXT, relation TEXT,
                        joined TEXT, dkind TEXT, dgrade TEXT, labour TEXT, ill TEXT, unable TEXT,
                        school TEXT);
CREATE TABLE s_incomes (no TEXT, id_number TEXT, type TEXT, yuan TEXT, since TEXT);
CREATE TABLE s_assets (no TEXT, type TEXT, yuan TEXT, exempt TEXT, since TEXT);
CREATE TABLE s_enrollments (no TEXT, id_number TEXT, program TEXT, category TEXT, members TEXT,
                            pci TEXT, care TEXT, yuan TEXT, from_month TEXT);
.import --csv --skip 1 @DIR@/households.csv s_households
.import --csv --skip 1 @DIR@/persons.csv s_persons
.import --csv --skip 1 @DIR@/incomes.csv s_incomes
.import --csv --skip 1 @DIR@/assets.csv s_assets
.import --csv --skip 1 @DIR@/enrollments.csv s_enrollments

-- Household numbers are H + the row number: the household's id.
INSERT INTO persons (id_number, name, gender, birth_date, disability_kind, disability_grade,
                     labour_capacity, serious_illness, self_care_unable, in_school,
                     created_region, created_at, updated_at)
SELECT p.id_number, p.name, p.gender, p.birth, NULLIF(p.dkind, ''),
       CAST(NULLIF(p.dgrade, '') AS INTEGER), p.labour, CAST(p.ill AS INTEGER),
       CAST(p.unable AS INTEGER), CAST(p.school AS INTEGER), h.region, '@NOW@', '@NOW@'
  FROM s_persons p JOIN s_households h ON h.rowid = CAST(substr(p.no, 2) AS INTEGER)
 ORDER BY p.rowid;

INSERT INTO households (id, region_code, kind, address, bank_name, bank_account, head_person_id,
                        created_at, updated_at)
SELECT CAST(substr(h.no, 2) AS INTEGER), h.region, h.kind, h.address, h.bank, h.account, x.id,
       '@NOW@', '@NOW@'
  FROM s_households h JOIN s_persons p ON p.no = h.no AND p.relation = 'self'
  JOIN persons x ON x.id_number = p.id_number;

INSERT INTO household_members (household_id, person_id, relation, joined_on, created_at)
SELECT CAST(substr(p.no, 2) AS INTEGER), x.id, p.relation, p.joined, '@NOW@'
  FROM s_persons p JOIN persons x ON x.id_number = p.id_number ORDER BY p.rowid;

INSERT INTO income_items (household_id, person_id, type, monthly_fen, valid_from, created_at)
SELECT CAST(substr(i.no, 2) AS INTEGER), x.id, i.type, CAST(replace(i.yuan, '.', '') AS INTEGER),
       i.since, '@NOW@'
  FROM s_incomes i JOIN persons x ON x.id_number = i.id_number ORDER BY i.rowid;

INSERT INTO assets (household_id, type, value_fen, exempt, valid_from, created_at)
SELECT CAST(substr(a.no, 2) AS INTEGER), a.type, CAST(replace(a.yuan, '.', '') AS INTEGER),
       CAST(a.exempt AS INTEGER), a.since, '@NOW@'
  FROM s_assets a ORDER BY a.rowid;

-- 低保 and 特困 pay money; 边缘 is a status without cash and has no enrollment row.
INSERT INTO enrollments (program, household_id, person_id, payee_name, region_code,
                         monthly_amount_fen, from_month, status, basis_category,
                         basis_counted_members, basis_per_capita_income_fen, basis_care_level,
                         created_at, updated_at)
SELECT e.program, CAST(substr(e.no, 2) AS INTEGER),
       CASE WHEN e.program = 'tekun' THEN x.id END, x.name, h.region,
       CAST(replace(e.yuan, '.', '') AS INTEGER), e.from_month, 'in_force', e.category,
       CAST(e.members AS INTEGER), CAST(replace(NULLIF(e.pci, ''), '.', '') AS INTEGER),
       NULLIF(e.care, ''), '@NOW@', '@NOW@'
  FROM s_enrollments e JOIN persons x ON x.id_number = e.id_number
  JOIN s_households h ON h.rowid = CAST(substr(e.no, 2) AS INTEGER)
 WHERE e.program <> 'edge' ORDER BY e.rowid;

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
