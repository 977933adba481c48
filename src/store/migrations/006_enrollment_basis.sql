-- The basis an enrollment's monthly amount is computed from, so that the
-- payroll pays the amount of the policy in force in each month (see
-- src/core/payroll.h, mz_payroll_options.amount): the category of the
-- assessment recorded at 核对 ('dibao', 'dibao_single', 'tekun', …), its
-- counted members and per-capita income in fen (低保) and the care level
-- ('self', 'half', 'full'; 特困).  NULL for enrollments made before this
-- migration, and for whatever the assessment did not record: those pay their
-- stored monthly_amount_fen.  A payment line keeps the 低保 standard (fen)
-- and the policy_params row that decided its amount; NULL when the stored
-- amount was paid.

ALTER TABLE enrollments ADD COLUMN basis_category TEXT;
ALTER TABLE enrollments ADD COLUMN basis_counted_members BIGINT;
ALTER TABLE enrollments ADD COLUMN basis_per_capita_income_fen BIGINT;
ALTER TABLE enrollments ADD COLUMN basis_care_level TEXT;

ALTER TABLE payment_lines ADD COLUMN standard_fen BIGINT;
ALTER TABLE payment_lines ADD COLUMN policy_param_id BIGINT;
