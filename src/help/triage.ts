import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { Principal } from '../crypto/principals.ts';
import { grantVault, hasGrant, openVaultAsUser, rotateVault, userHolders, type KeyHolder, type Opened, type Vault } from '../crypto/vaults.ts';
import { confirmedCoordinators, userPrincipal, verifiedUser } from '../auth/users.ts';
import type { Lang } from '../i18n/lang.ts';
import { requestContentField, requestContentSchema, type RequestContent } from './content.ts';
import { addMessage, listMessages, type Message } from './conversation.ts';
import type { Need, RequestStatus, StoredRequestStatus } from './needs.ts';
import { HAS_NEWS } from './read-marks.ts';
import { ASSOCIATION_ZONE } from '../cases/procedure-days.ts';

/** The plain metadata triage works with; nothing here needs a vault. */
export type RequestSummary = {
  id: string;
  urgent: boolean;
  needs: Need[];
  country: string | null;
  language: Lang | null;
  status: StoredRequestStatus;
  createdAt: Date;
  waitingSince: Date | null;
  caseId: string | null;
  erasureRequested: boolean;
  /** The last time the person opened the request with their code for danger (src/help/duress.ts). */
  coercedAt: Date | null;
};

type SummaryRow = {
  id: string;
  urgent: boolean | null;
  needs: Need[] | null;
  country: string | null;
  language: Lang | null;
  status: StoredRequestStatus;
  created_at: Date;
  waiting_since: Date | null;
  case_id: string | null;
  erasure_requested_at: Date | null;
  coerced_at: Date | null;
};

const SUMMARY = 'id, urgent, needs, country, language, status, created_at, waiting_since, case_id, erasure_requested_at, coerced_at';

function toSummary(row: SummaryRow): RequestSummary {
  return {
    id: row.id,
    urgent: row.urgent ?? false,
    needs: row.needs ?? [],
    country: row.country,
    language: row.language,
    status: row.status,
    createdAt: row.created_at,
    waitingSince: row.waiting_since,
    caseId: row.case_id,
    erasureRequested: row.erasure_requested_at !== null,
    coercedAt: row.coerced_at,
  };
}

/** Requests that became cases belong to their case's team: the inbox leaves them out unless asked. */
export const CASE_FILTERS = ['without', 'only', 'all'] as const;
export type CaseFilter = (typeof CASE_FILTERS)[number];

export type InboxFilter = {
  status?: RequestStatus | 'open';
  need?: Need;
  language?: Lang;
  country?: string;
  cases?: CaseFilter;
  /** the start of the request's id: the short reference the inbox shows, without its "#" */
  ref?: string;
  /** whose live claim holds the request: claimed by the user after the given time (claims lapse) */
  claimedBy?: { userId: string; after: Date };
  /** received on or after / on or before these days, in the association's time zone (YYYY-MM-DD) */
  from?: string;
  to?: string;
};

/** Still being triaged: not closed or referred, and not (yet) a case. */
const OPEN_FOR_TRIAGE = "case_id is null and status in ('new', 'triage', 'accepted')";

/**
 * The triage queue: urgent first, then whoever has waited longest. "open" (the default) means
 * every request not yet closed or referred; requests that became cases are left out by default.
 */
export async function listInbox(db: Queryable, filter: InboxFilter, limit = 200, offset = 0): Promise<RequestSummary[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const status = filter.status ?? 'open';
  if (status === 'open') where.push("status in ('new', 'triage', 'accepted')");
  else where.push(`status = $${params.push(status)}`);
  const cases = filter.cases ?? 'without';
  if (cases === 'without') where.push('case_id is null');
  if (cases === 'only') where.push('case_id is not null');
  if (filter.need) where.push(`$${params.push(filter.need)} = any(needs)`);
  if (filter.language) where.push(`language = $${params.push(filter.language)}`);
  if (filter.country) where.push(`country = $${params.push(filter.country)}`);
  // Plain metadata only, on indexes: nothing is decrypted to find a request.
  if (filter.ref) where.push(`id::text like $${params.push(filter.ref)} || '%'`);
  if (filter.claimedBy) where.push(`claimed_by = $${params.push(filter.claimedBy.userId)} and claimed_at > $${params.push(filter.claimedBy.after)}`);
  if (filter.from) where.push(`created_at >= ($${params.push(filter.from)}::date)::timestamp at time zone '${ASSOCIATION_ZONE}'`);
  if (filter.to) where.push(`created_at < ($${params.push(filter.to)}::date + 1)::timestamp at time zone '${ASSOCIATION_ZONE}'`);
  const rows = await db.query<SummaryRow>(
    `select ${SUMMARY} from help_requests where ${where.join(' and ')}
     order by urgent desc, coalesce(waiting_since, created_at) asc, id limit ${Number(limit)} offset ${Number(offset)}`,
    params,
  );
  return rows.map(toSummary);
}

