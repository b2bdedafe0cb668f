import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import type { KeyHolder, Vault } from '../crypto/vaults.ts';
import { openCaseAccess } from '../cases/case-access.ts';
import { referralNoteField, referralNoteSchema, type EntryKind } from './content.ts';
import { entryNames, entryRow } from './queries.ts';

/**
 * Referring a case to a helper in the directory records it on the case, nothing more: Beside
 * sends nothing to anyone. The note (what was agreed, whom to ask for) is sealed in the case's
 * core vault, so only who reads the core may refer and read it.
 */
export async function referCase(db: Db, holder: KeyHolder, caseId: string, entryId: string, note: string): Promise<string | null> {
  return db.transaction(async (tx) => {
    // The case row first, then its vault, as every writer does.
    const core = (await openCaseAccess(tx, holder, caseId, 'referral', ['core'], true))?.vaults.core;
    if (!core) return null;
    const entry = await entryRow(tx, entryId, true);
    if (!entry || entry.retired_at) return null;
    const place = { id: randomUUID(), case_id: caseId, entry_id: entryId, referred_by: holder.userId, created_at: new Date() };
    await tx.query(
      'insert into case_referrals (id, case_id, entry_id, vault_id, note, referred_by, created_at) values ($1, $2, $3, $4, $5, $6, $7)',
      [place.id, caseId, entryId, core.id, note ? core.seal(referralNoteField, place, note) : null, holder.userId, place.created_at],
    );
    await tx.query('update cases set updated_at = now() where id = $1', [caseId]);
    await appendAudit(tx, holder.userId, { kind: 'case.referred', caseId, entryId, referralId: place.id, change: 'referred' });
    return place.id;
  });
}

/** Ends a referral (the helper finished, or the person stopped): it no longer counts in the helper's load. Ending it again answers the same. */
export async function endReferral(db: Db, holder: KeyHolder, caseId: string, referralId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (!(await openCaseAccess(tx, holder, caseId, 'referral', ['core'], true))?.vaults.core) return false;
    const rows = await tx.query<{ entry_id: string }>(
      'update case_referrals set ended_at = now() where id = $1 and case_id = $2 and ended_at is null returning entry_id',
      [referralId, caseId],
    );
    if (!rows[0]) {
      // Ended already: the same answer, nothing changed and nothing audited.
      return (await tx.query('select 1 from case_referrals where id = $1 and case_id = $2', [referralId, caseId])).length > 0;
    }
    await appendAudit(tx, holder.userId, { kind: 'case.referred', caseId, entryId: rows[0].entry_id, referralId, change: 'ended' });
    return true;
  });
}

export type Referral = {
  id: string;
  entryId: string;
  entryName: string;
  entryKind: EntryKind;
  referredBy: string;
  at: Date;
  endedAt: Date | null;
  /** null: no note; { ok: false }: could not be verified */
  note: { ok: true; text: string } | { ok: false } | null;
};

type ReferralRow = { id: string; case_id: string; entry_id: string; vault_id: string; note: Uint8Array | null; referred_by: string; created_at: Date; ended_at: Date | null };

/**
 * The referrals of a case, read with the case's core vault the caller opened (the case page, the
 * timeline). Without the core vault there are none to show: who a person was sent to is core.
 */
export async function referralsOfCase(tx: Queryable, caseId: string, core: Vault | undefined): Promise<Referral[]> {
  if (!core) return [];
  const rows = await tx.query<ReferralRow>(
    'select id, case_id, entry_id, vault_id, note, referred_by, created_at, ended_at from case_referrals where case_id = $1 order by created_at, id',
    [caseId],
  );
  const names = await entryNames(tx, [...new Set(rows.map((row) => row.entry_id))]);
  return rows.map((row) => {
    const opened = row.note && row.vault_id === core.id ? core.tryOpen(referralNoteField, row, row.note, referralNoteSchema) : null;
    const entry = names.get(row.entry_id);
    return {
      id: row.id,
      entryId: row.entry_id,
      entryName: entry?.name ?? '—',
      entryKind: entry?.kind ?? 'organisation',
      referredBy: row.referred_by,
      at: row.created_at,
      endedAt: row.ended_at,
      note: row.note === null ? null : opened?.ok ? { ok: true, text: opened.value } : { ok: false },
    };
  });
}

/** The case a directory page refers for: its pseudonym, when the viewer may refer it (reads its core). */
export async function referralTarget(db: Db, holder: KeyHolder, caseId: string): Promise<{ id: string; pseudonym: string; language: string } | null> {
  return db.transaction(async (tx) => {
    const access = await openCaseAccess(tx, holder, caseId, 'referral_target', ['core']);
    return access?.vaults.core ? { id: caseId, pseudonym: access.row.pseudonym, language: access.row.language } : null;
  });
}
