-- The treasurer reconciles the whole bank statement (issue 8): a payment out is linked to the
-- expense it paid ('reconciled': the expense's own transaction is the line's, nothing is booked
-- twice) or booked by hand as bank costs; a credit may be a payment provider's payout to the bank
-- (Mollie or Stripe settling what it collected, less its fees). A booked line now says what it was
-- booked as: a gift (to a purpose), a payout (from a provider) or bank costs. Either direction may
-- be left out of the books with a reason ('dismissed').
alter table bank_statement_lines add column booked_as text check (booked_as in ('gift', 'payout', 'bank_costs'));
--;
alter table bank_statement_lines add column provider text check (provider in ('mollie', 'stripe'));
--;
-- The expense a payment out paid: one line per expense.
alter table bank_statement_lines add column expense_id uuid unique references expenses(id);
--;
update bank_statement_lines set booked_as = 'gift' where state = 'booked';
--;
alter table bank_statement_lines drop constraint bank_statement_lines_state_check;
--;
alter table bank_statement_lines add constraint bank_statement_lines_state_check
  check (state in ('booked', 'waiting', 'dismissed', 'debit', 'reconciled'));
--;
-- 0023's "debit lines are all 'debit'" and "booked means a purpose": both widened here.
alter table bank_statement_lines drop constraint bank_statement_lines_check;
--;
alter table bank_statement_lines drop constraint bank_statement_lines_check1;
--;
-- A credit waits, or is booked as a gift or payout; a debit waits as 'debit', is reconciled with an
-- expense, or is booked as bank costs.
alter table bank_statement_lines add constraint bank_statement_lines_direction_states check (
  case direction
    when 'credit' then state in ('waiting', 'booked', 'dismissed') and (booked_as is null or booked_as in ('gift', 'payout'))
    else state in ('debit', 'reconciled', 'booked', 'dismissed') and (booked_as is null or booked_as = 'bank_costs')
  end
);
--;
alter table bank_statement_lines add constraint bank_statement_lines_booked_facts check (
  (state in ('booked', 'reconciled')) = (ledger_seq is not null)
  and (state = 'booked') = (booked_as is not null)
  and (state = 'reconciled') = (expense_id is not null)
  and coalesce(booked_as = 'gift', false) = (purpose is not null)
  and coalesce(booked_as = 'payout', false) = (provider is not null)
);
