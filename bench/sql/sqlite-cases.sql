-- Benchmark fixture: the closed, approved application behind each enrollment
-- (what a county that had run minzheng for years would hold), so that the case
-- list has a realistic number of rows per township.  @NOW@ is substituted.
PRAGMA foreign_keys = OFF;
BEGIN;
INSERT INTO cases (id, case_type, state, region_code, household_id, applicant_person_id,
                   applicant_name, channel, authorisation_recorded, visited, outcome,
                   created_at, updated_at, closed_at, data)
SELECT e.id, e.program, 'approved', e.region_code, e.household_id,
       COALESCE(e.person_id, h.head_person_id), e.payee_name, 'village', 1, 1, 'approved',
       '@NOW@', '@NOW@', '@NOW@', '{}'
  FROM enrollments e JOIN households h ON h.id = e.household_id;
UPDATE enrollments SET case_id = id;
COMMIT;
