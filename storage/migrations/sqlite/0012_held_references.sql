-- Private messages kept for later hold references (a leave's id, an occurrence's id, a week),
-- rendered from the live rows when delivered, so /forget has nothing to rewrite in them; a
-- delivered message is deleted; nothing is kept for a forgotten person's stand-in. Rows kept
-- by earlier versions held names and reasons (in their params and in a leave's dedupe key):
-- they become references where the key says what they were about, else they are dropped (a
-- report kept whole: the secretary can ask again).

DELETE FROM pending_messages WHERE delivered_at IS NOT NULL;

DELETE FROM pending_messages WHERE user_id IN (SELECT id FROM users WHERE forgotten = 1);

-- 'leave:<leave id>:<secretary>:<reason>' → {"leave": id}, keyed 'leave:<leave id>:<secretary>'
-- (the newest of several kept for one leave and secretary: it is rendered with today's reason).
DELETE FROM pending_messages
WHERE message_key = 'leave.for_secretary' AND id NOT IN (
    SELECT max(id) FROM pending_messages WHERE message_key = 'leave.for_secretary'
    GROUP BY user_id, substr(dedupe_key, 7, instr(substr(dedupe_key, 7), ':') - 1)
);
UPDATE pending_messages
SET params = json_object(
        'leave', CAST(substr(dedupe_key, 7, instr(substr(dedupe_key, 7), ':') - 1) AS INTEGER)
    ),
    dedupe_key = 'leave:' || substr(dedupe_key, 7, instr(substr(dedupe_key, 7), ':') - 1)
        || ':' || user_id
WHERE message_key = 'leave.for_secretary';

-- 'roll:<occurrence>:<secretary>' → {"occurrence": id}
UPDATE pending_messages
SET params = json_object(
    'occurrence', CAST(substr(dedupe_key, 6, instr(substr(dedupe_key, 6), ':') - 1) AS INTEGER)
)
WHERE message_key = 'meeting.roll';

-- 'summary:<branch>:<week end, ISO in UTC>:<secretary>:<part>' → {"week_end": seconds}, kept
-- once for all its parts.
DELETE FROM pending_messages WHERE message_key = 'summary.detail' AND dedupe_key NOT LIKE '%:0';
UPDATE pending_messages
SET params = json_object(
        'week_end', CAST(strftime('%s', substr(dedupe_key, 10 + length(branch_id), 19)) AS INTEGER)
    ),
    dedupe_key = 'summary:' || branch_id || ':'
        || strftime('%s', substr(dedupe_key, 10 + length(branch_id), 19)) || ':' || user_id
WHERE message_key = 'summary.detail';

DELETE FROM pending_messages WHERE message_key = 'report.part';
