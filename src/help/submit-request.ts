import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { instanceKeys } from '../crypto/instance.ts';
import { randomBytes } from '../crypto/primitives.ts';
import { createVault, type Principal } from '../crypto/vaults.ts';
import { activeUsersWithRole } from '../auth/users.ts';
import type { Lang } from '../i18n/lang.ts';
import { sealContent, type RequestContent } from './content.ts';
import type { Country, Need } from './needs.ts';
import { newReceipt } from './receipt.ts';
import { receiptKeyPair, receiptLookup } from './receipt-keys.ts';

export type NewHelpRequest = {
  urgent: boolean;
  needs: Need[];
  country: Country | null;
  language: Lang;
  content: RequestContent;
};

/**
 * Receives a help request. Its content is sealed at once to every coordinator, to the recovery
 * key and to the receipt holder; the answer is the receipt, which nothing stores.
 */
export async function submitHelpRequest(db: Db, input: NewHelpRequest): Promise<string> {
  const receipt = newReceipt();
  const { receiptSalt } = await instanceKeys(db);
  const keySalt = randomBytes(16);
  const [lookup, receiptKeys] = await Promise.all([receiptLookup(receipt, receiptSalt), receiptKeyPair(receipt, keySalt)]);
  await db.transaction(async (tx) => {
    const { recoveryPublicKey } = await instanceKeys(tx);
    const coordinators = await activeUsersWithRole(tx, 'coordinator');
    const principals: Principal[] = [
      ...coordinators.map((user) => ({ principal: 'user' as const, userId: user.id, publicKey: user.publicKey })),
      { principal: 'receipt', publicKey: receiptKeys.publicKey },
    ];
    if (recoveryPublicKey) principals.push({ principal: 'recovery', publicKey: recoveryPublicKey });
    const vault = await createVault(tx, 'request', principals, null);
    const id = randomUUID();
    await tx.query(
      `insert into help_requests (id, vault_id, lookup_hash, receipt_key_salt, receipt_public_key, urgent, needs, country, language, content, waiting_since)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())`,
      [id, vault.vaultId, lookup, keySalt, receiptKeys.publicKey, input.urgent, input.needs, input.country, input.language, sealContent(vault.key, 'help_requests', id, input.content)],
    );
    await appendAudit(tx, null, { kind: 'request.received', requestId: id, urgent: input.urgent });
  });
  return receipt;
}
