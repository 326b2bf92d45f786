-- A member may withdraw a leave request while it is pending ('withdrawn'). Each secretary's
-- copy of a request is recorded by its chat and message, so a decision or a withdrawal shows
-- on every copy. The reason of ``/leave`` without arguments is asked with a reply prompt: the
-- prompt's message names the occurrence it asks about, for that member only.

ALTER TABLE leaves RENAME TO leaves_before_withdrawal;

CREATE TABLE leaves (
    id INTEGER PRIMARY KEY,
    occurrence_id INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'declined', 'withdrawn')),
    requested_at INTEGER NOT NULL,
    decided_by INTEGER,
    decided_at INTEGER,
    UNIQUE (occurrence_id, user_id)
);

INSERT INTO leaves SELECT * FROM leaves_before_withdrawal;

DROP TABLE leaves_before_withdrawal;

CREATE TABLE leave_copies (
    leave_id INTEGER NOT NULL REFERENCES leaves(id) ON DELETE CASCADE,
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (leave_id, chat_id, message_id)
) WITHOUT ROWID;

CREATE INDEX leave_copies_chat ON leave_copies(chat_id);

CREATE TABLE leave_prompts (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message_id INTEGER NOT NULL,
    occurrence_id INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, message_id)
) WITHOUT ROWID;
