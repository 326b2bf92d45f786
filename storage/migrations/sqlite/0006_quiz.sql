-- Private quiz attempts: the attempt's place is kept here, so a restart resumes it.

CREATE TABLE quiz_attempts (
    id INTEGER PRIMARY KEY,
    module_id INTEGER NOT NULL REFERENCES modules(id) ON DELETE CASCADE,
    branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,  -- credited branch
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    total INTEGER NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,  -- the next question to answer
    score INTEGER NOT NULL DEFAULT 0,
    seed INTEGER NOT NULL,  -- shuffles each question's options the same way every time
    started_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX quiz_attempts_member ON quiz_attempts(user_id, module_id);

CREATE TABLE quiz_answers (
    attempt_id INTEGER NOT NULL REFERENCES quiz_attempts(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    chosen TEXT NOT NULL,  -- JSON [option index, …] in the module's own order
    correct INTEGER NOT NULL,
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, position)
) WITHOUT ROWID;
