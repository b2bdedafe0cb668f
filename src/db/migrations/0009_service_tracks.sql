-- Service tracks on a case (issue 7): emergency/evacuation, clothing, psychological help, legal
-- help, shelter. Each track's state is a plain column so lists and "My work" need no decryption;
-- what the team writes is sealed in the vault of the right part of the case. Tasks on a case.
create table case_tracks (
  id uuid primary key,
  case_id uuid not null references cases(id) on delete cascade,
  track text not null check (track in ('evacuation', 'clothing', 'psych', 'legal', 'shelter')),
  state text not null,
  -- evacuation only: the last time someone on the team heard from the person, and how often they must
  last_contact_at timestamptz,
  contact_interval_hours integer check (contact_interval_hours between 1 and 720),
  -- evacuation only: the plan's own vault (kind 'logistics'), made when the plan is first written
  logistics_vault_id uuid unique references vaults(id),
  -- the plan, sealed in the logistics vault; null once the vault is shredded
  plan bytea,
  opened_by uuid not null references users(id),
  opened_at timestamptz not null,
  updated_at timestamptz not null default now(),
  unique (case_id, track),
  check (
    (track = 'evacuation' and state in ('requested', 'planning', 'under_way', 'arrived', 'could_not_leave', 'lost_contact'))
    or (track = 'clothing' and state in ('requested', 'collecting', 'handed_out', 'closed'))
    or (track = 'psych' and state in ('requested', 'referred', 'in_sessions', 'paused', 'closed'))
    or (track = 'legal' and state in ('requested', 'lawyer_assigned', 'in_procedure', 'closed'))
    or (track = 'shelter' and state in ('asylum_centre', 'temporary', 'waiting_for_host', 'placed', 'own_home'))
  ),
  check ((track = 'evacuation') = (contact_interval_hours is not null)),
  check (track = 'evacuation' or (last_contact_at is null and logistics_vault_id is null and plan is null)),
  check (plan is null or logistics_vault_id is not null)
);
--;
-- Emergencies sort first and "My work" looks for those overdue for contact: only live ones count.
create index case_tracks_live_evacuation on case_tracks(case_id)
  where track = 'evacuation' and state in ('requested', 'planning', 'under_way', 'lost_contact');
--;
create table case_clothing_items (
  id uuid primary key,
  case_id uuid not null references cases(id) on delete cascade,
  -- the core vault of the case: item, size and quantity are sealed
  vault_id uuid not null references vaults(id),
  details bytea not null,
  requested_at timestamptz not null,
  handed_out_on date,
  cost_cents integer not null default 0 check (cost_cents >= 0),
  -- the funding issue books the cost to the ledger and links the entry here
  ledger_entry_id uuid,
  created_by uuid not null references users(id)
);
--;
create index case_clothing_items_case on case_clothing_items(case_id, requested_at);
--;
create index case_clothing_items_vault on case_clothing_items(vault_id);
--;
create table case_psych_sessions (
  id uuid primary key,
  case_id uuid not null references cases(id) on delete cascade,
  -- the psych vault of the case: date, length and form of the session are sealed
  vault_id uuid not null references vaults(id),
  session bytea not null,
  recorded_by uuid not null references users(id),
  created_at timestamptz not null
);
--;
create index case_psych_sessions_case on case_psych_sessions(case_id, created_at);
--;
create index case_psych_sessions_vault on case_psych_sessions(vault_id);
--;
-- Which country's asylum procedure a case follows (src/cases/procedure-data.ts) and its stages' dates.
create table case_procedures (
  case_id uuid primary key references cases(id) on delete cascade,
  procedure text not null check (procedure ~ '^[a-z]{2}(_[a-z]{1,20})?$'),
  chosen_by uuid not null references users(id),
  chosen_at timestamptz not null default now()
);
--;
create table case_procedure_stages (
  case_id uuid not null references case_procedures(case_id) on delete cascade,
  stage text not null check (stage ~ '^[a-z][a-z_]{1,40}$'),
  stage_on date not null,
  recorded_by uuid not null references users(id),
  updated_at timestamptz not null default now(),
  primary key (case_id, stage)
);
--;
create table case_deadlines (
  id uuid primary key,
  case_id uuid not null references cases(id) on delete cascade,
  -- the legal vault of the case: the free-text detail is sealed
  vault_id uuid not null references vaults(id),
  kind text not null check (kind ~ '^[a-z][a-z_]{1,40}$'),
  due_on date not null,
  detail bytea,
  -- set when the procedure made the deadline from a stage's date: one per stage, moved with it
  from_stage text,
  done_at timestamptz,
  created_by uuid not null references users(id),
  created_at timestamptz not null
);
--;
create unique index case_deadlines_from_stage on case_deadlines(case_id, from_stage) where from_stage is not null;
--;
create index case_deadlines_open_due on case_deadlines(case_id, due_on) where done_at is null;
--;
create index case_deadlines_vault on case_deadlines(vault_id);
--;
create table case_tasks (
  id uuid primary key,
  case_id uuid not null references cases(id) on delete cascade,
  -- the part whose vault seals the title: only who reads that part reads the task
  part text not null check (part in ('core', 'psych', 'legal', 'housing')),
  vault_id uuid not null references vaults(id),
  title bytea not null,
  assignee_id uuid not null references users(id),
  due_on date not null,
  done_at timestamptz,
  created_by uuid not null references users(id),
  created_at timestamptz not null
);
--;
create index case_tasks_assignee_open on case_tasks(assignee_id, due_on) where done_at is null;
--;
create index case_tasks_case on case_tasks(case_id, created_at);
--;
create index case_tasks_vault on case_tasks(vault_id);
