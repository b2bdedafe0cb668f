-- The directory of helpers (issue 7): psychologists, lawyers, doctors, interpreters and partner
-- organisations the association refers people to. What lists and filters need is plain; contact
-- details are sealed in the one 'directory' vault of the organisation. Referring a case to an entry
-- records it on the case (its note sealed in the case's core vault); nothing leaves Beside.
create table directory_vault (
  -- one row: the organisation's directory vault, made when the first entry is added
  singleton boolean primary key default true check (singleton),
  vault_id uuid not null unique references vaults(id),
  created_at timestamptz not null default now()
);
--;
create table directory_entries (
  id uuid primary key,
  kind text not null check (kind in ('psychologist', 'lawyer', 'doctor', 'interpreter', 'organisation')),
  name text not null check (length(name) between 1 and 200),
  -- language codes the helper works in ('ru', 'ce', 'nl', …)
  languages text[] not null default '{}' check (array_position(languages, null) is null and cardinality(languages) <= 20),
  city text check (city is null or length(city) between 1 and 100),
  lgbt_friendly text not null default 'unknown' check (lgbt_friendly in ('yes', 'no', 'unknown')),
  -- how many cases they can take at once; current load is counted from open referrals
  capacity integer not null default 0 check (capacity between 0 and 1000),
  vault_id uuid not null references vaults(id),
  -- phone, e-mail, address, sealed with the entry's id and kind bound to it
  contact bytea,
  created_by uuid not null references users(id),
  created_at timestamptz not null,
  updated_at timestamptz not null default now(),
  retired_at timestamptz
);
--;
create index directory_entries_listed on directory_entries(kind, name) where retired_at is null;
--;
create index directory_entries_languages on directory_entries using gin (languages) where retired_at is null;
--;
create index directory_entries_vault on directory_entries(vault_id);
--;
create table case_referrals (
  id uuid primary key,
  case_id uuid not null references cases(id) on delete cascade,
  entry_id uuid not null references directory_entries(id),
  -- the case's core vault: the note to the referral is sealed there
  vault_id uuid not null references vaults(id),
  note bytea,
  referred_by uuid not null references users(id),
  created_at timestamptz not null,
  ended_at timestamptz,
  check (ended_at is null or ended_at >= created_at)
);
--;
create index case_referrals_case on case_referrals(case_id, created_at);
--;
-- the load of each entry: its open referrals
create index case_referrals_open_by_entry on case_referrals(entry_id) where ended_at is null;
--;
create index case_referrals_vault on case_referrals(vault_id);
--;
-- The timeline reads the audit entries about one case (and its requests), newest first.
create index audit_events_subject on audit_events(subject_id, seq);
--;
-- The overview: requests per week (0014 may have made the same index), first replies, people waiting,
-- open needs by kind.
create index if not exists help_requests_created on help_requests(created_at);
--;
create index messages_staff_first on messages(request_id, created_at) where author = 'staff';
--;
create index help_requests_waiting_since on help_requests(waiting_since) where waiting_since is not null;
--;
create index case_needs_open on case_needs(need) where status in ('open', 'in_progress');
