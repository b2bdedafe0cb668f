-- Optional daily e-mail reminders about a colleague's tasks (src/cases/task-reminders.ts).
-- The address is the one notify keeps (on_call_addresses). `chain` names the daily job that is
-- current, or is null when reminders are off: a job of another chain (reminders turned off, or
-- off and on again) does nothing. `last_sent_on`, the association's calendar day of the last
-- e-mail, outlives turning off and on, so there is never more than one reminder a day.
create table task_reminders (
  user_id uuid primary key references users(id) on delete cascade,
  chain uuid,
  last_sent_on date,
  created_at timestamptz not null default now()
);
