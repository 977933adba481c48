-- A person's memberships straight from the index: the person profile, the
-- household of a person and the verification of members read these columns
-- for a person, and with the index on person_id alone each of them also read
-- the member's row, another B-tree descent per membership (a tenth of a
-- person profile's reads at 5 million persons).
DROP INDEX household_members_person;
CREATE INDEX household_members_person ON household_members(person_id, household_id, joined_on, left_on, relation);
