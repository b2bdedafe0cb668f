-- Documents on a case: encrypted files stored in the database in chunks, so that one backup holds
-- everything and any process serves any file. `files` and `file_chunks` belong to src/files (the
-- chunk store: ciphertext only, no names); `case_documents` belongs to src/cases.
create table files (
  id uuid primary key,
  -- 'uploading' while chunks arrive; a row left 'uploading' (a crashed upload) is swept later
  state text not null default 'uploading' check (state in ('uploading', 'stored')),
  created_at timestamptz not null default now()
);
--;
create index files_uploading on files (created_at) where state = 'uploading';
--;
create table file_chunks (
  file_id uuid not null references files(id) on delete cascade,
  idx integer not null check (idx >= 0),
  data bytea not null,
  primary key (file_id, idx)
);
--;
create table case_documents (
  id uuid primary key,
  case_id uuid not null references cases(id) on delete cascade,
  part text not null check (part in ('core', 'psych', 'legal')),
  vault_id uuid not null references vaults(id),
  kind text not null check (kind in ('identity', 'medical', 'immigration', 'other')),
  file_id uuid not null unique references files(id),
  media_type text not null check (media_type in ('application/pdf', 'image/jpeg', 'image/png', 'image/webp', 'image/heic')),
  size bigint not null check (size > 0),
  chunks integer not null check (chunks > 0),
  -- stored byte for byte as evidence (metadata kept); false: a photo was cleaned of EXIF/GPS
  original boolean not null,
  -- sealed: file name, description and the file's own key
  content bytea not null,
  uploaded_by uuid not null references users(id),
  created_at timestamptz not null
);
--;
create index case_documents_by_case on case_documents (case_id, created_at desc);
--;
-- A document's row going (crypto-shredding deletes it, a case erased cascades) takes its
-- chunks with it: nothing of the file is left behind.
create function case_documents_drop_file() returns trigger language plpgsql as $$
begin
  delete from files where id = old.file_id;
  return old;
end;
$$;
--;
create trigger case_documents_drop_file after delete on case_documents
  for each row execute function case_documents_drop_file();
