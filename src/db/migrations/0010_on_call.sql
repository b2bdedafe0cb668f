-- On call (issue 7): who is on call when, where an alert reaches them, urgent-request alerts and
-- the background jobs that send and escalate them. Nothing here holds personal data of a person
-- asking for help: an alert names its request by id only, and e-mails are rendered when sent.
--
-- A coordinator's own address for alerts. Kept by the notify domain (users have no e-mail
-- column and need none: only alerts ever use it), set by the coordinator themselves.
create table on_call_addresses (
  user_id uuid primary key references users(id) on delete cascade,
  email text not null check (length(email) between 3 and 254 and email ~ '^[^@[:space:]]+@[^@[:space:]]+$'),
  updated_at timestamptz not null default now()
);
--;
create table on_call_shifts (
  id uuid primary key,
  user_id uuid not null references users(id) on delete cascade,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  created_by uuid not null references users(id),
  created_at timestamptz not null default now(),
  check (ends_at > starts_at)
);
--;
-- The coming shifts (ends_at > now) in order, and who is on call at a moment.
create index on_call_shifts_coming on on_call_shifts(ends_at, starts_at);
--;
-- One alert per urgent request, written in the request's own transaction (an outbox).
create table urgent_alerts (
  id uuid primary key,
  request_id uuid not null unique references help_requests(id) on delete cascade,
  -- how many rounds of e-mails went out: 1 after the first, 2 after the first escalation…
  step int not null default 0 check (step >= 0),
  -- nobody else is left to escalate to
  exhausted boolean not null default false,
  acknowledged_by uuid references users(id) on delete set null,
  acknowledged_at timestamptz,
  created_at timestamptz not null,
  check (acknowledged_by is null or acknowledged_at is not null)
);
--;
create index urgent_alerts_waiting on urgent_alerts(created_at) where acknowledged_at is null;
--;
create index urgent_alerts_recent on urgent_alerts(created_at);
--;
-- Who was alerted, at which step: escalation goes to someone not alerted yet.
create table alert_recipients (
  alert_id uuid not null references urgent_alerts(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  step int not null check (step >= 1),
  created_at timestamptz not null,
  primary key (alert_id, user_id)
);
--;
-- Background jobs: claimed with `for update skip locked` and a lease, so several Beside
-- processes never run one job twice at once. The payload holds ids only.
create table jobs (
  id uuid primary key,
  kind text not null check (kind in ('alert.notify', 'alert.mail')),
  payload jsonb not null,
  status text not null default 'pending' check (status in ('pending', 'done', 'failed')),
  run_at timestamptz not null,
  locked_until timestamptz,
  attempts int not null default 0 check (attempts >= 0),
  -- a short code (never an error's message, which may quote an address)
  last_error text check (last_error is null or last_error ~ '^[a-z_]{1,40}$'),
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  check ((status = 'pending') = (finished_at is null))
);
--;
create index jobs_due on jobs(run_at) where status = 'pending';
--;
-- The on-call page lists deliveries that are failing or failed, newest first.
create index jobs_troubled on jobs(created_at desc) where last_error is not null;
--;
-- Finished jobs are kept a while (what was sent, and when), then pruned.
create index jobs_finished on jobs(finished_at) where status <> 'pending';
