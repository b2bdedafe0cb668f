-- Lists, counts and figures whose cost does not grow with the records they do not show (issue 7,
-- "Fast as the work grows"; bench/work-lists.ts).
--
-- "New from the person" (src/help/read-marks.ts HAS_NEWS) compared, for every request, the latest
-- thing the person wrote with the latest read mark: two look-ups per request, so the inbox's count
-- of requests with news read every request in triage. The overview's first-response times looked
-- up the first reply of every request of twelve weeks. The database now keeps these times on the
-- request itself, derived by triggers from the rows they summarise (messages, read marks): news is
-- a comparison of two columns that a partial index can hold, and first replies sit in an index.
--
-- person_wrote_at: the request's arrival or the person's latest message, whichever is later, to
-- the millisecond (the precision a read mark carries from the page).
create function request_person_wrote_at(request uuid, created timestamptz) returns timestamptz
  language sql stable as $$
  select date_trunc('milliseconds', greatest(created,
    (select max(m.created_at) from messages m where m.request_id = request and m.author = 'person')))
$$;
--;
-- team_read_at: the latest read mark anyone on the team left on the request.
create function request_team_read_at(request uuid) returns timestamptz
  language sql stable as $$
  select coalesce((select max(k.last_read_at) from request_read_marks k where k.request_id = request), '-infinity'::timestamptz)
$$;
--;
-- first_reply_at: the team's first reply; null while there is none.
create function request_first_reply_at(request uuid) returns timestamptz
  language sql stable as $$
  select min(m.created_at) from messages m where m.request_id = request and m.author = 'staff'
$$;
--;
alter table help_requests
  add column person_wrote_at timestamptz,
  add column team_read_at timestamptz not null default '-infinity',
  add column first_reply_at timestamptz;
--;
update help_requests set person_wrote_at = request_person_wrote_at(id, created_at), team_read_at = request_team_read_at(id),
  first_reply_at = request_first_reply_at(id);
--;
alter table help_requests alter column person_wrote_at set not null;
--;
-- A request arriving (or restored from a backup) starts from its own rows; so does one whose
-- arrival time is changed.
create function help_requests_derive_times() returns trigger language plpgsql as $$
begin
  new.person_wrote_at := request_person_wrote_at(new.id, new.created_at);
  new.team_read_at := request_team_read_at(new.id);
  new.first_reply_at := request_first_reply_at(new.id);
  return new;
end;
$$;
--;
create trigger help_requests_derive_times before insert or update of created_at on help_requests
  for each row execute function help_requests_derive_times();
--;
-- Messages and read marks arriving, changing or going: one statement recomputes the requests they
-- belong to (set-based, so a bulk insert costs one update, not one per row), and writes only the
-- rows whose times changed. Writers of messages hold the request's row already (src/help/
-- conversation.ts is called with it locked), so this takes no lock out of order.
create function messages_derive_times() returns trigger language plpgsql as $$
begin
  if tg_op in ('INSERT', 'UPDATE') then
    update help_requests r set person_wrote_at = request_person_wrote_at(r.id, r.created_at), first_reply_at = request_first_reply_at(r.id)
    where r.id in (select request_id from added)
      and (r.person_wrote_at, r.first_reply_at) is distinct from (request_person_wrote_at(r.id, r.created_at), request_first_reply_at(r.id));
  end if;
  if tg_op in ('DELETE', 'UPDATE') then
    update help_requests r set person_wrote_at = request_person_wrote_at(r.id, r.created_at), first_reply_at = request_first_reply_at(r.id)
    where r.id in (select request_id from gone)
      and (r.person_wrote_at, r.first_reply_at) is distinct from (request_person_wrote_at(r.id, r.created_at), request_first_reply_at(r.id));
  end if;
  return null;
end;
$$;
--;
create trigger messages_added_times after insert on messages referencing new table as added
  for each statement execute function messages_derive_times();
--;
create trigger messages_changed_times after update on messages referencing old table as gone new table as added
  for each statement execute function messages_derive_times();
--;
create trigger messages_gone_times after delete on messages referencing old table as gone
  for each statement execute function messages_derive_times();
--;
create function read_marks_derive_times() returns trigger language plpgsql as $$
begin
  if tg_op in ('INSERT', 'UPDATE') then
    update help_requests r set team_read_at = request_team_read_at(r.id)
    where r.id in (select request_id from added) and r.team_read_at is distinct from request_team_read_at(r.id);
  end if;
  if tg_op in ('DELETE', 'UPDATE') then
    update help_requests r set team_read_at = request_team_read_at(r.id)
    where r.id in (select request_id from gone) and r.team_read_at is distinct from request_team_read_at(r.id);
  end if;
  return null;
end;
$$;
--;
create trigger read_marks_added_times after insert on request_read_marks referencing new table as added
  for each statement execute function read_marks_derive_times();
--;
create trigger read_marks_changed_times after update on request_read_marks referencing old table as gone new table as added
  for each statement execute function read_marks_derive_times();
--;
create trigger read_marks_gone_times after delete on request_read_marks referencing old table as gone
  for each statement execute function read_marks_derive_times();
--;
-- The counts above the inbox (src/help/inbox.ts queueCounts) count at most 1,000 rows each, from
-- an index that holds only the rows counted: a count reads what it counts and never more than the
-- cap. (Urgent requests in triage are the front of help_requests_inbox, 0018.)
create index help_requests_triage_new on help_requests (id) where case_id is null and status = 'new';
--;
create index help_requests_triage_waiting on help_requests (id)
  where case_id is null and status in ('new', 'triage', 'accepted') and waiting_since is not null;
--;
create index help_requests_triage_news on help_requests (id)
  where case_id is null and status in ('new', 'triage', 'accepted') and person_wrote_at > team_read_at;
--;
-- Finding cases by the start of a pseudonym within one status (src/cases/case-pages.ts): how many
-- match is read from here (stopping at 1,000), and a rare start reads its cases from here.
create index cases_status_pseudonym on cases (status, lower(pseudonym) text_pattern_ops);
--;
-- The overview (src/help/overview-figures.ts) reads first-response times and who waits from the
-- indexes alone: these replace 0018's and 0015's with the columns the figures need.
drop index help_requests_created_cover;
--;
create index help_requests_created_cover on help_requests (created_at) include (id, status, first_reply_at);
--;
drop index help_requests_waiting_since;
--;
create index help_requests_waiting_since on help_requests (waiting_since) include (status) where waiting_since is not null;
