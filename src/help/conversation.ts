import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/client.ts';
import type { Vault } from '../crypto/vaults.ts';
import { messageBodyField, messageTextSchema } from './content.ts';

/** A message as read back; `body` is null when it could not be verified (changed in the database). */
export type Message = { id: string; author: 'person' | 'staff'; staffUserId: string | null; body: string | null; at: Date };

export type Author = { kind: 'person' } | { kind: 'staff'; userId: string };

/**
 * Adds a message to a request's conversation, sealed in the conversation's vault with its
 * metadata bound. The request's "waiting since" follows who spoke last: the person waits after
 * writing, not after an answer. A message the person wrote carries the hash of its form's
 * one-time token, so the same form posted again is recognised (see writeAsPerson).
 */
export async function addMessage(tx: Queryable, vault: Vault, requestId: string, author: Author, body: string, personTokenHash: Uint8Array | null = null): Promise<void> {
  const place = {
    id: randomUUID(),
    request_id: requestId,
    author: author.kind,
    staff_user_id: author.kind === 'staff' ? author.userId : null,
    created_at: new Date(),
  };
  await tx.query(
    `insert into messages (id, request_id, vault_id, author, staff_user_id, body, created_at, person_token_hash)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [place.id, requestId, vault.id, place.author, place.staff_user_id, vault.seal(messageBodyField, place, body), place.created_at, personTokenHash],
  );
  await tx.query(
    author.kind === 'person'
      ? 'update help_requests set waiting_since = coalesce(waiting_since, now()), updated_at = now() where id = $1'
      : 'update help_requests set waiting_since = null, updated_at = now() where id = $1',
    [requestId],
  );
}

type MessageRow = { id: string; request_id: string; author: 'person' | 'staff'; staff_user_id: string | null; body: Uint8Array; created_at: Date };

export async function listMessages(tx: Queryable, vault: Vault, requestId: string, forPerson: boolean): Promise<Message[]> {
  const rows = await tx.query<MessageRow>(
    `select id, request_id, author, staff_user_id, body, created_at from messages
     where request_id = $1 and vault_id = $2 ${forPerson ? 'and not hidden_from_person' : ''} order by created_at, id`,
    [requestId, vault.id],
  );
  return rows.map((row) => {
    const opened = vault.tryOpen(messageBodyField, row, row.body, messageTextSchema);
    return { id: row.id, author: row.author, staffUserId: row.staff_user_id, body: opened.ok ? opened.value : null, at: row.created_at };
  });
}
