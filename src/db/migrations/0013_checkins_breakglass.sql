-- Check-ins and break-glass access (issue 7). Nothing here holds personal data in clear: a
-- break-glass reason is sealed in a vault of its own; everything else is ids, times and states.
--
-- A check-in schedule on a case: the caseworker and the person agreed to hear from each other
-- every `interval_hours`. `due_at` is the next check-in; `alerted_due_at` the missed check-in whose
-- e-mails were sent, so one missed check-in never alerts twice.
create table case_checkins (
  case_id uuid primary key references cases(id) on delete cascade,
  interval_hours integer not null check (interval_hours between 1 and 720),
  last_checkin_at timestamptz not null,
  last_checkin_by text not null check (last_checkin_by in ('agreed', 'staff', 'person')),
  due_at timestamptz not null,
  alerted_due_at timestamptz,
  set_by uuid not null references users(id),
  updated_at timestamptz not null default now(),
  check (due_at > last_checkin_at),
  check (alerted_due_at is null or alerted_due_at <= due_at)
);
--;
-- Lists and "My work" look for check-ins that are due: only those rows are read.
create index case_checkins_due on case_checkins(due_at);
--;
-- Break-glass: a confirmed coordinator without a grant asks to open a case's core, with a reason
-- sealed in the request's own vault (to the requester, the core's holders at that moment and the
-- recovery key). A core holder approves: the core is sealed to the requester until `expires_at`.
create table break_glass_requests (
  id uuid primary key,
  case_id uuid not null references cases(id) on delete cascade,
  requester_id uuid not null references users(id),
  vault_id uuid not null unique references vaults(id),
  reason bytea,
  status text not null default 'pending' check (status in ('pending', 'approved', 'ended')),
  -- approved by a colleague who holds the core, or by the recovery holders (`beside break-glass`)
  approved_with text check (approved_with in ('colleague', 'recovery')),
  approved_by uuid references users(id),
  approved_at timestamptz,
  expires_at timestamptz,
  ended_at timestamptz,
  -- the grant was revoked at expiry; the core's key is replaced when a holder next opens the case
  rotation_due boolean not null default false,
  created_at timestamptz not null default now(),
  check ((status = 'pending') = (approved_at is null)),
  check ((approved_at is null) = (approved_with is null) and (approved_at is null) = (expires_at is null)),
  check ((approved_with = 'colleague') = (approved_by is not null)),
  check (expires_at is null or expires_at > approved_at),
  check ((status = 'ended') = (ended_at is not null)),
  check (approved_by is null or approved_by <> requester_id),
  check (not rotation_due or status = 'ended')
);
--;
-- One open request (pending or approved) per coordinator and case: a double tap asks once.
create unique index break_glass_open on break_glass_requests(case_id, requester_id) where status in ('pending', 'approved');
--;
-- The case page and "My work" list open requests and notices by case, newest first.
create index break_glass_case on break_glass_requests(case_id, created_at desc);
--;
-- "My work": requests waiting for approval, newest first.
create index break_glass_pending on break_glass_requests(created_at desc) where status = 'pending';
--;
-- Administrators' notices: recent approvals, newest first.
create index break_glass_approved on break_glass_requests(approved_at desc) where approved_at is not null;
--;
-- Holders of the core rotate it after an expiry: found by case.
create index break_glass_rotation on break_glass_requests(case_id) where rotation_due;
--;
-- Jobs of other domains (check-ins, break-glass expiry, their e-mails). The kind stays a short
-- dotted code; each domain checks its own kinds when it runs them.
alter table jobs drop constraint if exists jobs_kind_check;
--;
alter table jobs add constraint jobs_kind_check check (kind ~ '^[a-z_]{1,30}\.[a-z_]{1,30}$');
