import { currentTotp } from '../../src/auth/totp.ts';
import type { Role } from '../../src/auth/roles.ts';
import { Browser, type StaffUser, type TestApp } from '../support/app.ts';

/** The invitation link an administrator's page shows after "Create invitation link". */
export async function inviteThroughPage(admin: Browser, roles: Role[]): Promise<string> {
  const page = await admin.staffPost('/staff/users/invite', { roles });
  const link = /data-invite-link[^>]*>([^<]+)</.exec(page.html)?.[1];
  if (page.status !== 200 || !link) throw new Error(`inviting answered ${page.status} without a link`);
  return new URL(link).pathname;
}

/**
 * A colleague who joins as people do: an administrator invites them, they choose a login and a
 * password on the invitation page, log in and set up their authenticator.
 */
export async function joinByInvitation(target: TestApp, admin: Browser, roles: Role[], login: string): Promise<StaffUser> {
  const path = await inviteThroughPage(admin, roles);
  const browser = new Browser(target);
  const password = `a long passphrase of ${login}`;
  const displayName = `Invited ${login}`;
  const accepted = await browser.post(path, { login, displayName, password, language: 'en' });
  if (accepted.status !== 303) throw new Error(`accepting the invitation answered ${accepted.status}`);
  const login1 = await browser.post('/staff/login', { login, password });
  if (login1.location !== '/staff/enrol') throw new Error(`the first login answered ${login1.status} ${login1.location ?? ''}`);
  const enrol = await browser.get('/staff/enrol');
  const totpSecret = /data-totp-secret[^>]*>([A-Z2-7]+)</.exec(enrol.html)?.[1];
  if (!totpSecret) throw new Error('no TOTP secret on the enrolment page');
  const enrolled = await browser.post('/staff/enrol', { code: currentTotp(totpSecret) });
  if (enrolled.status !== 303) throw new Error(`enrolling answered ${enrolled.status}`);
  const [row] = await target.db.query<{ id: string; public_key: Uint8Array }>('select id, public_key from users where login = $1', [login]);
  return { id: row!.id, login, displayName, password, roles, publicKey: row!.public_key, totpSecret };
}
