-- Indexes for the lists and profiles that filter cases by household or by
-- applicant (a person's or a household's profile lists its applications).
CREATE INDEX cases_household ON cases(household_id);
CREATE INDEX cases_applicant ON cases(applicant_person_id);
