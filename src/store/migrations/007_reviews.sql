-- Periodic reviews (复核, RULES.md A Art 31): each enrollment has a review
-- class ('A' yearly, 'B' half-yearly, 'C' monthly in towns and quarterly in
-- villages; the months are policy review.months_class_*) and the day its next
-- review is due, NULL until `minzheng review schedule` first schedules one
-- (see src/core/enrollment.h, mz_enrollment_schedule_reviews).

ALTER TABLE enrollments ADD COLUMN review_class TEXT NOT NULL DEFAULT 'B'
    CHECK (review_class IN ('A', 'B', 'C'));
ALTER TABLE enrollments ADD COLUMN next_review_on TEXT;
