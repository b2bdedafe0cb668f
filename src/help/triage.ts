import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { grantVault, hasGrant, openVaultAsUser, type KeyHolder, type OpenVault } from '../crypto/vaults.ts';
import { findUserById } from '../auth/users.ts';
import type { Lang } from '../i18n/lang.ts';
import { openContent, type RequestContent } from './content.ts';
import { addMessage, listMessages, type Message } from './conversation.ts';
import type { Need, RequestStatus } from './needs.ts';

/** The plain metadata triage works with; nothing here needs a vault. */
export type RequestSummary = {
  id: string;
  urgent: boolean;
  needs: Need[];
  country: string | null;
  language: Lang;
  status: RequestStatus;
  createdAt: Date;
  waitingSince: Date | null;
  caseId: string | null;
  erasureRequested: boolean;
};

type SummaryRow = {
  id: string;
  urgent: boolean;
  needs: Need[];
  country: string | null;
  language: Lang;
  status: RequestStatus;
  created_at: Date;
  waiting_since: Date | null;
  case_id: string | null;
  erasure_requested_at: Date | null;
};

const SUMMARY = 'id, urgent, needs, country, language, status, created_at, waiting_since, case_id, erasure_requested_at';

function toSummary(row: SummaryRow): RequestSummary {
  return {
    id: row.id,
    urgent: row.urgent,
    needs: row.needs,
    country: row.country,
    language: row.language,
    status: row.status,
    createdAt: row.created_at,
    waitingSince: row.waiting_since,
    caseId: row.case_id,
    erasureRequested: row.erasure_requested_at !== null,
  };
}

export type InboxFilter = { status?: RequestStatus | 'open'; need?: Need; language?: Lang; country?: string };

/**
 * The triage queue: urgent first, then whoever has waited longest. "open" (the default) means
 * every request not yet closed or referred.
 */
export async function listInbox(db: Queryable, filter: InboxFilter, limit = 200): Promise<RequestSummary[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const status = filter.status ?? 'open';
  if (status === 'open') where.push("status in ('new', 'triage', 'accepted')");
  else where.push(`status = $${params.push(status)}`);
  if (filter.need) where.push(`$${params.push(filter.need)} = any(needs)`);
  if (filter.language) where.push(`language = $${params.push(filter.language)}`);
  if (filter.country) where.push(`country = $${params.push(filter.country)}`);
  const rows = await db.query<SummaryRow>(
    `select ${SUMMARY} from help_requests where ${where.join(' and ')}
     order by urgent desc, coalesce(waiting_since, created_at) asc limit ${Number(limit)}`,
    params,
  );
  return rows.map(toSummary);
}

export type QueueCounts = { new: number; waiting: number; urgent: number };

export async function queueCounts(db: Queryable): Promise<QueueCounts> {
  const [row] = await db.query<QueueCounts>(
    `select count(*) filter (where status = 'new')::int as new,
            count(*) filter (where waiting_since is not null and status in ('new','triage','accepted'))::int as waiting,
            count(*) filter (where urgent and status in ('new','triage','accepted'))::int as urgent
     from help_requests`,
  );
  return row ?? { new: 0, waiting: 0, urgent: 0 };
}

export type OpenedRequest = { summary: RequestSummary; vault: OpenVault; content: RequestContent | null; messages: Message[] };

/**
 * Opens a request for a staff member: only with a grant to its vault (a missing grant and a
 * missing request both answer null), and the decryption is audited.
 */
export async function openRequest(tx: Queryable, holder: KeyHolder, requestId: string): Promise<OpenedRequest | null> {
  const [row] = await tx.query<SummaryRow & { vault_id: string; content: Uint8Array | null }>(
    `select ${SUMMARY}, vault_id, content from help_requests where id = $1`,
    [requestId],
  );
  if (!row) return null;
  const vault = await openVaultAsUser(tx, holder, row.vault_id, 'request.read');
  if (!vault) return null;
  return {
    summary: toSummary(row),
    vault,
    content: row.content ? openContent(vault.key, 'help_requests', row.id, row.content) : null,
    messages: await listMessages(tx, vault, row.id, false),
  };
}

