import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { Principal } from '../crypto/principals.ts';
import { grantGaps } from '../crypto/grant-gaps.ts';
import { grantVault, hasGrant, openVaultAsUser, rotateVault, type KeyHolder, type Opened, type Vault } from '../crypto/vaults.ts';
import { confirmedCoordinators, userPrincipal, verifiedUser } from '../auth/users.ts';
import type { Lang } from '../i18n/lang.ts';
import { requestContentField, requestContentSchema, type RequestContent } from './content.ts';
import { addMessage, listMessages, type Message } from './conversation.ts';
import type { Need, RequestStatus, StoredRequestStatus } from './needs.ts';

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

export type SummaryRow = {
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

export const SUMMARY = 'id, urgent, needs, country, language, status, created_at, waiting_since, case_id, erasure_requested_at, coerced_at';

export function toSummary(row: SummaryRow): RequestSummary {
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

/** Still being triaged: not closed or referred, and not (yet) a case. */
export const OPEN_FOR_TRIAGE = "case_id is null and status in ('new', 'triage', 'accepted')";

/** Counts of the requests in triage stop here: "more than 999" is all a coordinator needs, and costs no more to say. */
export const COUNT_CAP = 1000;

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
 * who holds which key and opens nothing; each count stops at COUNT_CAP. Its cost follows the
 * requests in triage (two index look-ups each per colleague), not every request there is.
 */
export async function colleaguesLackingAccess(db: Queryable, holderUserId: string, onlyRequestId?: string): Promise<ColleagueLacking[]> {
  // Nobody to give access to (one coordinator): nothing to read.
  const colleagues = (await confirmedCoordinators(db, holderUserId)).filter((user) => user.id !== holderUserId);
  if (colleagues.length === 0) return [];
  const vaultIds = (await shareableRequests(db, onlyRequestId)).map((row) => row.vault_id);
  const gaps = await grantGaps(db, holderUserId, colleagues.map((user) => user.id), vaultIds, COUNT_CAP);
  return colleagues.filter((user) => gaps.has(user.id)).map((user) => ({ id: user.id, displayName: user.displayName, missing: gaps.get(user.id)! }));
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
