-- Where a meeting happens: an address, a 腾讯会议 number or a meeting link, as typed.

ALTER TABLE meetings ADD COLUMN place TEXT NOT NULL DEFAULT '';  -- empty: no place given
