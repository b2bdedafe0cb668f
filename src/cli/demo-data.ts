import type { Db } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { initialise } from '../auth/initialise.ts';
import type { Role } from '../auth/roles.ts';
import { newTotpSecret, saveTotpSecret } from '../auth/totp.ts';
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
export type DemoInstance = { accounts: DemoAccount[]; receipts: { language: string; urgent: boolean; receipt: string }[] };

/** Fills a fresh instance: the demo staff, each with TOTP already enrolled, then a few requests. */
export async function seedDemo(db: Db): Promise<DemoInstance> {
  const admin = await initialise(db, { ...ADMIN, password: DEMO_PASSWORD, language: 'en' });
  const users = [{ id: admin.userId, ...ADMIN }];
  for (const colleague of COLLEAGUES) {
    const user = await createStaffUser(db, { ...colleague, password: DEMO_PASSWORD, language: 'en' });
    users.push({ id: user.id, ...colleague });
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
  for (const request of REQUESTS) {
    receipts.push({ language: request.language, urgent: request.urgent, receipt: await submitHelpRequest(db, request) });
  }
  return { accounts, receipts };
}
