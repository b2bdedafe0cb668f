-- The recovery shares, kept after the setup form only until the first administrator confirms
-- they are printed or stored (at most an hour), so that a reload or Back shows them again
-- (src/auth/recovery-shares.ts). The box is sealed with a key that lives only in a cookie of the
-- browser that set Beside up, as a session's key is: the database alone holds no share.
create table shown_recovery_shares (
  id_hash bytea primary key,
  shares_box bytea not null,
  expires_at timestamptz not null
);
