-- Giving (issue 8), first slice: gifts pledged by bank transfer, their donors kept apart in
-- vaults, public messages that wait for an editor, and the bank statement lines the treasurer
-- imports. Every date here is a calendar day: nothing public carries a time that could be matched
-- with a bank statement. Card payments (Mollie, Stripe) and monthly gifts come later by widening
-- the CHECKs on method, frequency and state; provider_payment_id is there for them.
create table gifts (
  id uuid primary key,
  method text not null check (method in ('transfer')),
  frequency text not null default 'once' check (frequency in ('once')),
  -- 'pledged': a transfer is awaited (past expires_on it shows as expired, and money arriving late
  -- still matches it); 'received': booked in the ledger
  state text not null default 'pledged' check (state in ('pledged', 'received')),
  amount_cents bigint not null check (amount_cents > 0),
  purpose text not null check (purpose in ('shelter', 'clothing', 'psych', 'legal', 'evacuation', 'general')),
  pledged_on date not null,
  expires_on date,
  received_on date,
  -- ISO 11649, compact: what the donor's transfer carries
  rf_reference text unique check (rf_reference ~ '^RF[0-9]{2}[0-9A-Z]{1,21}$'),
  -- the provider's payment id (Mollie's tr_…, Stripe's cs_…), for the card slice
  provider_payment_id text unique,
  -- SHA-256 of the donor's 140-bit gift code (src/funding/gift-code.ts)
  gift_code_hash bytea not null unique check (length(gift_code_hash) = 32),
  -- the 'donor' vault and what it seals (name, e-mail, message); both null for a fully anonymous gift
  donor_vault_id uuid unique references vaults(id),
  donor bytea,
  -- the ledger transaction that booked it
  ledger_seq bigint unique references ledger_transactions(seq),
  check (method <> 'transfer' or (rf_reference is not null and expires_on is not null)),
  check (expires_on is null or expires_on >= pledged_on),
  check ((state = 'received') = (received_on is not null and ledger_seq is not null)),
  check (donor is null or donor_vault_id is not null)
);
--;
create index gifts_listed on gifts(state, pledged_on desc, id);
--;
-- A Give form posted twice makes one pledge (src/funding/pledge-posts.ts): kept a few minutes.
create table gift_submissions (
  fingerprint bytea primary key,
  gift_id uuid references gifts(id) on delete cascade,
  code_box bytea not null,
  expires_at timestamptz not null
);
--;
-- A public message, sealed in its 'gift_message' vault until an editor decides; the vault is then
-- shredded, and an approved message is copied to published_gift_messages.
create table gift_messages (
  id uuid primary key,
  gift_id uuid not null unique references gifts(id),
  vault_id uuid not null unique references vaults(id),
  content bytea,
  state text not null default 'waiting' check (state in ('waiting', 'approved', 'rejected')),
  submitted_on date not null,
  decided_by uuid references users(id),
  decided_on date,
  check ((state = 'waiting') = (decided_by is null and decided_on is null))
);
--;
create index gift_messages_waiting on gift_messages(submitted_on, id) where state = 'waiting';
--;
-- What is public is public: the name shown (null: "anonymous") and the message, as approved.
create table published_gift_messages (
  seq bigint generated always as identity primary key,
  gift_message_id uuid not null unique references gift_messages(id),
  shown_name text check (shown_name is null or length(shown_name) between 1 and 100),
  message text not null check (length(message) between 1 and 500),
  published_on date not null
);
--;
-- One upload of a camt.053 file that brought new lines; its vault seals what the bank says about
-- each payer.
create table bank_statement_imports (
  id uuid primary key,
  vault_id uuid not null unique references vaults(id),
  imported_by uuid not null references users(id),
  imported_on date not null,
  new_lines integer not null check (new_lines > 0)
);
--;
-- Every line of every statement, once: its source ref (camt:<account IBAN>:<entry ref>) is also the
-- ledger transaction's, so a line is booked at most once however often its file is imported.
create table bank_statement_lines (
  id uuid primary key,
  import_id uuid not null references bank_statement_imports(id),
  vault_id uuid not null references vaults(id),
  source_ref text not null unique,
  account_iban text not null,
  booking_date date not null,
  value_date date,
  amount_cents bigint not null check (amount_cents > 0),
  currency text not null check (currency ~ '^[A-Z]{3}$'),
  direction text not null check (direction in ('credit', 'debit')),
  -- the RF reference the line carries (structured, or found in its text), compact
  rf_reference text,
  -- sealed: the payer's name and account, the transfer's free text
  details bytea,
  -- 'booked' in the ledger; 'waiting' for the treasurer (reason says why); 'dismissed' as not a
  -- gift; 'debit': money out, booked with expenses
  state text not null check (state in ('booked', 'waiting', 'dismissed', 'debit')),
  -- why a credit waits: 'reversal' is the bank undoing an earlier debit (a transfer returned)
  reason text check (reason in ('no_reference', 'unknown_reference', 'amount_differs', 'already_received', 'currency', 'reversal')),
  -- the pledge the line paid, or the one it may belong to (a different amount)
  gift_id uuid references gifts(id),
  ledger_seq bigint unique references ledger_transactions(seq),
  purpose text check (purpose in ('shelter', 'clothing', 'psych', 'legal', 'evacuation', 'general')),
  dismiss_reason text check (dismiss_reason in ('own_transfer', 'refund', 'grant', 'mistake', 'other')),
  -- sealed: the treasurer's note on a dismissed line
  note bytea,
  decided_by uuid references users(id),
  decided_on date,
  check ((direction = 'debit') = (state = 'debit')),
  check ((state = 'booked') = (ledger_seq is not null and purpose is not null)),
  check ((state = 'waiting') = (reason is not null)),
  check ((state = 'dismissed') = (dismiss_reason is not null))
);
--;
create index bank_statement_lines_waiting on bank_statement_lines(booking_date, id) where state = 'waiting';
--;
create index bank_statement_lines_listed on bank_statement_lines(booking_date desc, id);
--;
create index bank_statement_lines_import on bank_statement_lines(import_id);
--;
create index bank_statement_lines_gift on bank_statement_lines(gift_id) where gift_id is not null;
