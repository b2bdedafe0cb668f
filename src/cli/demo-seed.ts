import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { confirmCoordinator } from '../auth/confirm-coordinator.ts';
import { initialise } from '../auth/initialise.ts';
import type { Role } from '../auth/roles.ts';
import { newTotpSecret, saveTotpSecret } from '../auth/totp.ts';
import { checkPassword, findUserById } from '../auth/users.ts';
import type { KeyHolder } from '../crypto/vaults.ts';
import { addNote, listCases, setCaseStatus, setNeedStatus } from '../cases/case-file.ts';
import { createCaseFromRequest, openDirectCase } from '../cases/create-case.ts';
import { addMember } from '../cases/team.ts';
import { writeAsPerson } from '../help/person-access.ts';
import { submitHelpRequest } from '../help/submit-request.ts';
import { replyToRequest } from '../help/triage.ts';
import { listInbox } from '../help/inbox.ts';
import { ADMIN, CASE_A_NOTES, CASE_A_REQUEST, CASE_B, CASE_C, COLLEAGUES, DEMO_PASSWORD, INBOX_REQUESTS, type DemoLogin, type DemoRequest } from './demo-data.ts';
import { createStaffUser } from './user-create.ts';

export type DemoAccount = { login: DemoLogin; roles: Role[]; totpSecret: string; sees: string };
export type DemoReceipt = { receipt: string; language: string; urgent: boolean; shows: string };
export type DemoInstance = {
  accounts: DemoAccount[];
  receipts: DemoReceipt[];
  /** the pseudonyms of cases A, B and C, which the printed texts name */
  cases: { A: string; B: string; C: string };
};

type Holders = Record<DemoLogin, KeyHolder>;

/**
 * Fills a fresh instance through the same operations the staff pages, the help form and the
 * status page use (so every grant, seal and audit entry is real): the demo staff with TOTP
 * enrolled, requests in Russian, English and Dutch, and three cases.
 */
export async function seedDemo(db: Db): Promise<DemoInstance> {
  const accounts = await createAccounts(db);
  const holders = await unlockAll(db);
  // Sealed to the coordinators confirmed at that moment, so requests come after the accounts.
  const receipts: DemoReceipt[] = [];
  for (const request of INBOX_REQUESTS) receipts.push((await submit(db, holders, request)).printed);
  let caseA = '';
  const fromRequest = await submit(db, holders, CASE_A_REQUEST, async (requestId) => {
    caseA = (await createCaseFromRequest(db, holders['demo-admin'], requestId, holders['demo-caseworker'].userId)) ?? '';
    if (!caseA) throw new Error('demo: the case from a request was refused');
    await buildTeamA(db, holders, caseA);
  });
  receipts.push(fromRequest.printed);
  const caseB = await seedCaseB(db, holders);
  const caseC = await seedCaseC(db, holders);
  const pseudonyms = new Map((await listCases(db, { memberId: holders['demo-caseworker'].userId })).map((c) => [c.id, c.pseudonym]));
  return { accounts, receipts, cases: { A: pseudonyms.get(caseA)!, B: pseudonyms.get(caseB)!, C: pseudonyms.get(caseC)! } };
}

async function createAccounts(db: Db): Promise<DemoAccount[]> {
  const admin = await initialise(db, { ...ADMIN, password: DEMO_PASSWORD, language: 'en' });
  const users = [{ id: admin.userId, ...ADMIN }];
  for (const colleague of COLLEAGUES) {
    const user = await createStaffUser(db, { ...colleague, password: DEMO_PASSWORD, language: 'en' });
    users.push({ id: user.id, ...colleague });
    // A new coordinator receives requests once a confirmed coordinator vouches for them.
    if (colleague.roles.includes('coordinator') && !(await confirmCoordinator(db, admin.userId, user.id))) {
      throw new Error(`demo: ${colleague.login} could not be confirmed`);
    }
  }
  const accounts: DemoAccount[] = [];
  for (const user of users) {
    const totpSecret = newTotpSecret();
    await db.transaction(async (tx) => {
      const found = await findUserById(tx, user.id);
      await saveTotpSecret(tx, user.id, found!.publicKey, totpSecret, 0);
      await appendAudit(tx, null, { kind: 'totp.enrolled', userId: user.id });
    });
    accounts.push({ login: user.login, roles: user.roles, totpSecret, sees: user.sees });
  }
  return accounts;
}

