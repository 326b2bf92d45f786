-- Meetings, their materialised occurrences, the scheduled sends the bot owes for them, meeting
-- check-ins and the attendance frozen at each occurrence's close.

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    title TEXT NOT NULL,  -- empty: shown as the type's name
    first_local TEXT NOT NULL,  -- the first occurrence's local wall time, YYYY-MM-DDTHH:MM
    timezone TEXT NOT NULL,  -- the branch's zone at creation; a later change does not move it
    rule TEXT,  -- RFC 5545 rule; NULL for a one-off meeting
    duration_min INTEGER NOT NULL,
    remind_min TEXT NOT NULL,  -- reminder offsets in minutes before start, comma-separated
    materialised_until INTEGER NOT NULL,  -- occurrences exist for starts before this instant
    ended_at INTEGER,  -- the series was cancelled from this instant on
    created_key TEXT NOT NULL UNIQUE,  -- the /meeting_add message (chat:message)
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX meetings_branch ON meetings(branch_id);

CREATE TABLE occurrences (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    cancelled INTEGER NOT NULL DEFAULT 0,
    held_offline INTEGER NOT NULL DEFAULT 0,
    notes TEXT,
    closed_at INTEGER,  -- attendance frozen
    UNIQUE (meeting_id, starts_at)
);
CREATE INDEX occurrences_start ON occurrences(starts_at);

CREATE TABLE scheduled_sends (
    key TEXT PRIMARY KEY,  -- kind:occurrence[:offset], also the job's id
    kind TEXT NOT NULL CHECK (kind IN ('remind', 'open', 'close')),
    occurrence_id INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    due_at INTEGER NOT NULL,
    -- pending → claimed (before the send) → sent (after it); a claim found at start was
    -- interrupted: it becomes unconfirmed and is never sent again.
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'claimed', 'sent', 'skipped', 'unconfirmed', 'cancelled')),
    changed_at INTEGER,
    message_id INTEGER
);
CREATE INDEX scheduled_sends_pending ON scheduled_sends(due_at) WHERE state = 'pending';
CREATE INDEX scheduled_sends_occurrence ON scheduled_sends(occurrence_id);

CREATE TABLE meeting_checkins (
    occurrence_id INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    checked_at INTEGER NOT NULL,
    late INTEGER NOT NULL,
    PRIMARY KEY (occurrence_id, user_id)
) WITHOUT ROWID;

CREATE TABLE attendance (
    occurrence_id INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('present', 'late', 'excused', 'absent')),
    PRIMARY KEY (occurrence_id, user_id)
) WITHOUT ROWID;
