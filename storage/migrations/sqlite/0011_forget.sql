-- /forget: a member's rows move to a nameless stand-in user, marked here, so counts keep them
-- while no list, report or export ever names them.

ALTER TABLE users ADD COLUMN forgotten INTEGER NOT NULL DEFAULT 0;
