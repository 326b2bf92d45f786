-- A member may withdraw a leave request while it is pending ('withdrawn'). Each secretary's
-- copy of a request is recorded by its chat and message, so a decision or a withdrawal shows
-- on every copy. The reason of ``/leave`` without arguments is asked with a reply prompt: the
-- prompt's message names the occurrence it asks about, for that member only.

ALTER TABLE leaves
    DROP CONSTRAINT leaves_status_check,
    ADD CONSTRAINT leaves_status_check
        CHECK (status IN ('pending', 'approved', 'declined', 'withdrawn'));

CREATE TABLE leave_copies (
    leave_id BIGINT NOT NULL REFERENCES leaves(id) ON DELETE CASCADE,
    chat_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    PRIMARY KEY (leave_id, chat_id, message_id)
);

CREATE INDEX leave_copies_chat ON leave_copies(chat_id);

CREATE TABLE leave_prompts (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message_id BIGINT NOT NULL,
    occurrence_id BIGINT NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, message_id)
);
