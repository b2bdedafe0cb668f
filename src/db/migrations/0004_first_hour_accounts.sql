-- The first administrator and the first coordinator (issue 6).
--
-- An invitation carries a free note saying whom it is for, so the administrator can tell pending
-- invitations apart. The note is for that list only: it never enters the audit log, and it is
-- erased once the invitation is used or revoked, when nobody needs it any more.
alter table invites add column note text check (note is null or length(note) between 1 and 200);
--;
-- A revoked invitation opens nothing; who revoked it and when is kept (and audited).
alter table invites add column revoked_at timestamptz;
--;
alter table invites add column revoked_by uuid references users(id);
--;
alter table invites add constraint invites_revoked_by_needs_date check (revoked_by is null or revoked_at is not null);
--;
alter table invites add constraint invites_used_or_revoked check (used_at is null or revoked_at is null);
--;
-- When the recovery key was made: printed on every share's sheet. Installations set up before
-- this column existed take the instance's creation.
alter table instance add column initialised_at timestamptz;
--;
update instance set initialised_at = created_at where recovery_public_key is not null;