/** Every demo colleague's unlocked keys, as their login would give them. */
async function unlockAll(db: Db): Promise<Holders> {
  const holders = {} as Holders;
  for (const { login } of [ADMIN, ...COLLEAGUES]) {
    const { user, keys } = await checkPassword(db, login, DEMO_PASSWORD);
    if (!user || !keys) throw new Error(`demo: cannot unlock ${login}`);
    holders[login] = { userId: user.id, keys };
  }
  return holders;
}

/**
 * Sends a request as the help form does, lets `before` act on it (make it a case), then plays
 * its conversation: the team answers through the reply form, the person through the status page.
 */
async function submit(db: Db, holders: Holders, request: DemoRequest, before?: (requestId: string) => Promise<void>) {
  const known = new Set((await listInbox(db, { status: 'new' })).rows.map((row) => row.id));
  const receipt = await submitHelpRequest(db, request);
  const requestId = (await listInbox(db, { status: 'new' })).rows.find((row) => !known.has(row.id))!.id;
  await before?.(requestId);
  const lines = request.conversation?.lines ?? [];
  for (const [index, line] of lines.entries()) {
    if (index % 2 === 1) {
      if (!(await writeAsPerson(db, receipt, line))) throw new Error('demo: the person could not write');
    } else if (!(await replyToRequest(db, holders[request.conversation!.staff], requestId, line))) {
      throw new Error('demo: the reply was refused');
    }
  }
  return { requestId, printed: { receipt, language: request.language, urgent: request.urgent, shows: request.shows } };
}

async function note(db: Db, holders: Holders, caseId: string, notes: readonly (readonly [DemoLogin, Parameters<typeof addNote>[3], string])[]) {
  for (const [author, part, body] of notes) {
    if (!(await addNote(db, holders[author], caseId, part, body))) throw new Error(`demo: ${author}'s ${part} note was refused`);
  }
}

/** Case A: the caseworker brings in a psychologist and a lawyer; each writes in their own part. */
async function buildTeamA(db: Db, holders: Holders, caseId: string): Promise<void> {
  for (const [login, role] of [['demo-psychologist', 'psychologist'], ['demo-lawyer', 'lawyer']] as const) {
    if ((await addMember(db, holders['demo-caseworker'], caseId, holders[login].userId, role)) !== 'added') throw new Error(`demo: adding the ${role} was refused`);
  }
  await note(db, holders, caseId, CASE_A_NOTES);
}

/** Case B: a referral the coordinator opens; the caseworker brings in the housing coordinator. */
async function seedCaseB(db: Db, holders: Holders): Promise<string> {
  const caseId = await openDirectCase(db, holders['demo-coordinator'], {
    origin: 'referral',
    caseworkerId: holders['demo-caseworker'].userId,
    urgent: false,
    language: 'ru',
    country: 'NL',
    needs: ['housing', 'clothing'],
    content: CASE_B.content,
  });
  if (!caseId) throw new Error('demo: the referral case was refused');
  if ((await addMember(db, holders['demo-caseworker'], caseId, holders['demo-housing'].userId, 'housing_coordinator')) !== 'added') {
    throw new Error('demo: adding the housing coordinator was refused');
  }
  await note(db, holders, caseId, CASE_B.notes);
  return caseId;
}

/** Case C: a phone call, its one need met, and closed: the caseworker's list shows closed cases too. */
async function seedCaseC(db: Db, holders: Holders): Promise<string> {
  const caseworker = holders['demo-caseworker'];
  const caseId = await openDirectCase(db, holders['demo-coordinator'], {
    origin: 'direct',
    caseworkerId: caseworker.userId,
    urgent: false,
    language: 'nl',
    country: 'NL',
    needs: ['clothing'],
    content: CASE_C.content,
  });
  if (!caseId) throw new Error('demo: the direct case was refused');
  await note(db, holders, caseId, [['demo-caseworker', 'core', CASE_C.note]]);
  if (!(await setNeedStatus(db, caseworker, caseId, 'clothing', 'done')) || !(await setCaseStatus(db, caseworker, caseId, 'closed'))) {
    throw new Error('demo: case C could not be closed');
  }
  return caseId;
}