/** `news`: requests with a message from the person that nobody on the team has read yet. */
export type QueueCounts = { new: number; waiting: number; urgent: number; news: number };

/** The counts above the inbox, over the same requests as its default view. */
export async function queueCounts(db: Queryable): Promise<QueueCounts> {
  const [row] = await db.query<QueueCounts>(
    `select count(*) filter (where status = 'new')::int as new,
            count(*) filter (where waiting_since is not null)::int as waiting,
            count(*) filter (where urgent)::int as urgent,
            count(*) filter (where ${HAS_NEWS('help_requests')})::int as news
     from help_requests where ${OPEN_FOR_TRIAGE}`,
  );
  return row ?? { new: 0, waiting: 0, urgent: 0, news: 0 };
}

export type OpenedRequest = { summary: RequestSummary; vault: Vault; content: Opened<RequestContent> | null; messages: Message[] };

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
    content: row.content ? vault.tryOpen(requestContentField, row, row.content, requestContentSchema) : null,
    messages: await listMessages(tx, vault, row.id, false),
  };
}

/** A reply from the team; answers the request's case (if any) for the page to return to, or null when refused. */
export async function replyToRequest(db: Db, holder: KeyHolder, requestId: string, body: string): Promise<{ caseId: string | null } | null> {
  return db.transaction(async (tx) => {
    // Locks in one order everywhere: the request's row, then its vault (a rotation takes the vault
    // exclusively while holding the row; taking them the other way round would deadlock).
    await lockRequest(tx, requestId);
    const opened = await openRequest(tx, holder, requestId);
    if (!opened) return null;
    await addMessage(tx, opened.vault, requestId, { kind: 'staff', userId: holder.userId }, body);
    await tx.query("update help_requests set status = 'triage' where id = $1 and status = 'new'", [requestId]);
    await appendAudit(tx, holder.userId, { kind: 'request.replied', requestId });
    return { caseId: opened.summary.caseId };
  });
}

/** Holds a request for the rest of the transaction, so two coordinators cannot make two cases of it. */
export async function lockRequest(tx: Queryable, requestId: string): Promise<void> {
  await tx.query('select 1 from help_requests where id = $1 for update', [requestId]);
}

/** The requests that are part of a case, oldest first (a case may join several of one person's requests). */
export async function requestsOfCase(tx: Queryable, caseId: string): Promise<RequestSummary[]> {
  const rows = await tx.query<SummaryRow>(`select ${SUMMARY} from help_requests where case_id = $1 order by created_at`, [caseId]);
  return rows.map(toSummary);
}

/** The cases that requests whose id starts with `ref` became (the short reference the inbox shows). */
export async function casesOfRequestRef(db: Queryable, ref: string): Promise<string[]> {
  const rows = await db.query<{ case_id: string }>(
    "select distinct case_id from help_requests where id::text like $1 || '%' and case_id is not null limit 100",
    [ref],
  );
  return rows.map((row) => row.case_id);
}

/** The cases (of those named) whose person wrote last and waits for an answer: plain metadata, for case lists. */
export async function casesWaitingForAnswer(tx: Queryable, caseIds: string[]): Promise<Set<string>> {
  if (caseIds.length === 0) return new Set();
  const rows = await tx.query<{ case_id: string }>(
    'select distinct case_id from help_requests where case_id = any($1::uuid[]) and waiting_since is not null',
    [caseIds],
  );
  return new Set(rows.map((row) => row.case_id));
}

/** Changing the status needs the same grant as reading the request. */
export async function changeRequestStatus(db: Db, holder: KeyHolder, requestId: string, status: RequestStatus): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ status: StoredRequestStatus; vault_id: string }>('select status, vault_id from help_requests where id = $1 for update', [requestId]);
    if (!row || row.status === 'erased' || !(await openVaultAsUser(tx, holder, row.vault_id, 'request.status'))) return false;
    if (row.status === status) return true;
    await tx.query('update help_requests set status = $2, updated_at = now() where id = $1', [requestId, status]);
    await appendAudit(tx, holder.userId, { kind: 'request.status_changed', requestId, from: row.status, to: status });
    return true;
  });
}

/**
 * Moves a request into a case (cases/ calls this inside its transaction, with the request
 * locked): the conversation follows the case. Its vault is rotated so that only the case team,
 * the receipt holder and the recovery key hold the new key; coordinators who were sealed the
 * request when it arrived but are not on the team cannot read or write it any more. The request's
 * own copy of what the person wrote is removed and handed to the case. Null when the holder may
 * not open the request, or it already belongs to a case.
 */
