-- A reload or a double tap must not make a second request or message (issue 6).
--
-- The help form is a static page, so a repeat is recognised by its content: a keyed hash of
-- the normalised submission (the key comes from the instance secret, src/crypto/submission-keys.ts).
-- The first post's receipt is kept, sealed under a key derived from the same content, for a
-- few minutes only, so that a repeat shows the same code. The primary key makes two concurrent
-- identical posts give one request.
create table help_submissions (
  fingerprint bytea primary key,
  receipt_box bytea not null,
  -- the request the post made, so that erasing it forgets the post too (a repeat must then
  -- make a new request, not show a code that no longer works)
  request_id uuid references help_requests(id) on delete cascade,
  expires_at timestamptz not null
);
--;
create index help_submissions_expiry on help_submissions(expires_at);
--;
-- The status page's write form carries a one-time token; its hash is kept with the message it
-- made, so posting the same form again adds nothing.
alter table messages add column person_token_hash bytea;
--;
create unique index messages_person_token on messages(request_id, person_token_hash) where person_token_hash is not null;
