-- The recorded deaths, which the payroll applies before every month
-- (core/enrollment.c, mz_enrollment_apply_deaths): few rows, so a partial
-- index lets that query start from them instead of reading every person.
CREATE INDEX persons_deceased ON persons(deceased_on) WHERE deceased_on IS NOT NULL;
