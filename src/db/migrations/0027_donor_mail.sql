-- What the server needs to thank a donor and send a yearly statement (src/funding/donor-mail.ts).
-- The donor's vault stays sealed to the treasurers; these are server-readable copies, encrypted
-- under a key derived from the instance secret (never the database alone), kept only until sent.

-- A keyed tag (HMAC under an instance-derived key) of the donor's normalised e-mail address, so a
-- statement can find a donor's gifts without opening any vault; null when no address was given.
alter table gifts add column donor_tag bytea check (donor_tag is null or length(donor_tag) = 32);
--;
create index gifts_donor_tag on gifts (donor_tag, received_on) where donor_tag is not null;
--;
-- The thank-you to send once the gift is received: address, language and a monthly gift's manage
-- link, encrypted and bound to the gift's id. Deleted after the e-mail is sent or given up.
create table gift_thanks (
  gift_id uuid primary key references gifts(id) on delete cascade,
  box bytea not null
);
--;
-- Yearly statements asked for and not yet sent: the address, language and year, encrypted and
-- bound to the request's id. Deleted after the e-mail is sent or given up.
create table gift_statement_requests (
  id uuid primary key,
  box bytea not null,
  requested_at timestamptz not null default now()
);
