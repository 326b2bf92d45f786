-- Updates already taken in by one of the bot's instances: Telegram may deliver an update to
-- two of them (a retry after a slow answer), and only the first dispatches it.

CREATE TABLE processed_updates (
    update_id INTEGER PRIMARY KEY,
    seen_at INTEGER NOT NULL
);

CREATE INDEX processed_updates_seen ON processed_updates(seen_at);
