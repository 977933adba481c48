-- Benchmark 3's baseline: the batch verification (核对) of every member of every
-- current 低保 household against the newest data of every department source, as
-- plain SQL joins producing the same issues minzheng's batch finds
-- (src/systems/assistance/verification.c, mz_verify_match): one row per issue,
-- (household, code, person, param, value, limit), into bench_issues.
--
-- The rules, as the C code has them, on day @DAY@ with the policy in force that
-- day for the household's village (most specific region prefix, then the
-- latest effective date):
--   deceased               a death record of a member the registry thinks alive
--   income_above_declared  a member's verified monthly income of a type (the
--                          newest month of pension, unemployment and tax data)
--                          above the declared one by more than the tolerance;
--                          城乡居民基础养老金 never counts
--   disability_differs     the newest disability certificate unlike the registry
--   vehicle_over_limit     vehicles held on the day, less those of a disabled
--                          member whose kind is exempt, above the limit
--   housing_over_limit     住宅 held on the day above the limit
--   business_over_limit    market entities active on the day above the limit
--   deposits_over_limit    deposits above months × standard × living members
-- Only the rows of the newest as_of of each (person, source) count.
-- bench/run.sh substitutes @DAY@; it runs ANALYZE first (untimed), so that the
-- planner has the statistics it needs.  SQLite's default cache: at 5 million
-- persons this script took 5.1–6.4 s of CPU with it, 7.7 s with 256 MB.
PRAGMA temp_store = MEMORY;
CREATE TABLE bench_issues (household_id INTEGER, code TEXT, person_id INTEGER, param TEXT,
                           value INTEGER, limit_value INTEGER);
WITH
pol AS (
  SELECT param, region_prefix, effective_from, value FROM policy_params
   WHERE program = 'dibao' AND effective_from <= '@DAY@'
     AND param IN ('standard_monthly', 'financial_assets_months', 'vehicle_limit',
                   'housing_limit', 'verify_income_tolerance', 'verify_business_limit',
                   'verify_vehicle_exempt_kinds')),
hh AS MATERIALIZED (
  SELECT DISTINCT e.household_id, e.region_code FROM enrollments e
   WHERE e.program = 'dibao' AND e.status IN ('in_force', 'taper')
     AND e.household_id IS NOT NULL),
lim AS MATERIALIZED (
  SELECT v.region_code,
    (SELECT CAST(value AS INTEGER) FROM pol WHERE param = 'standard_monthly'
        AND substr(v.region_code, 1, length(region_prefix)) = region_prefix
      ORDER BY length(region_prefix) DESC, effective_from DESC LIMIT 1) AS standard,
    (SELECT CAST(value AS INTEGER) FROM pol WHERE param = 'financial_assets_months'
        AND substr(v.region_code, 1, length(region_prefix)) = region_prefix
      ORDER BY length(region_prefix) DESC, effective_from DESC LIMIT 1) AS months,
    (SELECT CAST(value AS INTEGER) FROM pol WHERE param = 'vehicle_limit'
        AND substr(v.region_code, 1, length(region_prefix)) = region_prefix
      ORDER BY length(region_prefix) DESC, effective_from DESC LIMIT 1) AS vehicle_limit,
    (SELECT CAST(value AS INTEGER) FROM pol WHERE param = 'housing_limit'
        AND substr(v.region_code, 1, length(region_prefix)) = region_prefix
      ORDER BY length(region_prefix) DESC, effective_from DESC LIMIT 1) AS housing_limit,
    (SELECT CAST(value AS INTEGER) FROM pol WHERE param = 'verify_income_tolerance'
        AND substr(v.region_code, 1, length(region_prefix)) = region_prefix
      ORDER BY length(region_prefix) DESC, effective_from DESC LIMIT 1) AS tolerance,
    (SELECT CAST(value AS INTEGER) FROM pol WHERE param = 'verify_business_limit'
        AND substr(v.region_code, 1, length(region_prefix)) = region_prefix
      ORDER BY length(region_prefix) DESC, effective_from DESC LIMIT 1) AS business_limit,
    (SELECT ',' || value || ',' FROM pol WHERE param = 'verify_vehicle_exempt_kinds'
        AND substr(v.region_code, 1, length(region_prefix)) = region_prefix
      ORDER BY length(region_prefix) DESC, effective_from DESC LIMIT 1) AS exempt
  FROM (SELECT DISTINCT region_code FROM hh) v),
