-- Indexes for the work lists, so a page costs the same whatever the records not on it
-- (bench/work-lists.ts: 100,000 requests and 20,000 cases on a PostgreSQL server).
--
-- The inbox's default view (src/help/triage.ts listInbox): requests still being triaged, urgent
-- first, then whoever has waited longest. Walked in order, a page reads only its own rows; the
-- inbox's filters (need, language, country, ref) filter along it.
create index help_requests_inbox on help_requests (urgent desc, (coalesce(waiting_since, created_at)), id)
  where case_id is null and status in ('new', 'triage', 'accepted');
--;
-- The inbox filtered by one status (closed, referred...), with or without cases, in the same order.
create index help_requests_status_order on help_requests (status, urgent desc, (coalesce(waiting_since, created_at)), id);
--;
-- The requests being triaged as a set: the counts above the inbox (queueCounts) and the requests a
-- coordinator can share (shareableRequests), read from the index alone.
create index help_requests_open_for_triage on help_requests (created_at) include (id, vault_id, status, urgent, waiting_since)
  where case_id is null and status in ('new', 'triage', 'accepted');
--;
-- status and case_id depend on each other (a request in a case is 'accepted'): without these
-- statistics the planner guesses six times too many requests in triage and compiles the counts
-- with JIT, which costs more than the query.
create statistics help_requests_status_case (dependencies, mcv) on status, case_id from help_requests;
--;
-- Case lists (src/cases/case-file.ts listCases): open or closed cases, urgent first, latest change first.
create index cases_list_order on cases (status, urgent desc, updated_at desc, id);
--;
-- The overview's weekly counts and first-response times read the requests of the last twelve
-- weeks from the index alone, not from the table's pages (one page per request).
create index help_requests_created_cover on help_requests (created_at) include (id, status);
