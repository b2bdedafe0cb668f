-- Payment notifications (issue 8): a provider's webhook that passed its check is written here and
-- answered at once; the payment booker (src/funding/payment-booker.ts) then does what it names —
-- asks Mollie about the payment, books the gift — on its own time, one batch after another. A
-- burst of deliveries then costs one small insert each (several committed together), not a
-- booking each that queues behind the ledger's chain lock; and a delivery is never lost to a
-- crash between the answer and the booking: the row is still here when Beside comes back.
create table payment_deliveries (
  id bigint generated always as identity primary key,
  provider text not null check (provider in ('mollie', 'stripe')),
  -- Mollie: the payment the webhook names (tr_…); Stripe: the event's id (evt_…)
  ref text not null check (length(ref) between 1 and 100),
  -- Stripe: the verified event cut down to what booking reads (ids, amounts, states; no names and
  -- no addresses: src/funding/stripe-delivery.ts). Mollie: null (its webhook carries nothing else).
  event jsonb,
  received_at timestamptz not null,
  -- delivered again while the booker worked on it: it is worked on once more
  again boolean not null default false,
  attempts integer not null default 0 check (attempts >= 0),
  next_try_at timestamptz not null,
  -- taken by a booker until then (a booker that died lets it go when this has passed)
  claimed_until timestamptz,
  -- the kind of the last failure (an error's name, never its message)
  last_error text check (length(last_error) <= 100),
  -- tried for days without success: kept for the treasurer, no longer tried
  gave_up_at timestamptz,
  unique (provider, ref),
  check ((provider = 'stripe') = (event is not null))
);
--;
create index payment_deliveries_due on payment_deliveries (next_try_at) where gave_up_at is null;
