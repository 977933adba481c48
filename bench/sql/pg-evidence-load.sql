-- The plain-SQL load of the synthetic city's department data (minzheng gen's
-- evidence/<kind>.csv) into evidence_batches and evidence_records of a
-- migrated, empty minzheng database on PostgreSQL: psql's \copy (COPY FROM
-- STDIN) of each file into a staging table, then one INSERT … SELECT per
-- source putting each column where src/core/evidence_sources.c declares it
-- (money: yuan with two decimals → fen; area m² → 0.01 m²; empty → NULL),
-- validating nothing.  One transaction per file, as `minzheng import` does.
-- The PostgreSQL port of sqlite-evidence-load.sql: rn (the file's order)
-- where SQLite has rowid, FORCE_NOT_NULL so that an empty cell is '' as
-- sqlite3's .import makes it, foreign keys off as there.  Benchmark 1b's
-- baseline; bench/run.sh substitutes @DIR@, @NOW@ and @ASOF@.
\set ON_ERROR_STOP on
SET session_replication_role = replica;

BEGIN;
CREATE TEMP TABLE s_death (rn BIGSERIAL, c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT);
\copy s_death (c1, c2, c3, c4, c5, c6) FROM '@DIR@/evidence/death.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (c1, c2, c3, c4, c5, c6))
INSERT INTO evidence_batches (source, department, as_of, sha256, file_name, file_format, encoding,
                              mode, status, rows_total, rows_accepted, rows_rejected, errors_total,
                              imported_by, importer_region, started_at, finished_at)
SELECT 'death', 'bench', '@ASOF@', 'plain-sql-death', 'death.csv', 'csv', 'UTF-8',
       'all_or_nothing', 'imported', COUNT(*), COUNT(*), 0, 0, 'bench', '321300000000', '@NOW@',
       '@NOW@' FROM s_death;
INSERT INTO evidence_records (batch_id, source, as_of, row_no, id_number, name, ref, kind,
                              date_from, date_to, month, amount_fen, amount2_fen, qty, note)
SELECT (SELECT id FROM evidence_batches WHERE source = 'death'), 'death', '@ASOF@', s.rn + 1,
       s.c1, s.c2,
       NULLIF(s.c5, '') AS ref,
       NULLIF(s.c4, '') AS kind,
       NULLIF(s.c3, '') AS date_from,
       NULL AS date_to,
       NULL AS month,
       NULL AS amount_fen,
       NULL AS amount2_fen,
       NULL AS qty,
       NULLIF(s.c6, '') AS note
  FROM s_death s ORDER BY s.rn;
DROP TABLE s_death;
COMMIT;

BEGIN;
CREATE TEMP TABLE s_pension (rn BIGSERIAL, c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT);
\copy s_pension (c1, c2, c3, c4, c5, c6) FROM '@DIR@/evidence/pension.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (c1, c2, c3, c4, c5, c6))
INSERT INTO evidence_batches (source, department, as_of, sha256, file_name, file_format, encoding,
                              mode, status, rows_total, rows_accepted, rows_rejected, errors_total,
                              imported_by, importer_region, started_at, finished_at)
SELECT 'pension', 'bench', '@ASOF@', 'plain-sql-pension', 'pension.csv', 'csv', 'UTF-8',
       'all_or_nothing', 'imported', COUNT(*), COUNT(*), 0, 0, 'bench', '321300000000', '@NOW@',
       '@NOW@' FROM s_pension;
INSERT INTO evidence_records (batch_id, source, as_of, row_no, id_number, name, ref, kind,
                              date_from, date_to, month, amount_fen, amount2_fen, qty, note)
SELECT (SELECT id FROM evidence_batches WHERE source = 'pension'), 'pension', '@ASOF@', s.rn + 1,
       s.c1, s.c2,
       NULL AS ref,
       NULLIF(s.c3, '') AS kind,
       NULLIF(s.c6, '') AS date_from,
       NULL AS date_to,
       NULLIF(s.c4, '') AS month,
       CAST(replace(NULLIF(s.c5, ''), '.', '') AS BIGINT) AS amount_fen,
       NULL AS amount2_fen,
       NULL AS qty,
       NULL AS note
  FROM s_pension s ORDER BY s.rn;
DROP TABLE s_pension;
COMMIT;

BEGIN;
CREATE TEMP TABLE s_social_insurance (rn BIGSERIAL, c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT, c7 TEXT);
\copy s_social_insurance (c1, c2, c3, c4, c5, c6, c7) FROM '@DIR@/evidence/social_insurance.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (c1, c2, c3, c4, c5, c6, c7))
INSERT INTO evidence_batches (source, department, as_of, sha256, file_name, file_format, encoding,
                              mode, status, rows_total, rows_accepted, rows_rejected, errors_total,
                              imported_by, importer_region, started_at, finished_at)
SELECT 'social_insurance', 'bench', '@ASOF@', 'plain-sql-social_insurance', 'social_insurance.csv', 'csv', 'UTF-8',
       'all_or_nothing', 'imported', COUNT(*), COUNT(*), 0, 0, 'bench', '321300000000', '@NOW@',
       '@NOW@' FROM s_social_insurance;
INSERT INTO evidence_records (batch_id, source, as_of, row_no, id_number, name, ref, kind,
                              date_from, date_to, month, amount_fen, amount2_fen, qty, note)
SELECT (SELECT id FROM evidence_batches WHERE source = 'social_insurance'), 'social_insurance', '@ASOF@', s.rn + 1,
       s.c1, s.c2,
       NULL AS ref,
       NULLIF(s.c3, '') AS kind,
       NULL AS date_from,
       NULL AS date_to,
       NULLIF(s.c4, '') AS month,
       CAST(replace(NULLIF(s.c5, ''), '.', '') AS BIGINT) AS amount_fen,
       CAST(replace(NULLIF(s.c6, ''), '.', '') AS BIGINT) AS amount2_fen,
       NULL AS qty,
       NULLIF(s.c7, '') AS note
  FROM s_social_insurance s ORDER BY s.rn;
DROP TABLE s_social_insurance;
COMMIT;

BEGIN;
CREATE TEMP TABLE s_unemployment (rn BIGSERIAL, c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT);
\copy s_unemployment (c1, c2, c3, c4, c5, c6) FROM '@DIR@/evidence/unemployment.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (c1, c2, c3, c4, c5, c6))
INSERT INTO evidence_batches (source, department, as_of, sha256, file_name, file_format, encoding,
                              mode, status, rows_total, rows_accepted, rows_rejected, errors_total,
                              imported_by, importer_region, started_at, finished_at)
SELECT 'unemployment', 'bench', '@ASOF@', 'plain-sql-unemployment', 'unemployment.csv', 'csv', 'UTF-8',
       'all_or_nothing', 'imported', COUNT(*), COUNT(*), 0, 0, 'bench', '321300000000', '@NOW@',
       '@NOW@' FROM s_unemployment;
INSERT INTO evidence_records (batch_id, source, as_of, row_no, id_number, name, ref, kind,
                              date_from, date_to, month, amount_fen, amount2_fen, qty, note)
SELECT (SELECT id FROM evidence_batches WHERE source = 'unemployment'), 'unemployment', '@ASOF@', s.rn + 1,
       s.c1, s.c2,
       NULL AS ref,
       NULL AS kind,
       NULLIF(s.c5, '') AS date_from,
       NULLIF(s.c6, '') AS date_to,
       NULLIF(s.c3, '') AS month,
       CAST(replace(NULLIF(s.c4, ''), '.', '') AS BIGINT) AS amount_fen,
       NULL AS amount2_fen,
       NULL AS qty,
       NULL AS note
  FROM s_unemployment s ORDER BY s.rn;
DROP TABLE s_unemployment;
COMMIT;

BEGIN;
CREATE TEMP TABLE s_medical (rn BIGSERIAL, c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT, c7 TEXT, c8 TEXT);
\copy s_medical (c1, c2, c3, c4, c5, c6, c7, c8) FROM '@DIR@/evidence/medical.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (c1, c2, c3, c4, c5, c6, c7, c8))
INSERT INTO evidence_batches (source, department, as_of, sha256, file_name, file_format, encoding,
                              mode, status, rows_total, rows_accepted, rows_rejected, errors_total,
                              imported_by, importer_region, started_at, finished_at)
SELECT 'medical', 'bench', '@ASOF@', 'plain-sql-medical', 'medical.csv', 'csv', 'UTF-8',
       'all_or_nothing', 'imported', COUNT(*), COUNT(*), 0, 0, 'bench', '321300000000', '@NOW@',
       '@NOW@' FROM s_medical;
INSERT INTO evidence_records (batch_id, source, as_of, row_no, id_number, name, ref, kind,
                              date_from, date_to, month, amount_fen, amount2_fen, qty, note)
SELECT (SELECT id FROM evidence_batches WHERE source = 'medical'), 'medical', '@ASOF@', s.rn + 1,
       s.c1, s.c2,
       NULL AS ref,
       NULLIF(s.c3, '') AS kind,
       NULLIF(s.c4, '') AS date_from,
       NULLIF(s.c5, '') AS date_to,
       NULL AS month,
       CAST(replace(NULLIF(s.c7, ''), '.', '') AS BIGINT) AS amount_fen,
       CAST(replace(NULLIF(s.c6, ''), '.', '') AS BIGINT) AS amount2_fen,
       NULL AS qty,
       NULLIF(s.c8, '') AS note
  FROM s_medical s ORDER BY s.rn;
DROP TABLE s_medical;
COMMIT;

BEGIN;
CREATE TEMP TABLE s_property (rn BIGSERIAL, c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT, c7 TEXT, c8 TEXT);
\copy s_property (c1, c2, c3, c4, c5, c6, c7, c8) FROM '@DIR@/evidence/property.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (c1, c2, c3, c4, c5, c6, c7, c8))
INSERT INTO evidence_batches (source, department, as_of, sha256, file_name, file_format, encoding,
                              mode, status, rows_total, rows_accepted, rows_rejected, errors_total,
                              imported_by, importer_region, started_at, finished_at)
SELECT 'property', 'bench', '@ASOF@', 'plain-sql-property', 'property.csv', 'csv', 'UTF-8',
       'all_or_nothing', 'imported', COUNT(*), COUNT(*), 0, 0, 'bench', '321300000000', '@NOW@',
       '@NOW@' FROM s_property;
INSERT INTO evidence_records (batch_id, source, as_of, row_no, id_number, name, ref, kind,
                              date_from, date_to, month, amount_fen, amount2_fen, qty, note)
SELECT (SELECT id FROM evidence_batches WHERE source = 'property'), 'property', '@ASOF@', s.rn + 1,
       s.c1, s.c2,
       NULLIF(s.c3, '') AS ref,
       NULLIF(s.c4, '') AS kind,
       NULLIF(s.c7, '') AS date_from,
       NULLIF(s.c8, '') AS date_to,
       NULL AS month,
       NULL AS amount_fen,
       NULL AS amount2_fen,
       CAST(replace(NULLIF(s.c5, ''), '.', '') AS BIGINT) AS qty,
       NULLIF(s.c6, '') AS note
  FROM s_property s ORDER BY s.rn;
DROP TABLE s_property;
COMMIT;

BEGIN;
CREATE TEMP TABLE s_vehicle (rn BIGSERIAL, c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT, c7 TEXT);
\copy s_vehicle (c1, c2, c3, c4, c5, c6, c7) FROM '@DIR@/evidence/vehicle.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (c1, c2, c3, c4, c5, c6, c7))
INSERT INTO evidence_batches (source, department, as_of, sha256, file_name, file_format, encoding,
                              mode, status, rows_total, rows_accepted, rows_rejected, errors_total,
                              imported_by, importer_region, started_at, finished_at)
SELECT 'vehicle', 'bench', '@ASOF@', 'plain-sql-vehicle', 'vehicle.csv', 'csv', 'UTF-8',
       'all_or_nothing', 'imported', COUNT(*), COUNT(*), 0, 0, 'bench', '321300000000', '@NOW@',
       '@NOW@' FROM s_vehicle;
INSERT INTO evidence_records (batch_id, source, as_of, row_no, id_number, name, ref, kind,
                              date_from, date_to, month, amount_fen, amount2_fen, qty, note)
SELECT (SELECT id FROM evidence_batches WHERE source = 'vehicle'), 'vehicle', '@ASOF@', s.rn + 1,
       s.c1, s.c2,
       NULLIF(s.c3, '') AS ref,
       NULLIF(s.c4, '') AS kind,
       NULLIF(s.c5, '') AS date_from,
       NULLIF(s.c7, '') AS date_to,
       NULL AS month,
       CAST(replace(NULLIF(s.c6, ''), '.', '') AS BIGINT) AS amount_fen,
       NULL AS amount2_fen,
       NULL AS qty,
       NULL AS note
  FROM s_vehicle s ORDER BY s.rn;
DROP TABLE s_vehicle;
COMMIT;

BEGIN;
CREATE TEMP TABLE s_business (rn BIGSERIAL, c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT, c7 TEXT, c8 TEXT);
\copy s_business (c1, c2, c3, c4, c5, c6, c7, c8) FROM '@DIR@/evidence/business.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (c1, c2, c3, c4, c5, c6, c7, c8))
INSERT INTO evidence_batches (source, department, as_of, sha256, file_name, file_format, encoding,
                              mode, status, rows_total, rows_accepted, rows_rejected, errors_total,
                              imported_by, importer_region, started_at, finished_at)
SELECT 'business', 'bench', '@ASOF@', 'plain-sql-business', 'business.csv', 'csv', 'UTF-8',
       'all_or_nothing', 'imported', COUNT(*), COUNT(*), 0, 0, 'bench', '321300000000', '@NOW@',
       '@NOW@' FROM s_business;
INSERT INTO evidence_records (batch_id, source, as_of, row_no, id_number, name, ref, kind,
                              date_from, date_to, month, amount_fen, amount2_fen, qty, note)
SELECT (SELECT id FROM evidence_batches WHERE source = 'business'), 'business', '@ASOF@', s.rn + 1,
       s.c1, s.c2,
       NULLIF(s.c3, '') AS ref,
       NULLIF(s.c5, '') AS kind,
       NULLIF(s.c7, '') AS date_from,
       NULLIF(s.c8, '') AS date_to,
       NULL AS month,
       CAST(replace(NULLIF(s.c6, ''), '.', '') AS BIGINT) AS amount_fen,
       NULL AS amount2_fen,
       NULL AS qty,
       NULLIF(s.c4, '') AS note
  FROM s_business s ORDER BY s.rn;
DROP TABLE s_business;
COMMIT;

BEGIN;
CREATE TEMP TABLE s_housing_fund (rn BIGSERIAL, c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT);
\copy s_housing_fund (c1, c2, c3, c4, c5, c6) FROM '@DIR@/evidence/housing_fund.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (c1, c2, c3, c4, c5, c6))
INSERT INTO evidence_batches (source, department, as_of, sha256, file_name, file_format, encoding,
                              mode, status, rows_total, rows_accepted, rows_rejected, errors_total,
                              imported_by, importer_region, started_at, finished_at)
SELECT 'housing_fund', 'bench', '@ASOF@', 'plain-sql-housing_fund', 'housing_fund.csv', 'csv', 'UTF-8',
       'all_or_nothing', 'imported', COUNT(*), COUNT(*), 0, 0, 'bench', '321300000000', '@NOW@',
       '@NOW@' FROM s_housing_fund;
INSERT INTO evidence_records (batch_id, source, as_of, row_no, id_number, name, ref, kind,
                              date_from, date_to, month, amount_fen, amount2_fen, qty, note)
SELECT (SELECT id FROM evidence_batches WHERE source = 'housing_fund'), 'housing_fund', '@ASOF@', s.rn + 1,
       s.c1, s.c2,
       NULL AS ref,
       NULL AS kind,
       NULL AS date_from,
       NULL AS date_to,
       NULLIF(s.c3, '') AS month,
       CAST(replace(NULLIF(s.c4, ''), '.', '') AS BIGINT) AS amount_fen,
       CAST(replace(NULLIF(s.c5, ''), '.', '') AS BIGINT) AS amount2_fen,
       NULL AS qty,
       NULLIF(s.c6, '') AS note
  FROM s_housing_fund s ORDER BY s.rn;
DROP TABLE s_housing_fund;
COMMIT;

BEGIN;
CREATE TEMP TABLE s_tax (rn BIGSERIAL, c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT, c7 TEXT);
\copy s_tax (c1, c2, c3, c4, c5, c6, c7) FROM '@DIR@/evidence/tax.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (c1, c2, c3, c4, c5, c6, c7))
INSERT INTO evidence_batches (source, department, as_of, sha256, file_name, file_format, encoding,
                              mode, status, rows_total, rows_accepted, rows_rejected, errors_total,
                              imported_by, importer_region, started_at, finished_at)
SELECT 'tax', 'bench', '@ASOF@', 'plain-sql-tax', 'tax.csv', 'csv', 'UTF-8',
       'all_or_nothing', 'imported', COUNT(*), COUNT(*), 0, 0, 'bench', '321300000000', '@NOW@',
       '@NOW@' FROM s_tax;
INSERT INTO evidence_records (batch_id, source, as_of, row_no, id_number, name, ref, kind,
                              date_from, date_to, month, amount_fen, amount2_fen, qty, note)
SELECT (SELECT id FROM evidence_batches WHERE source = 'tax'), 'tax', '@ASOF@', s.rn + 1,
       s.c1, s.c2,
       NULL AS ref,
       NULLIF(s.c4, '') AS kind,
       NULL AS date_from,
       NULL AS date_to,
       NULLIF(s.c3, '') AS month,
       CAST(replace(NULLIF(s.c5, ''), '.', '') AS BIGINT) AS amount_fen,
       CAST(replace(NULLIF(s.c6, ''), '.', '') AS BIGINT) AS amount2_fen,
       NULL AS qty,
       NULLIF(s.c7, '') AS note
  FROM s_tax s ORDER BY s.rn;
DROP TABLE s_tax;
COMMIT;

BEGIN;
CREATE TEMP TABLE s_deposit (rn BIGSERIAL, c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT);
\copy s_deposit (c1, c2, c3, c4, c5, c6) FROM '@DIR@/evidence/deposit.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (c1, c2, c3, c4, c5, c6))
INSERT INTO evidence_batches (source, department, as_of, sha256, file_name, file_format, encoding,
                              mode, status, rows_total, rows_accepted, rows_rejected, errors_total,
                              imported_by, importer_region, started_at, finished_at)
SELECT 'deposit', 'bench', '@ASOF@', 'plain-sql-deposit', 'deposit.csv', 'csv', 'UTF-8',
       'all_or_nothing', 'imported', COUNT(*), COUNT(*), 0, 0, 'bench', '321300000000', '@NOW@',
       '@NOW@' FROM s_deposit;
INSERT INTO evidence_records (batch_id, source, as_of, row_no, id_number, name, ref, kind,
                              date_from, date_to, month, amount_fen, amount2_fen, qty, note)
SELECT (SELECT id FROM evidence_batches WHERE source = 'deposit'), 'deposit', '@ASOF@', s.rn + 1,
       s.c1, s.c2,
       NULLIF(s.c4, '') AS ref,
       NULL AS kind,
       NULLIF(s.c6, '') AS date_from,
       NULL AS date_to,
       NULL AS month,
       CAST(replace(NULLIF(s.c5, ''), '.', '') AS BIGINT) AS amount_fen,
       NULL AS amount2_fen,
       NULL AS qty,
       NULLIF(s.c3, '') AS note
  FROM s_deposit s ORDER BY s.rn;
DROP TABLE s_deposit;
COMMIT;

BEGIN;
CREATE TEMP TABLE s_disability (rn BIGSERIAL, c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT, c7 TEXT);
\copy s_disability (c1, c2, c3, c4, c5, c6, c7) FROM '@DIR@/evidence/disability.csv' WITH (FORMAT csv, HEADER true, FORCE_NOT_NULL (c1, c2, c3, c4, c5, c6, c7))
INSERT INTO evidence_batches (source, department, as_of, sha256, file_name, file_format, encoding,
                              mode, status, rows_total, rows_accepted, rows_rejected, errors_total,
                              imported_by, importer_region, started_at, finished_at)
SELECT 'disability', 'bench', '@ASOF@', 'plain-sql-disability', 'disability.csv', 'csv', 'UTF-8',
       'all_or_nothing', 'imported', COUNT(*), COUNT(*), 0, 0, 'bench', '321300000000', '@NOW@',
       '@NOW@' FROM s_disability;
INSERT INTO evidence_records (batch_id, source, as_of, row_no, id_number, name, ref, kind,
                              date_from, date_to, month, amount_fen, amount2_fen, qty, note)
SELECT (SELECT id FROM evidence_batches WHERE source = 'disability'), 'disability', '@ASOF@', s.rn + 1,
       s.c1, s.c2,
       NULLIF(s.c3, '') AS ref,
       NULLIF(s.c4, '') AS kind,
       NULLIF(s.c6, '') AS date_from,
       NULLIF(s.c7, '') AS date_to,
       NULL AS month,
       NULL AS amount_fen,
       NULL AS amount2_fen,
       CAST(s.c5 AS BIGINT) AS qty,
       NULL AS note
  FROM s_disability s ORDER BY s.rn;
DROP TABLE s_disability;
COMMIT;
