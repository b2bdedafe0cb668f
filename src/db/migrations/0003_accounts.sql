-- Accounts (issue 5, §3 and §6).
--
-- A coordinator receives new help requests only once a confirmed coordinator has confirmed
-- them, so an administrator cannot make themselves a reader by inviting a coordinator account.
-- The first administrator of an installation is confirmed at initialisation (by nobody).
alter table users add column coordinator_confirmed_at timestamptz;
--;
alter table users add column coordinator_confirmed_by uuid references users(id);
--;
alter table users add constraint users_confirmed_by_needs_date
  check (coordinator_confirmed_by is null or coordinator_confirmed_at is not null);
--;
alter table users add constraint users_confirmed_by_someone_else
  check (coordinator_confirmed_by is distinct from id);
--;
-- Coordinators who existed before confirmation did were trusted as they are: an upgrade changes
-- nothing for them.
update users set coordinator_confirmed_at = created_at where 'coordinator' = any(roles);
--;
-- The one-time setup link works for 24 hours; a link stored without an expiry never works.
alter table instance add column setup_token_expires_at timestamptz;
--;
-- Failed logins are counted in memory per account and address (src/auth/login-throttle.ts); the
-- account-wide lock let anyone keep a colleague out. Its columns stay, unused, until a later
-- migration drops them with the code that still resets them.
update users set failed_logins = 0, locked_until = null;
