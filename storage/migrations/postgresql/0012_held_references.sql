-- Private messages kept for later hold references (a leave's id, an occurrence's id, a week),
-- rendered from the live rows when delivered. SQLite's 0012 rewrites rows kept by earlier
-- versions; no PostgreSQL database predates it, so the number is kept with nothing to do.
SELECT 1;
