-- The exit periods (渐退) that end, which the payroll stops before every month
-- (core/enrollment.c, mz_enrollment_expire_tapers): few rows, so a partial
-- index lets that query start from them instead of reading every enrollment
-- (12 ms at 5 million persons).
CREATE INDEX enrollments_taper_end ON enrollments(to_month) WHERE status = 'taper';
