-- Files a secretary sent privately with /import, held until a button chooses the branch
-- (so a restart in between loses nothing). Drafts older than a day are dropped.

CREATE TABLE import_drafts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message_key TEXT NOT NULL UNIQUE,  -- the private message (chat:message) that carried it
    file_name TEXT NOT NULL,
    content BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
