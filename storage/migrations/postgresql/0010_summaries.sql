-- Weekly summaries: one row per branch and week, keyed by the week's end, so each goes out at
-- most once across restarts. Indexes for the aggregate queries over a time range.

CREATE TABLE summaries (
    branch_id BIGINT NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    week_end BIGINT NOT NULL,  -- the summary time that closed the week
    -- pending → claimed (before the send) → sent; a claim found at start was interrupted and
    -- becomes unconfirmed; failures that prove nothing was delivered go back to pending with
    -- a later next_at; missed beyond summary.catch_up: skipped.
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'claimed', 'sent', 'unconfirmed', 'skipped', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at BIGINT NOT NULL,  -- not before this instant
    message_id BIGINT,
    detail TEXT,  -- why it was skipped, failed or left unconfirmed
    changed_at BIGINT NOT NULL,
    PRIMARY KEY (branch_id, week_end)
);
CREATE INDEX summaries_pending ON summaries(next_at) WHERE state = 'pending';

CREATE INDEX daily_checkins_time ON daily_checkins(branch_id, checked_at);
CREATE INDEX quiz_attempts_branch ON quiz_attempts(branch_id, finished_at);
CREATE INDEX quiz_polls_branch ON quiz_polls(branch_id, posted_at);
