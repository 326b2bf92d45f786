-- Organisations, branches, the users the bot has seen and their membership of branches.
-- Every timestamp is UTC, in whole seconds since the epoch.

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    admin_user_id INTEGER NOT NULL,
    created_key TEXT NOT NULL UNIQUE,  -- the /org_add message (chat:message): a replay creates nothing
    created_at INTEGER NOT NULL
);

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
CREATE INDEX branches_organisation ON branches(organisation_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,  -- the Telegram user id
    first_name TEXT NOT NULL,
    last_name TEXT,
    username TEXT,
    language_code TEXT,
    started_at INTEGER,  -- last /start in private: the bot may write to them
    private_branch_id INTEGER REFERENCES branches(id) ON DELETE SET NULL,
    seen_at INTEGER NOT NULL
);
CREATE INDEX users_username ON users(username COLLATE NOCASE);

CREATE TABLE memberships (
    branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'committee', 'secretary')),
    on_roster INTEGER NOT NULL DEFAULT 0,
    joined_at INTEGER NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (branch_id, user_id)
) WITHOUT ROWID;
CREATE INDEX memberships_user ON memberships(user_id);
