-- Daily check-ins (a meeting check-in also counts as that day's), the daily check-in posts,
-- answers to reminders, and leave requests.

CREATE TABLE daily_checkins (
    branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    local_date TEXT NOT NULL,  -- YYYY-MM-DD in the branch's timezone when checking in
    checked_at INTEGER NOT NULL,
    PRIMARY KEY (branch_id, user_id, local_date)
) WITHOUT ROWID;

CREATE TABLE daily_posts (
    branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    local_date TEXT NOT NULL,
    -- claimed before the post goes out, sent after: one post per branch and day at most
    state TEXT NOT NULL CHECK (state IN ('claimed', 'sent')),
    message_id INTEGER,
    PRIMARY KEY (branch_id, local_date)
) WITHOUT ROWID;

CREATE TABLE rsvps (
    occurrence_id INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    answer TEXT NOT NULL CHECK (answer IN ('going', 'not_going')),
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (occurrence_id, user_id)
) WITHOUT ROWID;

CREATE TABLE leaves (
    id INTEGER PRIMARY KEY,
    occurrence_id INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'declined')),
    requested_at INTEGER NOT NULL,
    decided_by INTEGER,
    decided_at INTEGER,
    UNIQUE (occurrence_id, user_id)
);

-- A held private message may carry buttons (a leave request's approve / decline).
ALTER TABLE pending_messages ADD COLUMN buttons TEXT;  -- JSON [[text key, callback data], …]
