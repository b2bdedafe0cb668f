import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { hashToken, randomToken } from '../crypto/tokens.ts';
import { openVaultAs, shredVault, type Vault } from '../crypto/vaults.ts';
import type { RequestStatus } from './needs.ts';
import { addMessage, listMessages, type Message } from './conversation.ts';
import { forgetPostOf } from './repeated-posts.ts';
import { forgetLookups, holderOfCode, retireLookup, type CodeHolder } from './receipt-lookups.ts';
import { innocentView, markCoerced } from './duress.ts';
import { recordErasure, type ErasureCause } from './erasures.ts';

/** What the person sees at /help/status: the state, and the conversation from their side. */
export type PersonView = { status: RequestStatus; messages: Message[]; erasureRequested: boolean };

type Opened = { requestId: string; vault: Vault; status: RequestStatus; caseId: string | null; erasureRequested: boolean };

/** Opens the request's vault with the receipt holder's key, inside the caller's transaction. */
async function openAsHolder(tx: Queryable, holder: CodeHolder): Promise<Opened | null> {
  const [row] = await tx.query<{ id: string; vault_id: string; status: RequestStatus; case_id: string | null; erasure_requested_at: Date | null }>(
    'select id, vault_id, status, case_id, erasure_requested_at from help_requests where id = $1 for update',
    [holder.requestId],
  );
  if (!row) return null;
  const vault = await openVaultAs(tx, 'receipt', row.id, holder.keys, row.vault_id, 'receipt');
  if (!vault) return null;
  return { requestId: row.id, vault, status: row.status, caseId: row.case_id, erasureRequested: row.erasure_requested_at !== null };
}

/**
 * Runs fn with the request opened by the receipt, in one transaction; null for a wrong code. The
 * duress code (src/help/duress.ts) runs `underDuress` instead: the request is marked, and the
 * answer is the innocent one the caller gives, never anything of the request.
 */
async function withReceipt<T>(
  db: Db,
  receipt: string,
  fn: (tx: Queryable, opened: Opened) => Promise<T>,
  underDuress: (tx: Queryable, holder: CodeHolder) => Promise<T>,
): Promise<T | null> {
  const holder = await holderOfCode(db, receipt);
  if (!holder) return null;
  return db.transaction(async (tx) => {
    if (holder.kind === 'duress') {
      await markCoerced(tx, holder.requestId);
      return underDuress(tx, holder);
    }
    const opened = await openAsHolder(tx, holder);
    return opened ? fn(tx, opened) : null;
  });
}

const innocently = (written?: string) => async () => innocentView(written);

async function viewOf(tx: Queryable, opened: Opened): Promise<PersonView> {
  return {
    status: opened.status,
    messages: await listMessages(tx, opened.vault, opened.requestId, true),
    erasureRequested: opened.erasureRequested,
  };
}

export async function viewAsPerson(db: Db, receipt: string): Promise<PersonView | null> {
  return withReceipt(db, receipt, viewOf, innocently());
}

/**
 * The person writes more; answers what they see afterwards, or null for a wrong receipt. The
 * write form carries a one-time token: the same form posted again (a reload, a double tap) finds
 * its message already there and adds nothing. The request's row is locked while this runs, so two
 * identical posts at once are one after the other.
 */
export async function writeAsPerson(db: Db, receipt: string, body: string, token?: string): Promise<PersonView | null> {
  const tokenHash = token ? hashToken(token) : null;
  return withReceipt(db, receipt, async (tx, opened) => {
    const repeated = tokenHash
      ? (await tx.query('select 1 from messages where request_id = $1 and person_token_hash = $2', [opened.requestId, tokenHash])).length > 0
      : false;
    if (!repeated) await addMessage(tx, opened.vault, opened.requestId, { kind: 'person' }, body, tokenHash);
    return viewOf(tx, opened);
  }, innocently(body));
}

/** A new one-time token for the status page's write form. */
export function newWriteToken(): string {
  return randomToken();
}

/** The person removes the conversation from their side; the association keeps it. */
export async function hideConversation(db: Db, receipt: string): Promise<PersonView | null> {
  return withReceipt(db, receipt, async (tx, opened) => {
    await tx.query('update messages set hidden_from_person = true where request_id = $1', [opened.requestId]);
    return viewOf(tx, opened);
  }, innocently());
}

/**
 * The person asks for everything about them to be erased. A request that is not yet a case is
 * erased at once: its vault is shredded (content, conversation and every key) and its metadata
 * cleared, so only the fact that a request existed and its dates remain, for the counts. A case
 * needs the team (some records may have to be kept for an asylum claim), so it is flagged for them.
 */
export type Erasure = { kind: 'erased' } | { kind: 'requested'; view: PersonView };

export async function eraseAsPerson(db: Db, receipt: string): Promise<Erasure | null> {
  return withReceipt(db, receipt, async (tx, opened) => {
    await appendAudit(tx, null, { kind: 'request.erasure_requested', requestId: opened.requestId });
    if (opened.caseId) {
      await tx.query('update help_requests set erasure_requested_at = coalesce(erasure_requested_at, now()) where id = $1', [opened.requestId]);
      return { kind: 'requested', view: await viewOf(tx, { ...opened, erasureRequested: true }) };
    }
    await eraseRequestRecord(tx, null, opened.requestId, opened.vault.id, 'person');
    return { kind: 'erased' };
  }, async (tx, holder) => {
    // Answered as an erasure, so the duress code then finds nothing, as an erased receipt would.
    await retireLookup(tx, holder.lookup);
    return { kind: 'erased' } as const;
  });
}

/**
 * Erases a request that is not a case (the person's wish, or retention after 60 quiet days): its
 * vault is shredded, its codes and post forgotten, its metadata cleared; only its dates remain,
 * with a tombstone so that a restore of an older backup erases it again.
 */
export async function eraseRequestRecord(tx: Queryable, actorUserId: string | null, requestId: string, vaultId: string, cause: ErasureCause): Promise<void> {
  const [row] = await tx.query<{ created_at: Date }>('select created_at from help_requests where id = $1', [requestId]);
  await shredVault(tx, actorUserId, vaultId);
  await forgetPostOf(tx, requestId);
  await forgetLookups(tx, requestId);
  await tx.query(
    `update help_requests set content = null, status = 'erased', urgent = null, needs = null, country = null, language = null,
       erasure_requested_at = coalesce(erasure_requested_at, now()), waiting_since = null, claimed_by = null, claimed_at = null, updated_at = now() where id = $1`,
    [requestId],
  );
  if (row) await recordErasure(tx, requestId, 'request', row.created_at, cause);
}
