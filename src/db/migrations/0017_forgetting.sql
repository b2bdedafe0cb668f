-- Forgetting (issue 7). A case is erased by crypto-shredding its vaults and deleting its rows;
-- only the fact that it existed remains, in `erasures`: its id and two dates, no pseudonym, no
-- metadata. The ids are what a restore of an older backup erases again (docs/security-model.md).
create table erasures (
  id uuid primary key,
  subject text not null check (subject in ('case', 'request')),
  -- the day it was created (a date, not a time: the fact, not a trace)
  created_on date not null,
  erased_at timestamptz not null default now(),
  cause text not null check (cause in ('person', 'retention', 'restore'))
);
--;
create index erasures_erased_at on erasures(erased_at);
--;
-- When a case was closed: retention counts from it. Cases closed before this migration count
-- from their last change.
alter table cases add column closed_at timestamptz;
--;
update cases set closed_at = updated_at where status = 'closed';
--;
alter table cases add constraint cases_closed_at check ((status = 'closed') = (closed_at is not null));
--;
-- The retention job looks for closed cases by the time they were closed.
create index cases_closed_at on cases(closed_at) where status = 'closed';
--;
-- ... and for requests that never became a case, by their last change.
create index help_requests_without_case on help_requests(updated_at) where case_id is null and status <> 'erased';
--;
-- The person's last message on a request (the 90 days nothing is erased within).
create index messages_person_last on messages(request_id, created_at desc) where author = 'person';
--;
-- A person asked to be forgotten: a coordinator on the case records it, a second confirmed
-- coordinator confirms, and the case is erased at once (the row goes with it).
create table case_forget_requests (
  case_id uuid primary key references cases(id) on delete cascade,
  reason text not null check (reason in ('status_page', 'in_person', 'in_writing', 'through_someone')),
  asked_by uuid not null references users(id),
  asked_at timestamptz not null default now()
);
