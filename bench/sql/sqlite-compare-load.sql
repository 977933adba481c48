-- Benchmark 1's check: the database minzheng's importer wrote (main) holds
-- exactly the rows of the plain-SQL load (attached as base), every column but
-- the timestamps.  Prints one line per table: the table and the number of rows
-- that differ either way (all zeros when equal).
SELECT 'persons', (SELECT COUNT(*) FROM (
  SELECT id, id_number, name, gender, birth_date, disability_kind, disability_grade, labour_capacity,
         serious_illness, self_care_unable, in_school, created_region FROM main.persons
  EXCEPT SELECT id, id_number, name, gender, birth_date, disability_kind, disability_grade,
         labour_capacity, serious_illness, self_care_unable, in_school, created_region
    FROM base.persons)) + (SELECT COUNT(*) FROM base.persons) - (SELECT COUNT(*) FROM main.persons);
SELECT 'households', (SELECT COUNT(*) FROM (
  SELECT id, region_code, kind, address, bank_name, bank_account, head_person_id FROM main.households
  EXCEPT SELECT id, region_code, kind, address, bank_name, bank_account, head_person_id
    FROM base.households)) + (SELECT COUNT(*) FROM base.households)
    - (SELECT COUNT(*) FROM main.households);
SELECT 'household_members', (SELECT COUNT(*) FROM (
  SELECT household_id, person_id, relation, joined_on FROM main.household_members
  EXCEPT SELECT household_id, person_id, relation, joined_on FROM base.household_members))
  + (SELECT COUNT(*) FROM base.household_members) - (SELECT COUNT(*) FROM main.household_members);
SELECT 'income_items', (SELECT COUNT(*) FROM (
  SELECT household_id, person_id, type, monthly_fen, valid_from FROM main.income_items
  EXCEPT SELECT household_id, person_id, type, monthly_fen, valid_from FROM base.income_items))
  + (SELECT COUNT(*) FROM base.income_items) - (SELECT COUNT(*) FROM main.income_items);
SELECT 'assets', (SELECT COUNT(*) FROM (
  SELECT household_id, type, value_fen, exempt, valid_from FROM main.assets
  EXCEPT SELECT household_id, type, value_fen, exempt, valid_from FROM base.assets))
  + (SELECT COUNT(*) FROM base.assets) - (SELECT COUNT(*) FROM main.assets);
SELECT 'enrollments', (SELECT COUNT(*) FROM (
  SELECT program, household_id, person_id, payee_name, region_code, monthly_amount_fen, from_month,
         status, basis_category, basis_counted_members, basis_per_capita_income_fen,
         basis_care_level FROM main.enrollments
  EXCEPT SELECT program, household_id, person_id, payee_name, region_code, monthly_amount_fen,
         from_month, status, basis_category, basis_counted_members, basis_per_capita_income_fen,
         basis_care_level FROM base.enrollments))
  + (SELECT COUNT(*) FROM base.enrollments) - (SELECT COUNT(*) FROM main.enrollments);
SELECT 'enrollment_periods', (SELECT COUNT(*) FROM (
  SELECT enrollment_id, from_month, status, monthly_amount_fen, basis_category,
         basis_counted_members, basis_per_capita_income_fen, basis_care_level
    FROM main.enrollment_periods
  EXCEPT SELECT enrollment_id, from_month, status, monthly_amount_fen, basis_category,
         basis_counted_members, basis_per_capita_income_fen, basis_care_level
    FROM base.enrollment_periods))
  + (SELECT COUNT(*) FROM base.enrollment_periods) - (SELECT COUNT(*) FROM main.enrollment_periods);
