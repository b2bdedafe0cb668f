-- What entitles a staff member to be sealed to is authenticated with the instance secret, the way
-- their public key is (src/crypto/entitlements.ts): a tag over a user's roles, activity and
-- coordinator confirmation, and over each place on a case team. SQL cannot make a tag (the secret
-- is never in the database): existing rows are tagged once by the first start of this version,
-- which recognises an installation from before tags by its older secret check (instance-setup.ts).
alter table users add column entitlement_tag bytea;
--;
alter table case_members add column tag bytea;
--;
-- Tags cover the confirmation time in milliseconds, what a JavaScript Date holds; from now on
-- Beside writes it from JavaScript. Truncating older values keeps them equal on both drivers.
update users set coordinator_confirmed_at = date_trunc('milliseconds', coordinator_confirmed_at)
  where coordinator_confirmed_at is not null;
