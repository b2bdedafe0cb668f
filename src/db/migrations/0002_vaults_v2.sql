-- The vault model, version 2 (issue 5). Vaults know their kind and owner; principals are open
-- (kind + reference) and every sealed key carries the public key it was sealed to and that key's
-- tag under the instance secret; sealed fields bind their metadata; cases own their model, with a
-- vault per part and a role per member.
--
-- Ciphertexts of version 1 cannot be carried over (their associated data differ and the server
-- holds no key to re-encrypt them), so this migration refuses a database that holds any.
do $$
begin
  if exists (select 1 from help_requests) then
    raise exception 'This database holds help requests sealed in the format of Beside 0.1, which Beside 0.2 cannot open. Keep running 0.1 for it, or start from an empty database.';
  end if;
end $$;
--;
drop table lost_grants;
--;
drop table case_notes;
--;
drop table case_assignments;
--;
drop table case_needs;
--;
alter table help_requests drop constraint help_requests_case;
--;
drop table cases;
--;
drop table messages;
--;
drop table help_requests;
--;
drop table vault_keys;
--;
drop table vaults;
--;
alter table instance add column secret_check bytea;
--;
alter table instance add column recovery_key_tag bytea;
--;
-- HMAC of the user's public key under the instance secret: nothing is sealed to a key without it.
alter table users add column public_key_tag bytea;
--;
-- the argon2id cost the private key's box was made with (keys made before 0.2 used this one)
alter table users add column key_kdf text not null default 'argon2id:m=19456,t=2,p=1';
--;
create table vaults (
  id uuid primary key default gen_random_uuid(),
  -- open set: request, core, psych, legal, housing, testimony, identity, donor, …
  kind text not null check (kind ~ '^[a-z][a-z_]{1,31}$'),
  -- the row the vault protects, so every field of it can be listed
  owner_table text not null check (owner_table ~ '^[a-z][a-z0-9_]{0,62}$'),
  owner_id text not null,
  created_at timestamptz not null default now(),
  rotated_at timestamptz,
  -- crypto-shredded: its keys and ciphertexts are gone, only this row remains
  shredded_at timestamptz
);
--;
create index vaults_owner on vaults(owner_table, owner_id);
--;
-- Access to a vault: its data key sealed to one principal (user, recovery, receipt, host, …).
create table vault_keys (
  vault_id uuid not null references vaults(id) on delete cascade,
  principal_kind text not null check (principal_kind ~ '^[a-z][a-z_]{1,31}$'),
  principal_ref text not null check (length(principal_ref) between 1 and 100),
  -- the key sealed to, and its tag, so a rotation can seal again to exactly the checked key
  public_key bytea not null,
  key_tag bytea not null,
  sealed_key bytea not null,
  granted_by uuid references users(id),
  created_at timestamptz not null default now(),
  primary key (vault_id, principal_kind, principal_ref)
);
--;
create index vault_keys_principal on vault_keys(principal_kind, principal_ref);
--;
create table lost_grants (
  user_id uuid not null references users(id) on delete cascade,
  vault_id uuid not null references vaults(id) on delete cascade,
  lost_at timestamptz not null default now(),
  primary key (user_id, vault_id)
);
--;
create table help_requests (
  id uuid primary key default gen_random_uuid(),
  -- the conversation's vault: the request's own until it becomes (or joins) a case
  vault_id uuid not null references vaults(id),
  -- argon2id(receipt, instance salt): finds the request; a stolen database gives no fast test of guesses
  lookup_hash bytea not null unique,
  receipt_key_salt bytea not null,
  -- metadata for triage; all of it is cleared when the person erases the request
  urgent boolean,
  needs text[] check (cardinality(needs) > 0 and needs <@ array['evacuation','housing','clothing','psychological','legal','other']::text[]),
  country text,
  language text check (language in ('ru','en','nl')),
  status text not null default 'new' check (status in ('new','triage','accepted','referred','closed','erased')),
  -- what the person wrote, sealed in the request's vault; null once moved into a case or erased
  content bytea,
  waiting_since timestamptz,
  erasure_requested_at timestamptz,
  case_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- erased: only the fact that a request existed, and its dates, remain
  check (status = 'erased' or (urgent is not null and needs is not null and language is not null))
);
--;
create index help_requests_queue on help_requests(status, urgent desc, created_at);
--;
create table messages (
  id uuid primary key,
  request_id uuid not null references help_requests(id) on delete cascade,
  vault_id uuid not null references vaults(id),
  author text not null check (author in ('person', 'staff')),
  staff_user_id uuid references users(id),
  -- sealed with request, author, staff member and time bound: changing any makes it fail to open
  body bytea not null,
  hidden_from_person boolean not null default false,
  created_at timestamptz not null,
  check ((author = 'staff') = (staff_user_id is not null))
);
--;
create index messages_request on messages(request_id, created_at);
--;
create index messages_vault on messages(vault_id);
--;
create table cases (
  id uuid primary key,
  pseudonym text not null unique,
  status text not null default 'open' check (status in ('open', 'closed')),
  -- how the case began: a help request, a partner organisation's referral, or a call or visit
  origin text not null check (origin in ('request', 'referral', 'direct')),
  urgent boolean not null,
  language text not null check (language in ('ru','en','nl')),
  country text,
  core_vault_id uuid not null unique references vaults(id),
  psych_vault_id uuid not null unique references vaults(id),
  legal_vault_id uuid not null unique references vaults(id),
  housing_vault_id uuid not null unique references vaults(id),
  -- the person's details in the case's own schema, sealed in the core vault
  content bytea,
  created_by uuid not null references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
--;
-- deferred: a request is moved into its case in the transaction that creates the case
alter table help_requests add constraint help_requests_case foreign key (case_id) references cases(id) deferrable initially deferred;
--;
create index help_requests_case_id on help_requests(case_id) where case_id is not null;
--;
create table case_needs (
  case_id uuid not null references cases(id) on delete cascade,
  need text not null check (need in ('evacuation','housing','clothing','psychological','legal','other')),
  status text not null default 'open' check (status in ('open','in_progress','done','not_needed')),
  updated_at timestamptz not null default now(),
  primary key (case_id, need)
);
--;
-- Everyone on a case has a role on it; the grants to the case's vaults follow the role.
create table case_members (
  case_id uuid not null references cases(id) on delete cascade,
  user_id uuid not null references users(id),
  role text not null check (role in ('coordinator', 'caseworker', 'psychologist', 'lawyer', 'housing_coordinator')),
  assigned_by uuid not null references users(id),
  assigned_at timestamptz not null default now(),
  primary key (case_id, user_id)
);
--;
create index case_members_user on case_members(user_id);
--;
create table case_notes (
  id uuid primary key,
  case_id uuid not null references cases(id) on delete cascade,
  -- the part of the case the note belongs to, sealed into that part's vault
  part text not null check (part in ('core', 'psych', 'legal', 'housing')),
  vault_id uuid not null references vaults(id),
  author_id uuid not null references users(id),
  body bytea not null,
  created_at timestamptz not null
);
--;
create index case_notes_case on case_notes(case_id, part, created_at);
--;
create index case_notes_vault on case_notes(vault_id);
