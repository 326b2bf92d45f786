-- The schema every migration together must produce (sqlite_master, in order).
-- Regenerate it only together with a new migration.

CREATE TABLE acts (
    key TEXT PRIMARY KEY,
    done_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE attendance (
    occurrence_id INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('present', 'late', 'excused', 'absent')),
    PRIMARY KEY (occurrence_id, user_id)
) WITHOUT ROWID;

CREATE TABLE branches (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL UNIQUE,  -- changes when a group becomes a supergroup; nothing refers to it
    title TEXT NOT NULL,
    organisation_id INTEGER REFERENCES organisations(id) ON DELETE SET NULL,
    timezone TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('zh', 'en')),
    summary_weekday INTEGER CHECK (summary_weekday BETWEEN 0 AND 6),  -- Monday = 0; NULL = off
    summary_time TEXT,  -- local HH:MM; NULL = off
    checkin_time TEXT,  -- local HH:MM; NULL = off
    active INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL
);

CREATE TABLE command_menus (
    scope TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    set_at INTEGER NOT NULL
);

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
    message_id INTEGER, claimed_by TEXT, lease_until INTEGER,
    PRIMARY KEY (branch_id, local_date)
) WITHOUT ROWID;

CREATE TABLE import_drafts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message_key TEXT NOT NULL UNIQUE,  -- the private message (chat:message) that carried it
    file_name TEXT NOT NULL,
    content BLOB NOT NULL,
    created_at INTEGER NOT NULL
);

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

CREATE TABLE leave_copies (
    leave_id INTEGER NOT NULL REFERENCES leaves(id) ON DELETE CASCADE,
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (leave_id, chat_id, message_id)
) WITHOUT ROWID;

CREATE TABLE leave_prompts (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message_id INTEGER NOT NULL,
    occurrence_id INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, message_id)
) WITHOUT ROWID;

CREATE TABLE meeting_checkins (
    occurrence_id INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    checked_at INTEGER NOT NULL,
    late INTEGER NOT NULL,
    PRIMARY KEY (occurrence_id, user_id)
) WITHOUT ROWID;

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
, place TEXT NOT NULL DEFAULT '');

CREATE TABLE memberships (
    branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'committee', 'secretary')),
    on_roster INTEGER NOT NULL DEFAULT 0,
    joined_at INTEGER NOT NULL,
    seen_at INTEGER NOT NULL, left_at INTEGER,
    PRIMARY KEY (branch_id, user_id)
) WITHOUT ROWID;

CREATE TABLE modules (
    id INTEGER PRIMARY KEY,
    branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,  -- imported by
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    material TEXT NOT NULL,
    links TEXT NOT NULL,  -- JSON [[title, url], …]
    import_key TEXT NOT NULL UNIQUE,  -- the file's message (chat:message) and place in it
    imported_by INTEGER NOT NULL,
    imported_at INTEGER NOT NULL
);

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

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    admin_user_id INTEGER NOT NULL,
    created_key TEXT NOT NULL UNIQUE,  -- the /org_add message (chat:message): a replay creates nothing
    created_at INTEGER NOT NULL
);

CREATE TABLE pending_messages (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    message_key TEXT NOT NULL,  -- catalog key, rendered in the user's language on delivery
    params TEXT NOT NULL,  -- JSON object of the key's parameters
    dedupe_key TEXT NOT NULL UNIQUE,  -- what caused it: a replay queues nothing new
    created_at INTEGER NOT NULL,
    prompted_at INTEGER,  -- when the group was shown the start-link button for it
    delivered_at INTEGER
, buttons TEXT);

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

