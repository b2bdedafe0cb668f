-- The duress code (issue 7). A person may choose, at submission, a second code to type when
-- someone forces them to open their request: it shows an innocent, empty-looking page and marks
-- the request "under coercion" for the team.
--
-- Both codes of a request are rows of one table, with nothing that says which is which: every
-- row is an argon2id lookup hash (instance salt), the salt of the code's own key pair, and a
-- sealed box that only that key pair opens, holding the row's kind. A request whose person chose
-- no second code gets a filler row (random hash, salt and box nobody can open), so every request
-- has exactly two rows and a stolen database tells neither who chose a duress code nor which row
-- is the real receipt. Rows carry no time, and are inserted in a random order.
create table receipt_lookups (
  lookup_hash bytea primary key check (length(lookup_hash) = 32),
  request_id uuid not null references help_requests(id) on delete cascade,
  key_salt bytea not null check (length(key_salt) = 16),
  kind_box bytea not null
);
--;
create index receipt_lookups_request on receipt_lookups(request_id);
--;
-- Requests made before this migration keep their receipt; their second row is a filler. The
-- kind box of a moved receipt is empty: src/help/receipt-lookups.ts reads an empty box as the
-- real receipt (those requests never had a duress code), and only they can have one.
insert into receipt_lookups (lookup_hash, request_id, key_salt, kind_box)
select lookup_hash, id, receipt_key_salt, ''::bytea from help_requests where status <> 'erased';
--;
insert into receipt_lookups (lookup_hash, request_id, key_salt, kind_box)
select sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')),
       id,
       substring(sha256(convert_to(gen_random_uuid()::text, 'UTF8')) from 1 for 16),
       -- as long as a real box: a sealed box (48 bytes) of one byte
       substring(sha256(convert_to(gen_random_uuid()::text, 'UTF8')) || sha256(convert_to(gen_random_uuid()::text, 'UTF8')) from 1 for 49)
from help_requests where status <> 'erased';
--;
alter table help_requests drop column lookup_hash;
--;
alter table help_requests drop column receipt_key_salt;
--;
-- The last time the duress code was used: plain, so the inbox, the request and the case show it
-- without opening a vault. Null: never.
alter table help_requests add column coerced_at timestamptz;
--;
create index help_requests_coerced on help_requests(coerced_at) where coerced_at is not null;
