import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { confirmCoordinator } from '../auth/confirm-coordinator.ts';
import { initialise } from '../auth/initialise.ts';
import type { Role } from '../auth/roles.ts';
import { newTotpSecret, saveTotpSecret } from '../auth/totp.ts';
import { checkPassword } from '../auth/users.ts';
import type { KeyHolder } from '../crypto/vaults.ts';
import { addNote } from '../cases/case-file.ts';
import { createCaseFromRequest, openDirectCase } from '../cases/create-case.ts';
import { addMember } from '../cases/team.ts';
import { replyToRequest } from '../help/triage.ts';
import { submitHelpRequest, type NewHelpRequest } from '../help/submit-request.ts';
import { createStaffUser } from './user-create.ts';

/** Shared by every demo account and printed at start: this instance is thrown away on exit. */
export const DEMO_PASSWORD = 'demo-password-not-secret';

type DemoUser = { login: string; displayName: string; roles: Role[] };

const ADMIN: DemoUser = { login: 'demo-admin', displayName: 'Demo Administrator', roles: ['administrator', 'coordinator'] };
const COLLEAGUES: DemoUser[] = [
  { login: 'demo-coordinator', displayName: 'Demo Coordinator', roles: ['coordinator'] },
  { login: 'demo-caseworker', displayName: 'Demo Caseworker', roles: ['caseworker'] },
  { login: 'demo-psychologist', displayName: 'Demo Psychologist', roles: ['psychologist'] },
  { login: 'demo-lawyer', displayName: 'Demo Lawyer', roles: ['lawyer'] },
  { login: 'demo-housing', displayName: 'Demo Housing Coordinator', roles: ['housing_coordinator'] },
];

/** Obviously invented requests, so nobody mistakes the demo for real people. */
const REQUESTS: NewHelpRequest[] = [
  {
    urgent: true,
    needs: ['evacuation', 'housing'],
    country: 'RU',
    language: 'ru',
    content: {
      city: 'Демо-город (демо)',
      story: 'Демо-персона (демо). Это вымышленная заявка для демонстрации: срочно нужна эвакуация.',
      contact: 'Signal: demo-person-1 (демо)',
      contactShared: 'no',
      safeTimes: 'вечером (демо)',
      codeWord: 'демо',
    },
  },
  {
    urgent: false,
    needs: ['psychological', 'legal'],
    country: 'NL',
    language: 'en',
    content: {
      city: 'Demo City (demo)',
      story: 'Demo person (demo). An invented request: waiting for the asylum interview, would like to talk to someone.',
      contact: 'Signal: demo-person-2 (demo)',
      contactShared: 'yes',
    },
  },
  {
    urgent: false,
    needs: ['clothing', 'other'],
    country: 'GE',
    language: 'ru',
    content: {
      city: 'Демо-город (демо)',
      story: 'Демо-персона (демо). Вымышленная заявка: нужна зимняя одежда.',
      otherNeed: 'SIM-карта (демо)',
      contactShared: 'unsure',
    },
  },
  {
    urgent: true,
    needs: ['legal'],
    country: 'TR',
    language: 'en',
    content: {
      city: 'Demo City (demo)',
      story: 'Demo person (demo). An invented request: a document deadline is close.',
      contact: 'e-mail: demo-person-4@example.invalid (demo)',
      contactShared: 'no',
    },
  },
];

export type DemoAccount = { login: string; roles: Role[]; totpSecret: string };
export type DemoInstance = { accounts: DemoAccount[]; receipts: { language: string; urgent: boolean; receipt: string }[]; cases: string[] };

/** A demo colleague's unlocked keys, as their login would give them. */
async function holderOf(db: Db, login: string): Promise<KeyHolder> {
  const { user, keys } = await checkPassword(db, login, DEMO_PASSWORD);
  if (!user || !keys) throw new Error(`demo: cannot unlock ${login}`);
  return { userId: user.id, keys };
}

/**
 * Two cases to look at: one made from the second request, with a whole team (coordinator,
 * caseworker, psychologist, lawyer) and a note in each part they read; one opened for someone a
 * partner organisation referred. Done through the same operations the staff pages use.
 */
async function seedCases(db: Db, fromRequest: string): Promise<string[]> {
  const [admin, caseworker, psychologist, lawyer] = await Promise.all(
    ['demo-admin', 'demo-caseworker', 'demo-psychologist', 'demo-lawyer'].map((login) => holderOf(db, login)),
  );
  const caseId = await createCaseFromRequest(db, admin!, fromRequest, caseworker!.userId);
  if (!caseId) throw new Error('demo: the case from a request was refused');
  for (const [member, role] of [[psychologist!, 'psychologist'], [lawyer!, 'lawyer']] as const) {
    if ((await addMember(db, caseworker!, caseId, member.userId, role)) !== 'added') throw new Error(`demo: adding the ${role} was refused`);
  }
  const notes = [
    [caseworker!, 'core', 'First call done (demo). Prefers to be written to in English, in the evening.'],
    [caseworker!, 'legal', 'Asylum interview date to be confirmed (demo).'],
    [psychologist!, 'psych', 'First conversation planned for next week (demo).'],
    [lawyer!, 'legal', 'Read the demo file; documents for the interview listed (demo).'],
  ] as const;
  for (const [author, part, body] of notes) {
    if (!(await addNote(db, author, caseId, part, body))) throw new Error(`demo: the ${part} note was refused`);
  }
  await replyToRequest(db, caseworker!, fromRequest, 'Hello, this is the demo caseworker (demo). We have your request and will write again tomorrow.');

  const referral = await openDirectCase(db, admin!, {
    origin: 'referral',
    caseworkerId: caseworker!.userId,
    urgent: false,
    language: 'ru',
    country: 'NL',
    needs: ['housing', 'clothing'],
    content: {
      preferredName: 'Демо (демо)',
      whereNow: 'Demo City (demo)',
      story: 'Вымышленное направление от партнёрской организации (демо).',
      referredBy: 'Demo Partner Organisation (demo)',
      safety: {},
    },
  });
  if (!referral) throw new Error('demo: the referral case was refused');
  return [caseId, referral];
}

/** Fills a fresh instance: the demo staff, each with TOTP already enrolled, a few requests and two cases. */
export async function seedDemo(db: Db): Promise<DemoInstance> {
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
      const [row] = await tx.query<{ public_key: Uint8Array }>('select public_key from users where id = $1', [user.id]);
      await saveTotpSecret(tx, user.id, row!.public_key, totpSecret, 0);
      await appendAudit(tx, null, { kind: 'totp.enrolled', userId: user.id });
    });
    accounts.push({ login: user.login, roles: user.roles, totpSecret });
  }
  // Sealed to the coordinators, so the requests come after the accounts.
  const receipts = [];
  const requestIds: string[] = [];
  for (const request of REQUESTS) {
    const known = new Set((await db.query<{ id: string }>('select id from help_requests')).map((row) => row.id));
    receipts.push({ language: request.language, urgent: request.urgent, receipt: await submitHelpRequest(db, request) });
    const [added] = (await db.query<{ id: string }>('select id from help_requests')).filter((row) => !known.has(row.id));
    requestIds.push(added!.id);
  }
  const cases = await seedCases(db, requestIds[1]!);
  return { accounts, receipts, cases };
}
