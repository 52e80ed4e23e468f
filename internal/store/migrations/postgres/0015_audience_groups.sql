-- Audience groups: a plan may define its own population groups ("Người
-- từ 14 đến 60 tuổi"); an activity records the people-times it reached in
-- each group its plan asks for, beside the fixed audience columns. A
-- group is the plan's code for it. The rows go with their activity when
-- it is deleted for good; moving it to the bin keeps them.

CREATE TABLE activity_audience (
    activity_id BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    grp         TEXT NOT NULL,
    value       BIGINT NOT NULL,
    PRIMARY KEY (activity_id, grp)
);
