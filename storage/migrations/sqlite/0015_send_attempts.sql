-- A meeting send that provably did not arrive (Telegram answered with a 5xx or still throttled
-- it after the rate limiter's retries, or the connection was never made) is owed again after a
-- backoff, as the weekly summary is: attempts counts its tries. One that Telegram refused for
-- good, or that still had not arrived after its last try, is failed. SQLite cannot widen a
-- CHECK in place: the table is built again, with its rows.

ALTER TABLE scheduled_sends RENAME TO scheduled_sends_before_attempts;

CREATE TABLE scheduled_sends (
    key TEXT PRIMARY KEY,  -- kind:occurrence[:offset], also the job's id
    kind TEXT NOT NULL CHECK (kind IN ('remind', 'open', 'close')),
    occurrence_id INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    due_at INTEGER NOT NULL,  -- a retry moves it later
    -- pending → claimed (before the send) → sent (after it); a claim found at start was
    -- interrupted: it becomes unconfirmed and is never sent again. A try that provably did
    -- not arrive goes back to pending; refused for good, or out of tries: failed.
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN (
            'pending', 'claimed', 'sent', 'skipped', 'unconfirmed', 'cancelled', 'failed'
        )),
    changed_at INTEGER,
    message_id INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0  -- claims so far
);

INSERT INTO scheduled_sends (key, kind, occurrence_id, due_at, state, changed_at, message_id)
SELECT key, kind, occurrence_id, due_at, state, changed_at, message_id
FROM scheduled_sends_before_attempts;

DROP TABLE scheduled_sends_before_attempts;

CREATE INDEX scheduled_sends_pending ON scheduled_sends(due_at) WHERE state = 'pending';
CREATE INDEX scheduled_sends_occurrence ON scheduled_sends(occurrence_id);
