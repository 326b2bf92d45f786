-- Group quizzes: each native quiz poll the bot posted, so a poll answer (which carries no chat)
-- is credited to the right branch, member and question, even after a restart.

CREATE TABLE quiz_polls (
    poll_id TEXT PRIMARY KEY,
    branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    post_key TEXT NOT NULL UNIQUE,  -- the /quiz message (chat:message) and the question's place
    message_id INTEGER NOT NULL,
    correct TEXT NOT NULL,  -- JSON [option index, …] as posted
    posted_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX quiz_polls_question ON quiz_polls(question_id);

CREATE TABLE poll_answers (
    poll_id TEXT NOT NULL REFERENCES quiz_polls(poll_id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    chosen TEXT NOT NULL,  -- JSON [option index, …]
    correct INTEGER NOT NULL,
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (poll_id, user_id)
) WITHOUT ROWID;
CREATE INDEX poll_answers_member ON poll_answers(user_id);
