-- The instance: one row holding what the whole installation shares.
create table instance (
  id int primary key default 1 check (id = 1),
  -- salt of the argon2id hash that finds a help request by its receipt
  receipt_salt bytea not null,
  -- X25519 public half of the organisation's recovery key; the private half exists only as shares
  recovery_public_key bytea,
  recovery_threshold int check (recovery_threshold >= 2),
  recovery_share_count int check (recovery_share_count >= recovery_threshold),
  -- sha256 of the one-time setup link's token, while no administrator exists
  setup_token_hash bytea,
  created_at timestamptz not null default now()
);
--;
create table users (
  id uuid primary key default gen_random_uuid(),
  login text not null unique check (login = lower(login) and length(login) between 2 and 64),
  display_name text not null check (length(display_name) between 1 and 100),
  roles text[] not null check (roles <@ array['administrator','coordinator','caseworker','psychologist','lawyer','housing_coordinator','treasurer','editor']::text[]),
  language text not null default 'en' check (language in ('ru','en','nl')),
  password_hash text not null,
  -- X25519 key pair; the private half encrypted with a key derived from the password
  public_key bytea not null,
  private_key_box bytea not null,
  key_salt bytea not null,
  -- the TOTP secret sealed to the user's own public key: readable only after the password
  totp_secret_sealed bytea,
  -- the last TOTP time step accepted, so a code cannot be used twice
  totp_last_step bigint not null default 0,
  active boolean not null default true,
  failed_logins int not null default 0,
  locked_until timestamptz,
  created_at timestamptz not null default now()
);
--;
create table invites (
  id uuid primary key default gen_random_uuid(),
  token_hash bytea not null unique,
  roles text[] not null,
  created_by uuid not null references users(id),
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now()
);
--;
create table sessions (
  id_hash bytea primary key,
  user_id uuid not null references users(id) on delete cascade,
  -- the user's private key, encrypted with a secret that lives only in the session cookie
  key_box bytea not null,
  stage text not null check (stage in ('totp', 'enrol', 'active')),
  -- during enrolment: the new TOTP secret, encrypted with the cookie's secret like the key
  pending_totp_box bytea,
  csrf_token text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);
--;
create index sessions_user on sessions(user_id);
--;
create table vaults (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('request', 'core', 'psych', 'legal', 'housing')),
  created_at timestamptz not null default now()
);
--;
-- Access to a vault: its data key sealed to one principal.
create table vault_keys (
  id uuid primary key default gen_random_uuid(),
  vault_id uuid not null references vaults(id) on delete cascade,
  principal text not null check (principal in ('user', 'recovery', 'receipt')),
  user_id uuid references users(id) on delete cascade,
  sealed_key bytea not null,
  granted_by uuid references users(id),
  created_at timestamptz not null default now(),
  check ((principal = 'user') = (user_id is not null))
);
--;
create unique index vault_keys_user on vault_keys(vault_id, user_id) where principal = 'user';
--;
create unique index vault_keys_other on vault_keys(vault_id, principal) where principal <> 'user';
--;
create table help_requests (
  id uuid primary key default gen_random_uuid(),
  vault_id uuid not null references vaults(id),
  -- argon2id(receipt, instance salt): finds the request; a stolen database gives no fast test of guesses
  lookup_hash bytea not null unique,
  -- salt of the argon2id derivation of the receipt holder's key pair, and its public half
  receipt_key_salt bytea not null,
  receipt_public_key bytea not null,
  urgent boolean not null,
  needs text[] not null check (cardinality(needs) > 0 and needs <@ array['evacuation','housing','clothing','psychological','legal','other']::text[]),
  -- where the person is now, coarse (a country code), for triage; null when not given
  country text,
  language text not null check (language in ('ru','en','nl')),
  status text not null default 'new' check (status in ('new','triage','accepted','referred','closed')),
  -- everything the person wrote, encrypted in the request's vault; null once moved or erased
  content bytea,
  -- the person is waiting for an answer since then; null when the association spoke last
  waiting_since timestamptz,
  erasure_requested_at timestamptz,
  case_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
--;
create index help_requests_queue on help_requests(status, urgent desc, created_at);
--;
create table messages (
  id uuid primary key default gen_random_uuid(),
  request_id uuid not null references help_requests(id) on delete cascade,
  author text not null check (author in ('person', 'staff')),
  staff_user_id uuid references users(id),
  body bytea not null,
  -- the person removed the conversation from their side
  hidden_from_person boolean not null default false,
  created_at timestamptz not null default now(),
  check ((author = 'staff') = (staff_user_id is not null))
);
--;
create index messages_request on messages(request_id, created_at);
--;
create table cases (
  id uuid primary key default gen_random_uuid(),
  pseudonym text not null unique,
  status text not null default 'open' check (status in ('open', 'closed')),
  urgent boolean not null,
  language text not null check (language in ('ru','en','nl')),
  -- where the person is now, coarse (a country code), for triage; null when not given
  country text,
  core_vault_id uuid not null references vaults(id),
  request_id uuid not null unique references help_requests(id),
  -- the person's details, moved from the request, encrypted in the core vault
  content bytea not null,
  created_by uuid not null references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
--;
alter table help_requests add constraint help_requests_case foreign key (case_id) references cases(id);
--;
create table case_needs (
  id uuid primary key default gen_random_uuid(),
  case_id uuid not null references cases(id) on delete cascade,
  need text not null check (need in ('evacuation','housing','clothing','psychological','legal','other')),
  status text not null default 'open' check (status in ('open','in_progress','done','not_needed')),
  updated_at timestamptz not null default now(),
  unique (case_id, need)
);
--;
create table case_assignments (
  case_id uuid not null references cases(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  assigned_by uuid not null references users(id),
  assigned_at timestamptz not null default now(),
  primary key (case_id, user_id)
);
--;
create table case_notes (
  id uuid primary key default gen_random_uuid(),
  case_id uuid not null references cases(id) on delete cascade,
  author_id uuid not null references users(id),
  body bytea not null,
  created_at timestamptz not null default now()
);
--;
-- The tamper-evident audit log: each entry's hash covers the previous entry's hash.
create table audit_events (
  seq bigint primary key,
  at timestamptz not null,
  actor_user_id uuid,
  kind text not null,
  subject_id text,
  detail text not null default '{}',
  prev_hash bytea not null,
  hash bytea not null
);
--;
-- Vaults a user could open before their keys were reset (a forgotten password): what the
-- recovery shares may grant back to them, and nothing more.
create table lost_grants (
  user_id uuid not null references users(id) on delete cascade,
  vault_id uuid not null references vaults(id) on delete cascade,
  lost_at timestamptz not null default now(),
  primary key (user_id, vault_id)
);
