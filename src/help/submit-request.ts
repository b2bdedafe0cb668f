import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { instanceKeys } from '../crypto/instance.ts';
import { trustNewKey, type Principal } from '../crypto/principals.ts';
import { newReceiptKeySalt, receiptKeyPair, receiptLookup } from '../crypto/receipt-keys.ts';
import { createVault } from '../crypto/vaults.ts';
import { confirmedCoordinators, userPrincipal } from '../auth/users.ts';
import type { Lang } from '../i18n/lang.ts';
import { requestContentField, type RequestContent } from './content.ts';
import type { Country, Need } from './needs.ts';
import { newReceipt } from './receipt.ts';

export type NewHelpRequest = {
  urgent: boolean;
  needs: Need[];
  country: Country | null;
  language: Lang;
  content: RequestContent;
};

/**
 * Receives a help request. Its content is sealed at once to every confirmed coordinator, to the
 * recovery key and to the receipt holder (each key checked against the instance secret first);
 * the answer is the receipt, which nothing stores.
 */
export async function submitHelpRequest(db: Db, input: NewHelpRequest): Promise<string> {
  const receipt = newReceipt();
  const { receiptSalt } = await instanceKeys(db);
  const keySalt = newReceiptKeySalt();
  const [lookup, receiptKeys] = await Promise.all([receiptLookup(receipt, receiptSalt), receiptKeyPair(receipt, keySalt)]);
  const id = randomUUID();
  await db.transaction(async (tx) => {
    const { recovery } = await instanceKeys(tx);
    const principals: Principal[] = [
      ...(await confirmedCoordinators(tx)).map(userPrincipal),
      trustNewKey('receipt', id, receiptKeys.publicKey),
    ];
    if (recovery) principals.push(recovery);
    const vault = await createVault(tx, 'request', { table: 'help_requests', id }, principals, null);
    const place = { id, created_at: new Date() };
    await tx.query(
      `insert into help_requests (id, vault_id, lookup_hash, receipt_key_salt, urgent, needs, country, language, content, waiting_since, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10)`,
      [id, vault.id, lookup, keySalt, input.urgent, input.needs, input.country, input.language, vault.seal(requestContentField, place, input.content), place.created_at],
    );
    await appendAudit(tx, null, { kind: 'request.received', requestId: id, urgent: input.urgent });
  });
  return receipt;
}
