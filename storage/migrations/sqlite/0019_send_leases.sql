-- Several instances may share one database: a claim of a scheduled send names its claimant
-- and holds a lease. A claim whose lease ran out was interrupted (its claimant stopped in the
-- middle of the send) and is settled by whoever finds it; a live claimant's never is. Rows
-- claimed before this migration have no lease: they count as interrupted.

ALTER TABLE scheduled_sends ADD COLUMN claimed_by TEXT;
ALTER TABLE scheduled_sends ADD COLUMN lease_until INTEGER;
ALTER TABLE summaries ADD COLUMN claimed_by TEXT;
ALTER TABLE summaries ADD COLUMN lease_until INTEGER;
ALTER TABLE daily_posts ADD COLUMN claimed_by TEXT;
ALTER TABLE daily_posts ADD COLUMN lease_until INTEGER;