export async function replyToRequest(db: Db, holder: KeyHolder, requestId: string, body: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const opened = await openRequest(tx, holder, requestId);
    if (!opened) return false;
    await addMessage(tx, opened.vault, requestId, { kind: 'staff', userId: holder.userId }, body);
    await tx.query("update help_requests set status = 'triage' where id = $1 and status = 'new'", [requestId]);
    await appendAudit(tx, holder.userId, { kind: 'request.replied', requestId });
    return true;
  });
}

/** Holds a request for the rest of the transaction, so two coordinators cannot make two cases of it. */
export async function lockRequest(tx: Queryable, requestId: string): Promise<void> {
  await tx.query('select 1 from help_requests where id = $1 for update', [requestId]);
}

export async function erasureRequested(tx: Queryable, requestId: string): Promise<boolean> {
  const rows = await tx.query('select 1 from help_requests where id = $1 and erasure_requested_at is not null', [requestId]);
  return rows.length > 0;
}

export async function caseOfRequest(db: Queryable, requestId: string): Promise<string | null> {
  const [row] = await db.query<{ case_id: string | null }>('select case_id from help_requests where id = $1', [requestId]);
  return row?.case_id ?? null;
}

/** Changing the status needs the same grant as reading the request. */
export async function changeRequestStatus(db: Db, holder: KeyHolder, requestId: string, status: RequestStatus): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ status: RequestStatus; vault_id: string }>('select status, vault_id from help_requests where id = $1 for update', [requestId]);
    if (!row || !(await openVaultAsUser(tx, holder, row.vault_id, 'request.status'))) return false;
    if (row.status === status) return true;
    await tx.query('update help_requests set status = $2, updated_at = now() where id = $1', [requestId, status]);
    await appendAudit(tx, holder.userId, { kind: 'request.status_changed', requestId, from: row.status, to: status });
    return true;
  });
}

/**
 * Hands a request's content over to a new case (cases/ calls this inside its transaction): the
 * request keeps its conversation vault, its own copy of the content is removed.
 */
export async function releaseRequestToCase(tx: Queryable, requestId: string, caseId: string): Promise<void> {
  await tx.query("update help_requests set case_id = $2, content = null, status = 'accepted', updated_at = now() where id = $1", [requestId, caseId]);
}

/**
 * Requests are sealed to the coordinators of the day they arrive; a coordinator who joins later
 * is given access by a colleague who holds it. Answers how many requests were shared: the open
 * ones the holder can open and the colleague cannot yet (or just the one named).
 */
export async function shareRequests(db: Db, holder: KeyHolder, colleagueId: string, onlyRequestId?: string): Promise<number> {
  return db.transaction(async (tx) => {
    const colleague = await findUserById(tx, colleagueId);
    if (!colleague?.active || !colleague.roles.includes('coordinator')) return 0;
    const rows = await tx.query<{ vault_id: string }>(
      `select vault_id from help_requests
       where ($1::uuid is null and status in ('new', 'triage', 'accepted')) or id = $1::uuid order by created_at`,
      [onlyRequestId ?? null],
    );
    let shared = 0;
    for (const row of rows) {
      // Only what the holder can open, and only once: hasGrant spares an audited decryption.
      if (!(await hasGrant(tx, row.vault_id, holder.userId)) || (await hasGrant(tx, row.vault_id, colleague.id))) continue;
      const vault = await openVaultAsUser(tx, holder, row.vault_id, 'request.share');
      if (!vault) continue;
      await grantVault(tx, holder.userId, vault, { userId: colleague.id, publicKey: colleague.publicKey });
      shared++;
    }
    return shared;
  });
}

/** Shares one request; null when the holder cannot open it themselves (the same as a missing one). */
export async function shareRequest(db: Db, holder: KeyHolder, colleagueId: string, requestId: string): Promise<number | null> {
  const [row] = await db.query<{ vault_id: string }>('select vault_id from help_requests where id = $1', [requestId]);
  if (!row || !(await hasGrant(db, row.vault_id, holder.userId))) return null;
  return shareRequests(db, holder, colleagueId, requestId);
}
