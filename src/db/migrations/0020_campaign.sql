-- The public campaign (issue 8): what editors keep on the home page. All of it is public, so it is
-- stored plain. Totals are not here: they are the ledger's balances (0019), read when shown.
--
-- One row: made by the first edit (a fresh database stays empty, so a backup restores into it).
-- Every edit of anything on the campaign page bumps content_version in its own transaction, so the
-- kept home page (src/web/prerendered.ts) sees an edit exactly when it commits; every edit also
-- locks this row first, which gives campaign edits one lock order.
create table campaign (
  singleton boolean primary key default true check (singleton),
  goal_cents int8 not null default 0 check (goal_cents between 0 and 1000000000),
  starts_on date,
  ends_on date,
  story_ru text not null default '' check (length(story_ru) <= 10000),
  story_en text not null default '' check (length(story_en) <= 10000),
  story_nl text not null default '' check (length(story_nl) <= 10000),
  content_version int8 not null default 1 check (content_version > 0),
  updated_at timestamptz not null default now(),
  check ((starts_on is null) = (ends_on is null)),
  check (ends_on >= starts_on)
);
--;
-- What the money buys: a goal and a short text per purpose of src/funding/purposes.ts.
create table campaign_purposes (
  purpose text primary key check (purpose in ('shelter', 'clothing', 'psych', 'legal', 'evacuation', 'general')),
  goal_cents int8 not null default 0 check (goal_cents between 0 and 1000000000),
  text_ru text not null default '' check (length(text_ru) <= 500),
  text_en text not null default '' check (length(text_en) <= 500),
  text_nl text not null default '' check (length(text_nl) <= 500)
);
--;
-- People and organisations who endorse the campaign, in the order editors give them. The logo is
-- a PNG or JPEG checked by content and re-encoded (src/funding/supporter-logo.ts); its tag, a
-- hash of its bytes, names it in the address it is served from, so a changed logo is a new address.
create table campaign_supporters (
  id uuid primary key,
  position integer not null,
  name_ru text not null check (length(name_ru) between 1 and 200),
  name_en text not null check (length(name_en) between 1 and 200),
  name_nl text not null check (length(name_nl) between 1 and 200),
  role_ru text not null default '' check (length(role_ru) <= 200),
  role_en text not null default '' check (length(role_en) <= 200),
  role_nl text not null default '' check (length(role_nl) <= 200),
  quote_ru text not null default '' check (length(quote_ru) <= 1000),
  quote_en text not null default '' check (length(quote_en) <= 1000),
  quote_nl text not null default '' check (length(quote_nl) <= 1000),
  logo bytea check (length(logo) between 1 and 524288),
  logo_type text check (logo_type in ('image/png', 'image/jpeg')),
  logo_width integer check (logo_width between 1 and 4096),
  logo_height integer check (logo_height between 1 and 4096),
  logo_tag text check (logo_tag ~ '^[A-Za-z0-9_-]{16,64}$'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (num_nulls(logo, logo_type, logo_width, logo_height, logo_tag) in (0, 5)),
  -- checked at commit, so two supporters can swap places in one transaction
  constraint campaign_supporters_position unique (position) deferrable initially deferred
);
--;
-- Short news posts; only published ones are shown.
create table campaign_updates (
  id uuid primary key,
  dated date not null,
  title_ru text not null check (length(title_ru) between 1 and 200),
  title_en text not null check (length(title_en) between 1 and 200),
  title_nl text not null check (length(title_nl) between 1 and 200),
  body_ru text not null check (length(body_ru) between 1 and 5000),
  body_en text not null check (length(body_en) between 1 and 5000),
  body_nl text not null check (length(body_nl) between 1 and 5000),
  published boolean not null default false,
  created_by uuid not null references users(id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
--;
create index campaign_updates_published on campaign_updates(dated desc, created_at desc) where published;
