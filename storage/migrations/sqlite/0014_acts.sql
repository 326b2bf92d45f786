-- Acts a redelivered update must not repeat (a /leave telling the secretaries, a /checkin_open
-- posting), keyed by what identifies them: the command's chat and message id.

CREATE TABLE acts (
    key TEXT PRIMARY KEY,
    done_at INTEGER NOT NULL
) WITHOUT ROWID;
