-- Benchmark fixture on PostgreSQL (the port of sqlite-cases.sql): the closed,
-- approved application behind each enrollment (what a county that had run
-- minzheng for years would hold), so that the case list has a realistic number
-- of rows per township.  @NOW@ is substituted.
\set ON_ERROR_STOP on
SET session_replication_role = replica;
BEGIN;
INSERT INTO cases (id, case_type, state, region_code, household_id, applicant_person_id,
                   applicant_name, channel, authorisation_recorded, visited, outcome,
                   created_at, updated_at, closed_at, data)
SELECT e.id, e.program, 'approved', e.region_code, e.household_id,
       COALESCE(e.person_id, h.head_person_id), e.payee_name, 'village', 1, 1, 'approved',
       '@NOW@', '@NOW@', '@NOW@', '{}'
  FROM enrollments e JOIN households h ON h.id = e.household_id;
-- The ids above were given, not drawn: the sequence continues after them, as SQLite's does.
SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT MAX(id) FROM cases));
UPDATE enrollments SET case_id = id;
COMMIT;
ANALYZE;