export async function moveRequestIntoCase(
  tx: Queryable,
  holder: KeyHolder,
  requestId: string,
  caseId: string,
  team: Principal[],
): Promise<{ summary: RequestSummary; content: RequestContent } | null> {
  const opened = await openRequest(tx, holder, requestId);
  if (!opened || opened.summary.caseId || opened.summary.status === 'erased') return null;
  const content = opened.content?.ok ? opened.content.value : {};
  await tx.query("update help_requests set case_id = $2, content = null, status = 'accepted', updated_at = now() where id = $1", [requestId, caseId]);
  const outsideTeam = (principal: { kind: string }) => principal.kind === 'receipt' || principal.kind === 'recovery';
  await rotateVault(tx, holder.userId, opened.vault, outsideTeam, team);
  return { summary: opened.summary, content };
}

/** Opens the conversation vaults of a case's requests for a team member (null for those they do not hold). */
export async function openConversation(tx: Queryable, holder: KeyHolder, requestId: string): Promise<OpenedRequest | null> {
  return openRequest(tx, holder, requestId);
}

/** Seals a case's conversations to a colleague joining the team, by a member who holds them. */
export async function shareConversation(tx: Queryable, holder: KeyHolder, requestId: string, colleague: Principal): Promise<boolean> {
  const [row] = await tx.query<{ vault_id: string }>('select vault_id from help_requests where id = $1', [requestId]);
  if (!row) return false;
  const vault = await openVaultAsUser(tx, holder, row.vault_id, 'request.share');
  return vault ? grantVault(tx, holder.userId, vault, colleague) : false;
}

/** Takes a colleague off a case's conversations: their copy of the key is removed and the key replaced. */
export async function withdrawConversation(tx: Queryable, holder: KeyHolder, requestId: string, userId: string): Promise<void> {
  const [row] = await tx.query<{ vault_id: string }>('select vault_id from help_requests where id = $1', [requestId]);
  if (!row) return;
  const vault = await openVaultAsUser(tx, holder, row.vault_id, 'request.rotate');
  if (vault) await rotateVault(tx, holder.userId, vault, (principal) => !(principal.kind === 'user' && principal.ref === userId));
}

/**
 * The requests a coordinator may give a colleague (or just the one named): those still in triage.
 * Requests that became cases belong to their case's team and are never shared here.
 */
async function shareableRequests(tx: Queryable, onlyRequestId?: string): Promise<{ vault_id: string }[]> {
  return tx.query<{ vault_id: string }>(
    `select vault_id from help_requests where ${OPEN_FOR_TRIAGE} and ($1::uuid is null or id = $1::uuid) order by created_at`,
    [onlyRequestId ?? null],
  );
}

export type ColleagueLacking = { id: string; displayName: string; missing: number };

/**
 * The confirmed coordinators (the holder aside) who cannot read some of the requests the holder
 * could share with them, and how many: what the "give a colleague access" box offers. It reads
 * who holds which key and opens nothing.
 */
export async function colleaguesLackingAccess(db: Queryable, holderUserId: string, onlyRequestId?: string): Promise<ColleagueLacking[]> {
  const vaultIds = (await shareableRequests(db, onlyRequestId)).map((row) => row.vault_id);
  const holders = await userHolders(db, vaultIds);
  const mine = vaultIds.filter((id) => holders.get(id)?.has(holderUserId));
  if (mine.length === 0) return [];
  return (await confirmedCoordinators(db, holderUserId))
    .filter((user) => user.id !== holderUserId)
    .map((user) => ({ id: user.id, displayName: user.displayName, missing: mine.filter((id) => !holders.get(id)?.has(user.id)).length }))
    .filter((colleague) => colleague.missing > 0);
}

/**
 * Requests are sealed to the coordinators of the day they arrive; a coordinator who joins later
 * is given access by a colleague who holds it. Answers how many requests were shared: the open
 * ones the holder can open and the colleague cannot yet (or just the one named).
 */
export async function shareRequests(db: Db, holder: KeyHolder, colleagueId: string, onlyRequestId?: string): Promise<number> {
  return db.transaction(async (tx) => {
    const colleague = await verifiedUser(tx, colleagueId, holder.userId);
    if (!colleague?.confirmedCoordinator) return 0;
    const rows = await shareableRequests(tx, onlyRequestId);
    let shared = 0;
    for (const row of rows) {
      // Only what the holder can open, and only once: hasGrant spares an audited decryption.
      if (!(await hasGrant(tx, row.vault_id, holder.userId)) || (await hasGrant(tx, row.vault_id, colleague.id))) continue;
      const vault = await openVaultAsUser(tx, holder, row.vault_id, 'request.share');
      if (!vault) continue;
      if (await grantVault(tx, holder.userId, vault, userPrincipal(colleague))) shared++;
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
