-- The login check opens the staff member's private key with the password (argon2id at the staff
-- cost, src/crypto/user-keys.ts). The separate password hash was made at argon2's default cost,
-- 19 MiB and 2 passes: a stolen database let anyone test guesses against it far more cheaply
-- than against the key. It is dropped, with every hash already stored.
alter table users drop column password_hash;
