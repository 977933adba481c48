-- Department data (部门数据, the Evidence concept): batches of other
-- departments' records imported from CSV or .xlsx (src/core/evidence.h).  A
-- batch is the provenance of its rows: department, source kind, as-of date,
-- the file's SHA-256, counts, mode and who imported it.  An imported batch is
-- unique per (source, sha256), so importing the same file again changes
-- nothing; a batch refused as a whole (all-or-nothing with bad rows) keeps
-- its error report but no records, and does not block a later import.
--
-- The records of every source share one table with typed columns, keyed for
-- verification and monitoring by (id_number, source): what each column means
-- per source is declared in src/core/evidence_sources.c (e.g. for vehicles
-- ref is the plate and amount_fen the value; for disability kind is the
-- category and qty the grade).  as_of is copied from the batch so that "the
-- newest data of every source for a person" is one index range scan.

CREATE TABLE evidence_batches (
    id            {{pk}},
    source        TEXT NOT NULL,
    department    TEXT NOT NULL,
    as_of         TEXT NOT NULL,                 -- YYYY-MM-DD: the data's date
    sha256        TEXT NOT NULL,                 -- hex, of the file as uploaded
    file_name     TEXT NOT NULL,
    file_format   TEXT NOT NULL CHECK (file_format IN ('csv', 'xlsx')),
    encoding      TEXT,                          -- CSV: UTF-8 or GB18030
    mode          TEXT NOT NULL CHECK (mode IN ('all_or_nothing', 'valid_rows')),
    status        TEXT NOT NULL CHECK (status IN ('imported', 'rejected')),
    rows_total    BIGINT NOT NULL,
    rows_accepted BIGINT NOT NULL,
    rows_rejected BIGINT NOT NULL,
    errors_total  BIGINT NOT NULL,               -- cell errors found (stored up to a limit)
    imported_by   TEXT NOT NULL,                 -- username
    importer_region TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    finished_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX evidence_batches_file ON evidence_batches(source, sha256)
    WHERE status = 'imported';
CREATE INDEX evidence_batches_finished ON evidence_batches(finished_at);

CREATE TABLE evidence_errors (
    id        {{pk}},
    batch_id  BIGINT NOT NULL REFERENCES evidence_batches(id),
    row_no    BIGINT NOT NULL,                   -- as the spreadsheet numbers rows
    col_name  TEXT NOT NULL,                     -- the template's Chinese header, '' for the row
    value     TEXT,                              -- excerpt of the cell
    code      TEXT NOT NULL,
    message   TEXT NOT NULL
);
CREATE INDEX evidence_errors_batch ON evidence_errors(batch_id, row_no, id);

CREATE TABLE evidence_records (
    id          {{pk}},
    batch_id    BIGINT NOT NULL REFERENCES evidence_batches(id),
    source      TEXT NOT NULL,
    as_of       TEXT NOT NULL,
    row_no      BIGINT NOT NULL,
    id_number   TEXT NOT NULL,
    name        TEXT NOT NULL,
    ref         TEXT,                            -- the record's own number: plate, certificate, account
    kind        TEXT,                            -- a code from the source's list
    date_from   TEXT,                            -- YYYY-MM-DD: event, start or registration
    date_to     TEXT,                            -- YYYY-MM-DD: end or cancellation
    month       TEXT,                            -- YYYY-MM: the month an amount belongs to
    amount_fen  BIGINT,                          -- the source's main amount
    amount2_fen BIGINT,                          -- a second amount (total cost, tax paid, balance)
    qty         BIGINT,                          -- a count or grade; area in 0.01 m²
    note        TEXT                             -- free text: address, employer, hospital
);
CREATE INDEX evidence_records_person ON evidence_records(id_number, source, as_of);
CREATE INDEX evidence_records_batch ON evidence_records(batch_id);

INSERT INTO roles (code, name, levels, sort) VALUES
  ('verifier', '核对中心', 'city,county', 10);

INSERT INTO role_permissions (role_code, permission) VALUES
  ('verifier', 'sys:region:read'), ('verifier', 'sys:calendar:read'),
  ('verifier', 'evidence:import:read'), ('verifier', 'evidence:import:create'),
  ('city_admin', 'evidence:import:read'), ('city_admin', 'evidence:import:create'),
  ('county_worker', 'evidence:import:read');
