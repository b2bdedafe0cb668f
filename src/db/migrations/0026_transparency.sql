-- The transparency page (issue 8, src/funding/transparency.ts) lists the newest expenses: without
-- this index, finding the last few transactions of one kind walks back through every gift booked
-- since, and the page is loaded again after each one ("Cost that stays flat").
create index ledger_transactions_kind on ledger_transactions(kind, seq);
