-- When a member left the branch's group (NULL while they belong to it). Someone who left is
-- no longer a member: start links and buttons refuse them and leaderboards leave them out,
-- until they are seen in the group again.
ALTER TABLE memberships ADD COLUMN left_at INTEGER;