mem AS MATERIALIZED (
  SELECT hh.household_id, hh.region_code, p.id AS person_id, p.id_number, p.disability_kind,
         COALESCE(p.disability_grade, 0) AS grade, p.deceased_on
    FROM hh JOIN household_members hm ON hm.household_id = hh.household_id
    JOIN persons p ON p.id = hm.person_id
   WHERE hm.joined_on <= '@DAY@' AND (hm.left_on IS NULL OR hm.left_on > '@DAY@')),
-- the newest rows of each (person, source)
rec AS MATERIALIZED (
  SELECT r.* FROM evidence_records r
   WHERE r.id_number IN (SELECT id_number FROM mem)
     AND r.as_of = (SELECT MAX(q.as_of) FROM evidence_records q
                     WHERE q.id_number = r.id_number AND q.source = r.source)),
-- per person: what counts whatever the household
per AS MATERIALIZED (
  SELECT id_number,
         MAX(source = 'death') AS has_death,
         MAX(source = 'disability') AS has_disability,
         SUM(source = 'property' AND kind = '住宅' AND (date_from IS NULL OR date_from <= '@DAY@')
             AND (date_to IS NULL OR date_to > '@DAY@')) AS housing,
         SUM(source = 'business' AND (date_from IS NULL OR date_from <= '@DAY@')
             AND (date_to IS NULL OR date_to > '@DAY@')) AS businesses,
         SUM(CASE WHEN source = 'deposit' THEN COALESCE(amount_fen, 0) ELSE 0 END) AS deposits
    FROM rec GROUP BY id_number),
-- held vehicles per person and kind
veh AS MATERIALIZED (
  SELECT id_number, kind, COUNT(*) AS n FROM rec
   WHERE source = 'vehicle' AND (date_from IS NULL OR date_from <= '@DAY@')
     AND (date_to IS NULL OR date_to > '@DAY@')
   GROUP BY 1, 2),
-- per member: alive or not, and the vehicles not exempt for a disabled member
mv AS MATERIALIZED (
  SELECT m.household_id, m.region_code, m.person_id,
         (m.deceased_on IS NOT NULL AND m.deceased_on <= '@DAY@')
           OR COALESCE(per.has_death, 0) AS dead,
         COALESCE(per.housing, 0) AS housing, COALESCE(per.businesses, 0) AS businesses,
         COALESCE(per.deposits, 0) AS deposits,
         COALESCE(SUM(CASE WHEN (m.disability_kind IS NOT NULL OR COALESCE(per.has_disability, 0))
                            AND instr(lim.exempt, ',' || v.kind || ',') > 0 THEN 0
                           ELSE v.n END), 0) AS vehicles
    FROM mem m JOIN lim ON lim.region_code = m.region_code
    LEFT JOIN per ON per.id_number = m.id_number
    LEFT JOIN veh v ON v.id_number = m.id_number
   GROUP BY m.household_id, m.region_code, m.person_id, m.deceased_on, per.has_death,
            per.housing, per.businesses, per.deposits),
-- verified incomes: the newest month of pension, unemployment and tax data, by type
-- (all rows of a source when none has a month)
incr AS (
  SELECT r.id_number, r.source, r.kind, r.month, r.amount_fen,
         MAX(r.month) OVER (PARTITION BY r.id_number, r.source) AS newest
    FROM rec r WHERE r.source IN ('pension', 'unemployment', 'tax')),
