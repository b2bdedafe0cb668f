-- The coordinator's queue at 2 a.m. (issue 7): "I'm on it" claims, read marks for "new from the
-- person", reply templates, and the indexes that finding requests and cases by metadata needs.
--
-- A claim is plain metadata on the request: who is on it and since when. It lapses by time
-- (CLAIM_MINUTES, computed when read), so no job clears it; both columns are set or neither.
alter table help_requests
  add column claimed_by uuid references users(id) on delete set null,
  add column claimed_at timestamptz;
--;
alter table help_requests add constraint help_requests_claim check ((claimed_by is null) = (claimed_at is null));
--;
-- Who is on what: the inbox's "assignee" filter.
create index help_requests_claimed on help_requests(claimed_by, claimed_at) where claimed_by is not null;
--;
-- The short reference shown in the inbox is the start of the id: found by prefix.
create index help_requests_ref on help_requests((id::text) text_pattern_ops);
--;
create index help_requests_created on help_requests(created_at);
--;
-- Read marks: up to which message a staff member has read a request's conversation (a case's
-- conversations are its requests). Written only when the reader opened the conversation.
create table request_read_marks (
  user_id uuid not null references users(id) on delete cascade,
  request_id uuid not null references help_requests(id) on delete cascade,
  last_read_at timestamptz not null,
  primary key (request_id, user_id)
);
--;
create index request_read_marks_user on request_read_marks(user_id);
--;
-- Before marks existed, a colleague's reply is the best sign of what they had read: everything the
-- person wrote before it. Without this every earlier request would show as new at once.
insert into request_read_marks (user_id, request_id, last_read_at)
select distinct on (request_id, staff_user_id) staff_user_id, request_id, created_at
from messages where author = 'staff' and staff_user_id is not null
order by request_id, staff_user_id, created_at desc;
--;
-- "Has the person written since anyone on the team read it": the latest message by the person.
create index messages_person_latest on messages(request_id, created_at) where author = 'person';
--;
-- Finding cases by plain metadata.
create index cases_pseudonym_prefix on cases(lower(pseudonym) text_pattern_ops);
--;
create index cases_status_updated on cases(status, updated_at desc);
--;
create index cases_created on cases(created_at);
--;
create index case_needs_need on case_needs(need, case_id);
--;
-- Reply templates: the association's own text (no personal data), kept by coordinators.
create table reply_templates (
  id uuid primary key,
  lang text not null check (lang in ('ru', 'en', 'nl')),
  title text not null check (length(title) between 1 and 200),
  body text not null check (length(body) between 1 and 5000),
  updated_by uuid references users(id) on delete set null,
  updated_at timestamptz not null default now()
);
--;
create index reply_templates_lang on reply_templates(lang, title);
