import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/client.ts';
import type { OpenVault } from '../crypto/vaults.ts';
import { openMessage, sealMessage } from './content.ts';

export type Message = { id: string; author: 'person' | 'staff'; staffUserId: string | null; body: string; at: Date };

/**
 * Adds a message to a request's conversation, encrypted in the request's vault. The request's
 * "waiting since" follows who spoke last: the person waits after writing, not after an answer.
 */
export async function addMessage(
  tx: Queryable,
  vault: OpenVault,
  requestId: string,
  author: { kind: 'person' } | { kind: 'staff'; userId: string },
  body: string,
): Promise<void> {
  const id = randomUUID();
  await tx.query('insert into messages (id, request_id, author, staff_user_id, body) values ($1, $2, $3, $4, $5)', [
    id,
    requestId,
    author.kind,
    author.kind === 'staff' ? author.userId : null,
    sealMessage(vault.key, id, body),
  ]);
  await tx.query(
    author.kind === 'person'
      ? 'update help_requests set waiting_since = coalesce(waiting_since, now()), updated_at = now() where id = $1'
      : 'update help_requests set waiting_since = null, updated_at = now() where id = $1',
    [requestId],
  );
}

export async function listMessages(tx: Queryable, vault: OpenVault, requestId: string, forPerson: boolean): Promise<Message[]> {
  const rows = await tx.query<{ id: string; author: 'person' | 'staff'; staff_user_id: string | null; body: Uint8Array; created_at: Date }>(
    `select id, author, staff_user_id, body, created_at from messages
     where request_id = $1 ${forPerson ? 'and not hidden_from_person' : ''} order by created_at, id`,
    [requestId],
  );
  return rows.map((row) => ({
    id: row.id,
    author: row.author,
    staffUserId: row.staff_user_id,
    body: openMessage(vault.key, row.id, row.body),
    at: row.created_at,
  }));
}
