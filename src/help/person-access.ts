import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { instanceKeys } from '../crypto/instance.ts';
import { randomBytes } from '../crypto/primitives.ts';
import { openVaultAs, type OpenVault } from '../crypto/vaults.ts';
import type { RequestStatus } from './needs.ts';
import { normaliseReceipt } from './receipt.ts';
import { receiptKeyPair, receiptLookup } from './receipt-keys.ts';
import { addMessage, listMessages, type Message } from './conversation.ts';

/** What the person sees at /help/status: the state, and the conversation from their side. */
export type PersonView = { status: RequestStatus; messages: Message[]; erasureRequested: boolean };

type Opened = { requestId: string; vault: OpenVault; status: RequestStatus; caseId: string | null; erasureRequested: boolean };

/** Finds the request a receipt names and opens its vault with the receipt; null for any wrong receipt. */
async function openWithReceipt(db: Db, tx: Queryable, typed: string): Promise<Opened | null> {
  const receipt = normaliseReceipt(typed);
  if (!receipt) return null;
  const lookup = await receiptLookup(receipt, (await instanceKeys(db)).receiptSalt);
  const [row] = await tx.query<{
    id: string;
    vault_id: string;
    receipt_key_salt: Uint8Array;
    status: RequestStatus;
    case_id: string | null;
    erasure_requested_at: Date | null;
  }>('select id, vault_id, receipt_key_salt, status, case_id, erasure_requested_at from help_requests where lookup_hash = $1', [lookup]);
  if (!row) return null;
  const vault = await openVaultAs(tx, 'receipt', await receiptKeyPair(receipt, row.receipt_key_salt), row.vault_id, 'receipt');
  if (!vault) return null;
  return { requestId: row.id, vault, status: row.status, caseId: row.case_id, erasureRequested: row.erasure_requested_at !== null };
}

export async function viewAsPerson(db: Db, receipt: string): Promise<PersonView | null> {
  return db.transaction(async (tx) => {
    const opened = await openWithReceipt(db, tx, receipt);
    if (!opened) return null;
    return { status: opened.status, messages: await listMessages(tx, opened.vault, opened.requestId, true), erasureRequested: opened.erasureRequested };
  });
}

export async function writeAsPerson(db: Db, receipt: string, body: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const opened = await openWithReceipt(db, tx, receipt);
    if (!opened) return false;
    await addMessage(tx, opened.vault, opened.requestId, { kind: 'person' }, body);
    return true;
  });
}

/** The person removes the conversation from their side; the association keeps it. */
export async function hideConversation(db: Db, receipt: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const opened = await openWithReceipt(db, tx, receipt);
    if (!opened) return false;
    await tx.query('update messages set hidden_from_person = true where request_id = $1', [opened.requestId]);
    return true;
  });
}

/**
 * The person asks for everything about them to be erased. A request that is not yet a case is
 * erased at once: its content, its conversation and every key to its vault. A case needs the
 * team (some records may have to be kept for an asylum claim), so it is flagged for them.
 */
export async function eraseAsPerson(db: Db, receipt: string): Promise<'erased' | 'requested' | null> {
  return db.transaction(async (tx) => {
    const opened = await openWithReceipt(db, tx, receipt);
    if (!opened) return null;
    await appendAudit(tx, null, { kind: 'request.erasure_requested', requestId: opened.requestId });
    if (opened.caseId) {
      await tx.query('update help_requests set erasure_requested_at = coalesce(erasure_requested_at, now()) where id = $1', [opened.requestId]);
      return 'requested';
    }
    await tx.query('delete from messages where request_id = $1', [opened.requestId]);
    await tx.query('delete from vault_keys where vault_id = $1', [opened.vault.vaultId]);
    await tx.query(
      `update help_requests set content = null, status = 'closed', erasure_requested_at = now(), waiting_since = null,
         lookup_hash = $2, updated_at = now() where id = $1`,
      [opened.requestId, randomBytes(32)],
    );
    return 'erased';
  });
}
