-- Study modules imported by a branch, their questions, and where they are published.

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
CREATE INDEX modules_branch ON modules(branch_id);

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

CREATE TABLE publications (
    module_id INTEGER NOT NULL REFERENCES modules(id) ON DELETE CASCADE,
    branch_id INTEGER NOT NULL REFERENCES branches(id) ON DELETE CASCADE,
    published_at INTEGER NOT NULL,
    PRIMARY KEY (module_id, branch_id)
) WITHOUT ROWID;
