-- The double-entry ledger (issue 8, src/funding/ledger*.ts). Amounts are integer cents, positive
-- for a debit and negative for a credit (hledger's sign), so every transaction's entries sum to
-- zero. Nothing here names a person: erasure never touches these tables, and a donor's identity
-- lives in an encrypted store apart from the ledger.
--
-- Accounts carry hledger-style names; the first word says the kind.
create table ledger_accounts (
  name text primary key check (name ~ '^[a-z]+(:[a-z0-9_-]+)+$'),
  kind text not null check (kind in ('asset', 'liability', 'income', 'expense', 'equity')),
  -- What the money buys (src/funding/purposes.ts), for the income and spending accounts of a purpose.
  purpose text check (purpose in ('shelter', 'clothing', 'psych', 'legal', 'evacuation', 'general')),
  check (split_part(name, ':', 1) = case kind
    when 'asset' then 'assets' when 'liability' then 'liabilities' when 'income' then 'income'
    when 'expense' then 'expenses' else 'equity' end)
);
--;
insert into ledger_accounts (name, kind, purpose) values
  ('assets:bank', 'asset', null),
  ('assets:mollie', 'asset', null),
  ('assets:stripe', 'asset', null),
  ('expenses:fees:mollie', 'expense', null),
  ('expenses:fees:stripe', 'expense', null),
  ('expenses:fees:bank', 'expense', null),
  ('equity:opening', 'equity', null),
  ('income:gifts:shelter', 'income', 'shelter'),
  ('income:gifts:clothing', 'income', 'clothing'),
  ('income:gifts:psych', 'income', 'psych'),
  ('income:gifts:legal', 'income', 'legal'),
  ('income:gifts:evacuation', 'income', 'evacuation'),
  ('income:gifts:general', 'income', 'general'),
  ('expenses:shelter', 'expense', 'shelter'),
  ('expenses:clothing', 'expense', 'clothing'),
  ('expenses:psych', 'expense', 'psych'),
  ('expenses:legal', 'expense', 'legal'),
  ('expenses:evacuation', 'expense', 'evacuation'),
  ('expenses:general', 'expense', 'general');
--;
-- One event of the books. seq is the place in the hash chain: given under the chain's lock as
-- the head's seq + 1 (like audit_events.seq), so seq order is chain order and has no gaps. The
-- hash is a keyed hash (the instance secret's) over every column and every entry, and prev_hash.
create table ledger_transactions (
  seq bigint primary key check (seq > 0),
  id uuid not null unique,
  kind text not null check (kind in ('gift', 'fee', 'payout', 'expense', 'refund', 'chargeback', 'reversal', 'opening', 'adjustment')),
  occurred_on date not null,
  recorded_at timestamptz not null,
  -- What happened, without personal data ('Gift by bank transfer').
  description text not null check (length(description) between 1 and 200),
  -- The idempotency key of whoever posts ('mollie:tr_x', 'camt:<ref>'): one transaction per key.
  source_ref text unique check (length(source_ref) between 1 and 200),
  -- A correction: the transaction this one mirrors. Reversed at most once. Checked at commit, so
  -- a restore inserts the table in one pass (src/cli/schema.ts leaves such keys out of its order).
  reverses bigint unique references ledger_transactions(seq) deferrable initially deferred,
  -- Who recorded it (null: a payment provider's webhook, a bank statement). No foreign key, as in
  -- audit_events: the books outlive staff accounts.
  actor_user_id uuid,
  prev_hash bytea not null check (length(prev_hash) = 32),
  hash bytea not null check (length(hash) = 32),
  check ((kind = 'reversal') = (reverses is not null)),
  check (reverses < seq)
);
--;
create table ledger_entries (
  transaction_seq bigint not null references ledger_transactions(seq),
  line smallint not null check (line >= 1),
  account text not null references ledger_accounts(name),
  amount_cents bigint not null check (amount_cents <> 0),
  primary key (transaction_seq, line)
);
--;
-- A transaction balances: at least two entries, summing to zero. Checked at COMMIT (a deferred
-- constraint trigger), when all of its entries are in, for every transaction and every entry
-- written, so entries added later to an old transaction are checked too.
create function ledger_assert_balanced(target bigint) returns void language plpgsql as $$
declare
  lines bigint;
  total numeric;
begin
  select count(*), coalesce(sum(amount_cents), 0) into lines, total from ledger_entries where transaction_seq = target;
  if lines < 2 or total <> 0 then
    raise exception 'ledger transaction % does not balance: % entries summing to %', target, lines, total
      using errcode = 'check_violation', constraint = 'ledger_transactions_balanced';
  end if;
end;
$$;
--;
create function ledger_transaction_balanced() returns trigger language plpgsql as $$
begin
  perform ledger_assert_balanced(new.seq);
  return null;
end;
$$;
--;
create function ledger_entry_balanced() returns trigger language plpgsql as $$
begin
  perform ledger_assert_balanced(new.transaction_seq);
  return null;
end;
$$;
--;
create constraint trigger ledger_transactions_balanced after insert on ledger_transactions
  deferrable initially deferred for each row execute function ledger_transaction_balanced();
--;
create constraint trigger ledger_entries_balanced after insert on ledger_entries
  deferrable initially deferred for each row execute function ledger_entry_balanced();
--;
-- Entries are never changed or deleted: a correction is a reversal. (TRUNCATE fires no row
-- trigger: the test harness empties databases with it. Someone who can disable triggers can
-- edit the books; the hash chain and `beside ledger check` show it.)
create function ledger_refuse_change() returns trigger language plpgsql as $$
begin
  raise exception 'the ledger is append-only: % on % refused (a correction is a reversal)', tg_op, tg_table_name
    using errcode = 'integrity_constraint_violation';
end;
$$;
--;
create trigger ledger_transactions_append_only before update or delete on ledger_transactions
  for each row execute function ledger_refuse_change();
--;
create trigger ledger_entries_append_only before update or delete on ledger_entries
  for each row execute function ledger_refuse_change();
--;
-- Totals kept in the same transaction as the entries, so the campaign page reads a few rows
-- whether the books hold 100 entries or 1,000,000. `beside ledger check` recomputes them.
create table ledger_balances (
  account text primary key references ledger_accounts(name),
  balance_cents bigint not null,
  entry_count bigint not null check (entry_count > 0)
);
--;
-- Per account and month (its first day): debits and credits, both as positive sums.
create table ledger_monthly (
  account text not null references ledger_accounts(name),
  month date not null check (extract(day from month) = 1),
  debit_cents bigint not null check (debit_cents >= 0),
  credit_cents bigint not null check (credit_cents >= 0),
  primary key (account, month)
);
--;
create table ledger_kind_counts (
  kind text primary key check (kind in ('gift', 'fee', 'payout', 'expense', 'refund', 'chargeback', 'reversal', 'opening', 'adjustment')),
  count bigint not null check (count > 0)
);
