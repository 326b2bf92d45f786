-- A meeting send that provably did not arrive (Telegram answered with a 5xx or still throttled
-- it after the rate limiter's retries, or the connection was never made) is owed again after a
-- backoff, as the weekly summary is: attempts counts its tries. One that Telegram refused for
-- good, or that still had not arrived after its last try, is failed.

ALTER TABLE scheduled_sends
    DROP CONSTRAINT scheduled_sends_state_check,
    ADD CONSTRAINT scheduled_sends_state_check CHECK (state IN (
        'pending', 'claimed', 'sent', 'skipped', 'unconfirmed', 'cancelled', 'failed'
    )),
    ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;  -- claims so far
