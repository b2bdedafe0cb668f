import { z } from 'zod';
import type { Db, Queryable } from '../db/client.ts';
import { openVaultAsUser, type KeyHolder, type Opened } from '../crypto/vaults.ts';
import { isConfirmedCoordinator } from '../auth/users.ts';
import { onJob } from '../notify/job-handlers.ts';
import { memberRole, teamsOf } from './case-members.ts';
import { caseContentField, caseContentSchema, type CaseContent } from './content.ts';
import { endBreakGlass, holdsCase, myBreakGlass, type BreakGlassRecord } from './break-glass.ts';

/** The break-glass page of a case, for a confirmed coordinator who is not on it. */
export type BreakGlassView = {
  caseId: string;
  pseudonym: string;
  /** they may ask (no open request, not on the case) */
  mayAsk: boolean;
  /** on the case's team: the case page is theirs, break-glass is not */
  onTeam: boolean;
  mine: BreakGlassRecord | null;
  /** the core, while an approved access lasts; null otherwise */
  content: Opened<CaseContent> | null;
};

function isLive(record: BreakGlassRecord | null, now: Date): boolean {
  return record?.status === 'approved' && record.expiresAt !== null && record.expiresAt > now;
}

/**
 * Opens the page: null for anyone who is not a confirmed coordinator, or for a missing case (the
 * same answer). While an approved access lasts, the core is opened (audited); once it expires,
 * nothing is, even before the job has revoked the grant.
 */
export async function openBreakGlassView(db: Db, holder: KeyHolder, caseId: string, now: Date = new Date()): Promise<BreakGlassView | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ pseudonym: string; core_vault_id: string; content: Uint8Array | null; created_at: Date }>(
      'select pseudonym, core_vault_id, content, created_at from cases where id = $1',
      [caseId],
    );
    if (!row || !(await isConfirmedCoordinator(tx, holder.userId))) return null;
    const mine = await myBreakGlass(tx, holder, caseId, now);
    let content: Opened<CaseContent> | null = null;
    if (isLive(mine, now)) {
      const core = await openVaultAsUser(tx, holder, row.core_vault_id, 'case.break_glass.read');
      if (core) content = row.content ? core.tryOpen(caseContentField, { id: caseId, created_at: row.created_at }, row.content, caseContentSchema) : { ok: true, value: caseContentSchema.parse({}) };
    }
    const open = mine?.status === 'pending' || isLive(mine, now);
    const onTeam = (await memberRole(tx, caseId, holder.userId)) !== null;
    const mayAsk = !open && !onTeam && !(await holdsCase(tx, holder.userId, caseId, row.core_vault_id));
    return { caseId, pseudonym: row.pseudonym, mayAsk, onTeam, mine, content };
  });
}

export type BreakGlassNotice = { id: string; caseId: string; pseudonym: string; requesterId: string; approvedBy: string | null; at: Date; expiresAt: Date | null; status: string };

/** How far back "My work" shows accesses that were granted: a week. */
export const NOTICE_DAYS = 7;

/**
 * What "My work" shows about break-glass: requests waiting for the viewer's approval (on cases
 * whose core they hold; not those that lapsed unanswered), and accesses granted in the last week
 * on cases where they are the caseworker, or on every case for administrators. Ids, names and
 * times only; each list limited.
 */
export async function breakGlassWork(tx: Queryable, userId: string, administrator: boolean, now: Date = new Date(), limit = 50): Promise<{ pending: BreakGlassNotice[]; granted: BreakGlassNotice[] }> {
  type Row = { id: string; case_id: string; pseudonym: string; requester_id: string; approved_by: string | null; created_at: Date; approved_at: Date | null; expires_at: Date | null; status: string };
  const pending = await tx.query<Row>(
    `select b.id, b.case_id, c.pseudonym, b.requester_id, b.approved_by, b.created_at, b.approved_at, b.expires_at, b.status
     from break_glass_requests b join cases c on c.id = b.case_id
     where b.status = 'pending' and b.lapses_at > $3 and b.requester_id <> $1
       and exists (select 1 from vault_keys k where k.vault_id = c.core_vault_id and k.principal_kind = 'user' and k.principal_ref = $1::text)
     order by b.created_at desc limit $2`,
    [userId, limit, now],
  );
  const grantedRows = await tx.query<Row>(
    `select b.id, b.case_id, c.pseudonym, b.requester_id, b.approved_by, b.created_at, b.approved_at, b.expires_at, b.status
     from break_glass_requests b join cases c on c.id = b.case_id
     where b.approved_at is not null and b.approved_at > $2
       and ($3 or exists (select 1 from case_members m where m.case_id = b.case_id and m.user_id = $1 and m.role = 'caseworker'))
     order by b.approved_at desc limit $4`,
    [userId, new Date(now.getTime() - NOTICE_DAYS * 24 * 3600_000), administrator, limit],
  );
  // A caseworker's notice rests on a team row Beside made (its tag verifies).
  const verified = administrator ? null : new Set((await teamsOf(tx, [...new Set(grantedRows.map((r) => r.case_id))])).filter((m) => m.userId === userId && m.role === 'caseworker').map((m) => m.caseId));
  const granted = grantedRows.filter((row) => verified === null || verified.has(row.case_id));
  const notice = (row: Row): BreakGlassNotice => ({ id: row.id, caseId: row.case_id, pseudonym: row.pseudonym, requesterId: row.requester_id, approvedBy: row.approved_by, at: row.approved_at ?? row.created_at, expiresAt: row.expires_at, status: row.status });
  return { pending: pending.map(notice), granted: granted.map(notice) };
}

const expirePayload = z.object({ breakGlassId: z.uuid() });

/** The end of an access: revoked in the job's transaction (exactly once). */
onJob('break_glass.expire', {
  run: 'transaction',
  async handle(tx, payload, now) {
    await endBreakGlass(tx, expirePayload.parse(payload).breakGlassId, now);
  },
});
