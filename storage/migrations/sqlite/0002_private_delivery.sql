-- Private messages waiting for a user who has not started the bot yet, and the command menus
-- last set per scope (so a restart sets only the menus that changed).

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
);
CREATE INDEX pending_messages_waiting ON pending_messages(user_id) WHERE delivered_at IS NULL;

CREATE TABLE command_menus (
    scope TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    set_at INTEGER NOT NULL
);