inc AS (
  SELECT r.id_number,
         CASE WHEN r.source = 'unemployment' THEN 'unemployment'
              WHEN r.source = 'pension' AND r.kind = '城乡居民' THEN 'basic_pension'
              WHEN r.source = 'pension' THEN 'pension'
              WHEN r.kind IN ('工资薪金', '劳务报酬', '稿酬', '特许权使用费') THEN 'wage'
              WHEN r.kind = '经营所得' THEN 'business'
              WHEN r.kind = '财产租赁所得' THEN 'property'
              ELSE 'other' END AS type,
         SUM(COALESCE(r.amount_fen, 0)) AS fen
    FROM incr r
   WHERE r.month = r.newest OR r.newest IS NULL
   GROUP BY 1, 2),
declared AS (
  SELECT i.household_id, i.person_id, i.type, SUM(i.monthly_fen) AS fen
    FROM income_items i
   WHERE i.household_id IN (SELECT household_id FROM hh) AND i.person_id IS NOT NULL
     AND i.valid_from <= '@DAY@' AND (i.valid_to IS NULL OR i.valid_to > '@DAY@')
   GROUP BY 1, 2, 3),
-- the newest disability certificate: the latest date_from, the first row on a tie
dis AS (
  SELECT r.id_number, r.kind, COALESCE(r.qty, 0) AS qty,
         ROW_NUMBER() OVER (PARTITION BY r.id_number
                            ORDER BY r.date_from IS NULL, r.date_from DESC, r.id) AS k
    FROM rec r WHERE r.source = 'disability'),
hsum AS (
  SELECT mv.household_id, mv.region_code, SUM(mv.vehicles) AS vehicles,
         SUM(mv.housing) AS housing, SUM(mv.businesses) AS businesses,
         SUM(mv.deposits) AS deposits, SUM(NOT mv.dead) AS living
    FROM mv GROUP BY mv.household_id, mv.region_code)
INSERT INTO bench_issues
SELECT m.household_id, 'deceased', m.person_id, NULL, 0, 0
  FROM mem m JOIN per ON per.id_number = m.id_number
 WHERE per.has_death AND m.deceased_on IS NULL
UNION ALL
SELECT m.household_id, 'income_above_declared', m.person_id, inc.type, inc.fen,
       COALESCE(d.fen, 0)
  FROM mem m JOIN lim ON lim.region_code = m.region_code
  JOIN inc ON inc.id_number = m.id_number
  LEFT JOIN declared d ON d.household_id = m.household_id AND d.person_id = m.person_id
       AND d.type = inc.type
 WHERE inc.type <> 'basic_pension' AND inc.fen - COALESCE(d.fen, 0) > lim.tolerance
UNION ALL
SELECT m.household_id, 'disability_differs', m.person_id, NULL, dis.qty, m.grade
  FROM mem m JOIN dis ON dis.id_number = m.id_number AND dis.k = 1
 WHERE m.disability_kind IS NULL
    OR m.disability_kind IS NOT CASE dis.kind WHEN '视力' THEN 'visual' WHEN '听力' THEN 'hearing'
         WHEN '言语' THEN 'speech' WHEN '肢体' THEN 'physical' WHEN '智力' THEN 'intellectual'
         WHEN '精神' THEN 'mental' WHEN '多重' THEN 'multiple' END
    OR dis.qty <> m.grade
UNION ALL
SELECT h.household_id, 'vehicle_over_limit', 0, NULL, h.vehicles, lim.vehicle_limit
  FROM hsum h JOIN lim ON lim.region_code = h.region_code WHERE h.vehicles > lim.vehicle_limit
UNION ALL
SELECT h.household_id, 'housing_over_limit', 0, NULL, h.housing, lim.housing_limit
  FROM hsum h JOIN lim ON lim.region_code = h.region_code WHERE h.housing > lim.housing_limit
UNION ALL
SELECT h.household_id, 'business_over_limit', 0, NULL, h.businesses, lim.business_limit
  FROM hsum h JOIN lim ON lim.region_code = h.region_code
 WHERE h.businesses > lim.business_limit
UNION ALL
SELECT h.household_id, 'deposits_over_limit', 0, NULL, h.deposits,
       lim.months * lim.standard * MAX(h.living, 1)
  FROM hsum h JOIN lim ON lim.region_code = h.region_code
 WHERE h.deposits > lim.months * lim.standard * MAX(h.living, 1);
