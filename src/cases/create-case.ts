import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { instanceKeys } from '../crypto/instance.ts';
import type { Principal } from '../crypto/principals.ts';
import { createVault, type KeyHolder, type Vault } from '../crypto/vaults.ts';
import { userPrincipal, verifiedUser, type User } from '../auth/users.ts';
import { lockRequest, moveRequestIntoCase, openRequest } from '../help/triage.ts';
import type { RequestContent } from '../help/content.ts';
import type { Country, Need } from '../help/needs.ts';
import type { Lang } from '../i18n/lang.ts';
import { caseRolesFor, CASE_PARTS, partsFor, readsConversation, type CasePart, type CaseRole } from './case-roles.ts';
import { caseContentField, type CaseContent } from './content.ts';
import { newPseudonym } from './pseudonym.ts';
import { addMemberRow } from './team.ts';

export type CaseOrigin = 'request' | 'referral' | 'direct';

type Member = { user: User; role: CaseRole };

/** What the help form held, in the case's own schema. */
export function caseContentFromRequest(content: RequestContent): CaseContent {
  const story = [content.story, content.otherNeed].filter(Boolean).join('\n\n');
  return {
    contacts: content.contact,
    whereNow: content.city,
    story: story || undefined,
    safety: { contactShared: content.contactShared, safeTimes: content.safeTimes, codeWord: content.codeWord },
  };
}

/**
 * The team a new case starts with: the coordinator who opens it and the colleague who will follow
 * it as caseworker (the same person when a coordinator takes a case themselves). Null when the
 * opener is not a confirmed coordinator or the colleague cannot be a caseworker (roles whose
 * entitlement tag fails count as none).
 */
async function firstTeam(tx: Queryable, holder: KeyHolder, caseworkerId: string): Promise<Member[] | null> {
  const opener = await verifiedUser(tx, holder.userId, holder.userId);
  if (!opener?.active || !opener.confirmedCoordinator) return null;
  const caseworker = caseworkerId === opener.id ? opener : await verifiedUser(tx, caseworkerId, holder.userId);
  if (!caseworker?.active || !caseworker.entitled) return null;
  const role: CaseRole | undefined = caseRolesFor(caseworker.roles).includes('caseworker') ? 'caseworker' : caseRolesFor(caseworker.roles).includes('coordinator') ? 'coordinator' : undefined;
  if (!role) return null;
  if (caseworker.id === opener.id) return [{ user: opener, role: 'caseworker' }];
  return [
    { user: opener, role: 'coordinator' },
    { user: caseworker, role },
  ];
}

async function insertWithPseudonym(tx: Queryable, values: unknown[]): Promise<void> {
  for (let attempt = 0; attempt < 25; attempt++) {
    const candidate = attempt < 20 ? newPseudonym() : `${newPseudonym()}${randomUUID().slice(0, 3)}`;
    const rows = await tx.query(
      `insert into cases (id, pseudonym, origin, urgent, language, country, core_vault_id, psych_vault_id, legal_vault_id, housing_vault_id, content, created_by, created_at, updated_at)
       values ($1, $13, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) on conflict (pseudonym) do nothing returning 1`,
      [...values, candidate],
    );
    if (rows.length > 0) return;
  }
  throw new Error('No free pseudonym after 25 attempts.');
}

type NewCase = { origin: CaseOrigin; urgent: boolean; language: Lang; country: Country | null; needs: Need[]; content: CaseContent };

/**
 * Writes a case with its four vaults (core, psych, legal, housing), each sealed to the members
 * whose role reads it and to the recovery key, and its team.
 */
async function insertCase(tx: Queryable, holder: KeyHolder, caseId: string, input: NewCase, team: Member[]): Promise<Record<CasePart, Vault>> {
  const { recovery } = await instanceKeys(tx);
  const vaults = {} as Record<CasePart, Vault>;
  for (const part of CASE_PARTS) {
    const principals: Principal[] = team.filter((member) => partsFor(member.role).includes(part)).map((member) => userPrincipal(member.user));
    if (recovery) principals.push(recovery);
    vaults[part] = await createVault(tx, part, { table: 'cases', id: caseId }, principals, holder.userId);
  }
  // The time is made here, in milliseconds, because it is bound to the sealed content.
  const createdAt = new Date();
  await insertWithPseudonym(tx, [
    caseId,
    input.origin,
    input.urgent,
    input.language,
    input.country,
    vaults.core.id,
    vaults.psych.id,
    vaults.legal.id,
    vaults.housing.id,
    vaults.core.seal(caseContentField, { id: caseId, created_at: createdAt }, input.content),
    holder.userId,
    createdAt,
  ]);
  for (const need of new Set(input.needs)) await tx.query('insert into case_needs (case_id, need) values ($1, $2)', [caseId, need]);
  await appendAudit(tx, holder.userId, { kind: 'case.created', caseId, origin: input.origin });
  for (const member of team) await addMemberRow(tx, holder.userId, caseId, member.user.id, member.role);
  return vaults;
}

/**
 * Turns a help request into a case. The conversation follows the case: only its team, the
 * receipt holder and the recovery key can read it from now on. Answers the case (the existing one
 * when the request already is a case), or null when the coordinator may not do this.
 */
export async function createCaseFromRequest(db: Db, holder: KeyHolder, requestId: string, caseworkerId: string): Promise<string | null> {
  return db.transaction(async (tx) => {
    await lockRequest(tx, requestId);
    const already = await caseOfOpenableRequest(tx, holder, requestId);
    if (already) return already; // a reload or a second coordinator at the same moment
    const team = await firstTeam(tx, holder, caseworkerId);
    if (!team) return null;
    const caseId = randomUUID();
    const conversationTeam = team.filter((member) => readsConversation(member.role)).map((member) => userPrincipal(member.user));
    const moved = await moveRequestIntoCase(tx, holder, requestId, caseId, conversationTeam);
    if (!moved) return null;
    const { summary } = moved;
    await insertCase(
      tx,
      holder,
      caseId,
      {
        origin: 'request',
        urgent: summary.urgent,
        language: summary.language ?? 'ru',
        country: summary.country as Country | null,
        needs: summary.needs,
        content: caseContentFromRequest(moved.content),
      },
      team,
    );
    return caseId;
  });
}

async function caseOfOpenableRequest(tx: Queryable, holder: KeyHolder, requestId: string): Promise<string | null> {
  const [row] = await tx.query<{ case_id: string | null }>('select case_id from help_requests where id = $1', [requestId]);
  if (!row?.case_id) return null;
  return (await openRequest(tx, holder, requestId)) ? row.case_id : null;
}

export type DirectCase = NewCase & { origin: 'referral' | 'direct'; caseworkerId: string };

/** A case for someone who called or walked in, or whom a partner organisation referred. */
export async function openDirectCase(db: Db, holder: KeyHolder, input: DirectCase): Promise<string | null> {
  return db.transaction(async (tx) => {
    const team = await firstTeam(tx, holder, input.caseworkerId);
    if (!team) return null;
    const caseId = randomUUID();
    await insertCase(tx, holder, caseId, input, team);
    return caseId;
  });
}
