-- Gifts paid online (issue 8): through Mollie (iDEAL, card, Bancontact; monthly by SEPA mandate)
-- or Stripe (Checkout; monthly as a subscription), next to the bank transfers of 0023. Nothing
-- here names a donor: who gave stays in the gift's 'donor' vault; the provider's own ids are
-- kept so its webhooks find the gift, and a monthly gift is managed through a private link whose
-- token only the donor holds.
--
-- A monthly gift: the standing arrangement at the provider. Each payment it brings is a row of
-- gifts (frequency 'monthly') booked on its own. 'starting' until the provider confirms the
-- first payment and the subscription exists; 'cancelled' by the donor's link or by the provider.
create table monthly_gifts (
  id uuid primary key,
  provider text not null check (provider in ('mollie', 'stripe')),
  state text not null default 'starting' check (state in ('starting', 'active', 'cancelled')),
  amount_cents bigint not null check (amount_cents > 0),
  purpose text not null check (purpose in ('shelter', 'clothing', 'psych', 'legal', 'evacuation', 'general')),
  started_on date not null,
  -- the provider's customer (Mollie cst_…, Stripe cus_…) and subscription (Mollie or Stripe sub_…)
  customer_ref text check (length(customer_ref) between 1 and 100),
  subscription_ref text check (length(subscription_ref) between 1 and 100),
  -- SHA-256 of the donor's manage token (src/funding/monthly-gifts.ts): shown once, never stored
  manage_token_hash bytea not null unique check (length(manage_token_hash) = 32),
  cancelled_on date,
  cancelled_by text check (cancelled_by in ('donor', 'provider')),
  unique (provider, subscription_ref),
  check (state <> 'active' or subscription_ref is not null),
  check ((state = 'cancelled') = (cancelled_on is not null and cancelled_by is not null))
);
--;
-- Widen 0023's gifts for the providers (0023 planned it: provider_payment_id is already there).
alter table gifts drop constraint gifts_method_check;
--;
alter table gifts add constraint gifts_method_check check (method in ('transfer', 'mollie', 'stripe'));
--;
alter table gifts drop constraint gifts_frequency_check;
--;
alter table gifts add constraint gifts_frequency_check check (frequency in ('once', 'monthly'));
--;
-- The monthly gift a payment belongs to.
alter table gifts add column monthly_gift_id uuid references monthly_gifts(id);
--;
-- What the provider last said of an online payment: 'open' (the donor is paying), 'paid' (booked),
-- 'failed' (cancelled, expired or refused). Null for a transfer.
alter table gifts add column provider_state text check (provider_state in ('open', 'paid', 'failed'));
--;
-- Stripe's payment intent (pi_…), which its charge, refund and dispute events name.
alter table gifts add column payment_ref text unique check (length(payment_ref) between 1 and 100);
--;
-- The donor's way back from the provider's page: a keyed fingerprint of the random token in the
-- return address (src/crypto/submission-keys.ts), and the gift code (and a monthly gift's manage
-- link) sealed under a key derived from that token, cleared a day after the gift is booked.
alter table gifts add column return_fingerprint bytea unique check (length(return_fingerprint) = 32);
--;
alter table gifts add column return_box bytea;
--;
alter table gifts add constraint gifts_online_check check ((method = 'transfer') = (provider_state is null));
--;
alter table gifts add constraint gifts_monthly_check check ((frequency = 'monthly') = (monthly_gift_id is not null));
--;
alter table gifts add constraint gifts_return_check check (return_box is null or return_fingerprint is not null);
--;
create index gifts_monthly on gifts(monthly_gift_id) where monthly_gift_id is not null;
--;
-- Money a provider gave back (a refund) or had taken back (a chargeback) on a gift paid online:
-- one row per refund or chargeback, booked once by its source ref (`mollie:refund:re_…`,
-- `stripe:re_…`, `stripe:dp_…`), so what was given back never passes what was given; undone_seq
-- is the reversal booked when the provider undid it (a refund that failed, a chargeback won).
create table gift_reversals (
  source_ref text primary key check (length(source_ref) between 1 and 200),
  gift_id uuid not null references gifts(id),
  kind text not null check (kind in ('refund', 'chargeback')),
  amount_cents bigint not null check (amount_cents > 0),
  ledger_seq bigint not null unique references ledger_transactions(seq),
  undone_seq bigint unique references ledger_transactions(seq)
);
--;
create index gift_reversals_gift on gift_reversals(gift_id);
