import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { openVaultAsUser, shredVault, type KeyHolder } from '../crypto/vaults.ts';
import { todayIn } from '../i18n/days.ts';
import { giftMessageField, giftMessageSchema, type GiftMessageContent } from './gift-content.ts';
import { shownState, type GiftState } from './gift-queries.ts';

/**
 * Public messages that come with gifts. Each waits, sealed to the editors, until one of them
 * approves or rejects it; its vault is then shredded. An approved message (with the name to show,
 * or none for "anonymous") is copied to published_gift_messages: what is public is public.
 */
export type WaitingMessage = { id: string; submittedOn: string; giftState: GiftState; content: GiftMessageContent | 'locked' | 'unverified' };

type MessageRow = { id: string; gift_id: string; vault_id: string; content: Uint8Array | null; submitted_on: string; gift_state: 'pledged' | 'received'; expires_on: string | null };

const place = (row: MessageRow) => ({ id: row.id, gift_id: row.gift_id, submitted_on: row.submitted_on });

/** The oldest waiting messages, each opened with the editor's key (every opening audited). */
export async function listWaitingMessages(db: Db, holder: KeyHolder, limit = 20): Promise<WaitingMessage[]> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<MessageRow>(
      `select m.id, m.gift_id, m.vault_id, m.content, m.submitted_on, g.state as gift_state, g.expires_on
         from gift_messages m join gifts g on g.id = m.gift_id
        where m.state = 'waiting' order by m.submitted_on, m.id limit $1`,
      [limit],
    );
    const shown: WaitingMessage[] = [];
    for (const row of rows) {
      const vault = await openVaultAsUser(tx, holder, row.vault_id, 'gift-message.review');
      let content: WaitingMessage['content'] = 'locked';
      if (vault && row.content) {
        const opened = vault.tryOpen(giftMessageField, place(row), row.content, giftMessageSchema);
        content = opened.ok ? opened.value : 'unverified';
      }
      shown.push({ id: row.id, submittedOn: row.submitted_on, giftState: shownState(row.gift_state, row.expires_on), content });
    }
    return shown;
  });
}

export type Decision = 'approve' | 'reject';

/**
 * Approves or rejects a waiting message. Null when the editor may not decide it: no such message,
 * one decided already, or one their key does not open (an editor decides only what they read).
 */
export async function decideGiftMessage(db: Db, holder: KeyHolder, messageId: string, decision: Decision): Promise<Decision | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<MessageRow>(
      `select m.id, m.gift_id, m.vault_id, m.content, m.submitted_on, 'pledged' as gift_state, null as expires_on
         from gift_messages m where m.id = $1 and m.state = 'waiting' for update`,
      [messageId],
    );
    if (!row?.content) return null;
    const vault = await openVaultAsUser(tx, holder, row.vault_id, 'gift-message.decide');
    if (!vault) return null;
    const opened = vault.tryOpen(giftMessageField, place(row), row.content, giftMessageSchema);
    if (!opened.ok) return null;
    const today = todayIn();
    if (decision === 'approve') await publish(tx, row.id, opened.value, today);
    await tx.query('update gift_messages set state = $2, decided_by = $3, decided_on = $4 where id = $1', [
      row.id,
      decision === 'approve' ? 'approved' : 'rejected',
      holder.userId,
      today,
    ]);
    // Decided, the sealed copy has no use left: what was approved is public, the rest is gone.
    await shredVault(tx, holder.userId, row.vault_id);
    await appendAudit(tx, holder.userId, { kind: 'gift.message_decided', giftId: row.gift_id, messageId: row.id, decision: decision === 'approve' ? 'approved' : 'rejected' });
    return decision;
  });
}

async function publish(tx: Queryable, messageId: string, content: GiftMessageContent, today: string): Promise<void> {
  await tx.query('insert into published_gift_messages (gift_message_id, shown_name, message, published_on) values ($1, $2, $3, $4)', [
    messageId,
    content.name,
    content.message,
    today,
  ]);
}

/** A message as the public sees it: the name shown (null: "anonymous"), the text and the day. */
export type PublishedGiftMessage = { name: string | null; message: string; publishedOn: string };

/** The newest approved messages, for the campaign's home page. */
export async function recentGiftMessages(db: Queryable, limit: number): Promise<PublishedGiftMessage[]> {
  const rows = await db.query<{ shown_name: string | null; message: string; published_on: string }>(
    'select shown_name, message, published_on from published_gift_messages order by seq desc limit $1',
    [limit],
  );
  return rows.map((row) => ({ name: row.shown_name, message: row.message, publishedOn: row.published_on }));
}
