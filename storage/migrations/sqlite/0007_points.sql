-- The points ledger: one row per act, keyed by the act so a replay credits nothing twice.
-- Check-ins and meeting check-ins recorded before the ledger existed are credited here with
-- the default points (check-in 1, meeting 3, late 2); the daily cap of 10 cannot be exceeded
-- by them (at most one check-in and a handful of meetings a day).

CREATE TABLE points (
    id INTEGER PRIMARY KEY,
    branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason TEXT NOT NULL CHECK (reason IN ('checkin', 'meeting', 'meeting_late', 'correct')),
    source_key TEXT NOT NULL UNIQUE,
    points INTEGER NOT NULL,
    local_date TEXT NOT NULL,  -- the branch's local date of the act (for the daily cap)
    awarded_at INTEGER NOT NULL
);
CREATE INDEX points_member_day ON points(branch_id, user_id, local_date);
CREATE INDEX points_branch_time ON points(branch_id, awarded_at);

INSERT INTO points (branch_id, user_id, reason, source_key, points, local_date, awarded_at)
SELECT branch_id, user_id, 'checkin',
       'checkin:' || branch_id || ':' || user_id || ':' || local_date, 1, local_date, checked_at
FROM daily_checkins;

INSERT INTO points (branch_id, user_id, reason, source_key, points, local_date, awarded_at)
SELECT m.branch_id, c.user_id, CASE WHEN c.late THEN 'meeting_late' ELSE 'meeting' END,
       'meeting:' || c.occurrence_id || ':' || c.user_id, CASE WHEN c.late THEN 2 ELSE 3 END,
       coalesce(d.local_date, date(c.checked_at, 'unixepoch')), c.checked_at
FROM meeting_checkins c JOIN occurrences o ON o.id = c.occurrence_id
JOIN meetings m ON m.id = o.meeting_id
LEFT JOIN daily_checkins d ON d.branch_id = m.branch_id AND d.user_id = c.user_id
    AND d.checked_at = c.checked_at;
