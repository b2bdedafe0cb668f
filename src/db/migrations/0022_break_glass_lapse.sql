-- Break-glass requests nobody answers lapse (issue 7). `lapses_at` is set when a request is asked
-- (BREAK_GLASS_PENDING_MINUTES later); past it, a pending request can no longer be granted and
-- becomes 'lapsed', which frees the coordinator to ask again (the one-open-request index counts
-- pending and approved requests only). Requests asked before this migration lapse an hour after
-- they were asked, the default.
alter table break_glass_requests add column lapses_at timestamptz;
--;
update break_glass_requests set lapses_at = created_at + interval '60 minutes';
--;
alter table break_glass_requests alter column lapses_at set not null;
--;
-- Beside always sets it; the default is for rows restored from a backup made before this
-- migration (restore leaves new columns to their defaults): by then they have lapsed.
alter table break_glass_requests alter column lapses_at set default now();
--;
alter table break_glass_requests add constraint break_glass_lapses_after_asked check (lapses_at > created_at);
--;
-- 'lapsed' joins the states; like 'pending' it was never approved. The two constraints replaced
-- are the ones 0013 declared inline (PostgreSQL's names for them).
alter table break_glass_requests drop constraint break_glass_requests_status_check;
--;
alter table break_glass_requests add constraint break_glass_requests_status_check check (status in ('pending', 'approved', 'ended', 'lapsed'));
--;
alter table break_glass_requests drop constraint break_glass_requests_check;
--;
alter table break_glass_requests add constraint break_glass_unapproved check ((status in ('pending', 'lapsed')) = (approved_at is null));
