-- Expenses (issue 8): a staff member records what was spent, a treasurer who is not that person
-- approves it, then marks it paid, which posts one 'expense' transaction to the ledger. What it was
-- for in words (it can name a person or a place) is sealed in the expense's own vault, sealed to
-- the treasurers, the recovery key and the submitter; the row holds only amount, purpose,
-- category, states and days. A paid expense is corrected only by a reversal in the ledger.
create table expenses (
  id uuid primary key,
  amount_cents int8 not null check (amount_cents > 0 and amount_cents <= 100000000),
  purpose text not null check (purpose in ('shelter', 'clothing', 'psych', 'legal', 'evacuation', 'general')),
  category text not null check (category in ('rent', 'clothing', 'travel', 'therapy', 'legal_fees', 'food', 'phone', 'documents', 'other')),
  spent_on date not null,
  vault_id uuid not null references vaults (id),
  -- sealed: the description; the reasons below are sealed in the same vault
  description bytea,
  -- the case need it served, shown by pseudonym to those who may see the case
  case_id uuid references cases (id) on delete set null,
  state text not null default 'submitted' check (state in ('submitted', 'approved', 'rejected', 'paid', 'reversed')),
  submitted_by uuid not null references users (id),
  submitted_at timestamptz not null default now(),
  approved_by uuid references users (id),
  rejected_by uuid references users (id),
  decided_at timestamptz,
  reject_reason bytea,
  paid_by uuid references users (id),
  paid_on date,
  ledger_seq int8 unique references ledger_transactions (seq),
  -- spending the purpose below what it raised: the treasurer's reason (sealed)
  override_reason bytea,
  reversal_seq int8 unique references ledger_transactions (seq),
  reverse_reason bytea,
  -- the receipt: its chunks sealed with a key of its own (src/files), that key and the file's
  -- name sealed in the expense's vault
  receipt_file_id uuid unique references files (id),
  receipt_type text check (receipt_type in ('application/pdf', 'image/jpeg', 'image/png')),
  receipt_size int8 check (receipt_size > 0),
  receipt_chunks int4 check (receipt_chunks > 0),
  receipt bytea,
  constraint expenses_receipt_facts check ((receipt_file_id is null) = (receipt_type is null and receipt_size is null and receipt_chunks is null)),
  -- Four eyes, held by the database: whoever submitted never approves.
  constraint expenses_four_eyes check (approved_by <> submitted_by),
  constraint expenses_state_facts check (
    (state = 'submitted' and approved_by is null and rejected_by is null and ledger_seq is null)
    or (state = 'rejected' and rejected_by is not null and approved_by is null and ledger_seq is null)
    or (state = 'approved' and approved_by is not null and ledger_seq is null)
    or (state = 'paid' and approved_by is not null and ledger_seq is not null and paid_on is not null and paid_by is not null and reversal_seq is null)
    or (state = 'reversed' and ledger_seq is not null and reversal_seq is not null)
  )
);
--;
-- "My expenses" in the order shown, and the treasurer's queue by state.
create index expenses_by_submitter on expenses (submitted_by, submitted_at desc, id);
--;
create index expenses_by_state on expenses (state, submitted_at, id);