CREATE TABLE poll_answers (
    poll_id TEXT NOT NULL REFERENCES quiz_polls(poll_id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    chosen TEXT NOT NULL,  -- JSON [option index, …]
    correct INTEGER NOT NULL,
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (poll_id, user_id)
) WITHOUT ROWID;

CREATE TABLE processed_updates (
    update_id INTEGER PRIMARY KEY,
    seen_at INTEGER NOT NULL
);

CREATE TABLE publications (
    module_id INTEGER NOT NULL REFERENCES modules(id) ON DELETE CASCADE,
    branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    published_at INTEGER NOT NULL,
    PRIMARY KEY (module_id, branch_id)
) WITHOUT ROWID;

CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    module_id INTEGER NOT NULL REFERENCES modules(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    options TEXT NOT NULL,  -- JSON [text, …]
    correct TEXT NOT NULL,  -- JSON [option index, …]
    feedback TEXT NOT NULL,  -- JSON [text or null, …], one per option
    explanation TEXT,
    poll_ready INTEGER NOT NULL,  -- within Telegram's quiz poll limits
    UNIQUE (module_id, position)
);

CREATE TABLE quiz_answers (
    attempt_id INTEGER NOT NULL REFERENCES quiz_attempts(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    chosen TEXT NOT NULL,  -- JSON [option index, …] in the module's own order
    correct INTEGER NOT NULL,
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, position)
) WITHOUT ROWID;

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

CREATE TABLE quiz_polls (
    poll_id TEXT PRIMARY KEY,
    branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    post_key TEXT NOT NULL UNIQUE,  -- the /quiz message (chat:message) and the question's place
    message_id INTEGER NOT NULL,
    correct TEXT NOT NULL,  -- JSON [option index, …] as posted
    posted_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE rsvps (
    occurrence_id INTEGER NOT NULL REFERENCES occurrences(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    answer TEXT NOT NULL CHECK (answer IN ('going', 'not_going')),
    answered_at INTEGER NOT NULL,
    PRIMARY KEY (occurrence_id, user_id)
) WITHOUT ROWID;

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
, claimed_by TEXT, lease_until INTEGER);

CREATE TABLE summaries (
    branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    week_end INTEGER NOT NULL,  -- the summary time that closed the week
    -- pending → claimed (before the send) → sent; a claim found at start was interrupted and
    -- becomes unconfirmed; failures that prove nothing was delivered go back to pending with
    -- a later next_at; missed beyond summary.catch_up: skipped.
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'claimed', 'sent', 'unconfirmed', 'skipped', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,  -- not before this instant
    message_id INTEGER,
    detail TEXT,  -- why it was skipped, failed or left unconfirmed
    changed_at INTEGER NOT NULL, claimed_by TEXT, lease_until INTEGER,
    PRIMARY KEY (branch_id, week_end)
) WITHOUT ROWID;

CREATE TABLE users (
    id INTEGER PRIMARY KEY,  -- the Telegram user id
    first_name TEXT NOT NULL,
    last_name TEXT,
    username TEXT,
    language_code TEXT,
    started_at INTEGER,  -- last /start in private: the bot may write to them
    private_branch_id INTEGER REFERENCES branches(id) ON DELETE SET NULL,
    seen_at INTEGER NOT NULL
, forgotten INTEGER NOT NULL DEFAULT 0);

CREATE INDEX branches_organisation ON branches(organisation_id);

CREATE INDEX daily_checkins_time ON daily_checkins(branch_id, checked_at);

CREATE INDEX meetings_branch ON meetings(branch_id);

CREATE INDEX leave_copies_chat ON leave_copies(chat_id);

CREATE INDEX memberships_user ON memberships(user_id);

CREATE INDEX modules_branch ON modules(branch_id);

CREATE INDEX occurrences_start ON occurrences(starts_at);

CREATE INDEX pending_messages_waiting ON pending_messages(user_id) WHERE delivered_at IS NULL;

CREATE INDEX points_branch_time ON points(branch_id, awarded_at);

CREATE INDEX points_member_day ON points(branch_id, user_id, local_date);

CREATE INDEX poll_answers_member ON poll_answers(user_id);

CREATE INDEX processed_updates_seen ON processed_updates(seen_at);

CREATE INDEX quiz_attempts_branch ON quiz_attempts(branch_id, finished_at);

CREATE INDEX quiz_attempts_member ON quiz_attempts(user_id, module_id);

CREATE INDEX quiz_polls_branch ON quiz_polls(branch_id, posted_at);

CREATE INDEX quiz_polls_question ON quiz_polls(question_id);

CREATE INDEX scheduled_sends_occurrence ON scheduled_sends(occurrence_id);

CREATE INDEX scheduled_sends_pending ON scheduled_sends(due_at) WHERE state = 'pending';

CREATE INDEX summaries_pending ON summaries(next_at) WHERE state = 'pending';

CREATE INDEX users_username ON users(username COLLATE NOCASE);
