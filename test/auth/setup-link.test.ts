import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueSetupToken, isInitialised } from '../../src/auth/initialise.ts';
import { SETUP_LINK_HOURS } from '../../src/auth/setup-token.ts';
import { isConfirmedCoordinator } from '../../src/auth/users.ts';
import { translator } from '../../src/i18n/index.ts';
import { assertShows, Browser, countRows, startTestApp, type TestApp } from '../support/app.ts';

describe('test/auth/setup-link.test.ts', () => {
  const ru = translator('ru');
  let t: TestApp;

  before(async () => {
    t = await startTestApp();
  });

  after(() => t?.close());

  const ADMIN = { login: 'first', displayName: 'First', password: 'the first administrator passphrase', language: 'en' };

  async function expiresInHours(): Promise<number> {
    const [row] = await t.db.query<{ hours: number }>(
      'select extract(epoch from setup_token_expires_at - now())::float8 / 3600 as hours from instance where id = 1',
    );
    return Number(row?.hours);
  }

  test('the setup link lives 24 hours, is stored only as a hash, and an expired one opens nothing', async () => {
    const token = await issueSetupToken(t.db);
    assert.ok(token);
    const hours = await expiresInHours();
    assert.ok(hours > SETUP_LINK_HOURS - 0.1 && hours <= SETUP_LINK_HOURS, `expires in ${hours} h`);
    const [row] = await t.db.query<{ setup_token_hash: Uint8Array }>('select setup_token_hash from instance where id = 1');
    assert.ok(!Buffer.from(row!.setup_token_hash).toString('latin1').includes(token), 'the token itself is not stored');

    const browser = new Browser(t);
    assert.equal((await browser.get(`/staff/setup/${token}`)).status, 200, 'a fresh link opens the page');

    await t.db.query("update instance set setup_token_expires_at = now() - interval '1 second' where id = 1");
    assert.equal((await browser.get(`/staff/setup/${token}`)).status, 404, 'an expired link: the page');
    assert.equal((await browser.post(`/staff/setup/${token}`, ADMIN)).status, 404, 'an expired link: the form');
    assert.equal(await isInitialised(t.db), false, 'nothing was set up');
    assert.equal(await countRows(t.db, 'users'), 0, 'no administrator was made');

    // A link stored without an expiry (from before expiry existed) never works.
    await t.db.query('update instance set setup_token_expires_at = null where id = 1');
    assert.equal((await browser.get(`/staff/setup/${token}`)).status, 404, 'a link without an expiry');
  });

  test('a new link replaces the old; the setup page refuses a common or short password; once set up, no link works', async () => {
    const old = await issueSetupToken(t.db);
    const token = await issueSetupToken(t.db);
    assert.ok(old && token && old !== token);
    const browser = new Browser(t);
    assert.equal((await browser.get(`/staff/setup/${old}`)).status, 404, 'the replaced link');

    const common = await browser.post(`/staff/setup/${token}`, { ...ADMIN, password: 'password1234' });
    assert.equal(common.status, 400, 'a common password');
    assertShows(common, ru('auth.field.passwordCommon'), 'the setup page');
    const short = await browser.post(`/staff/setup/${token}`, { ...ADMIN, password: 'elevenchars' });
    assert.equal(short.status, 400, 'eleven characters');
    assertShows(short, ru('auth.field.password'), 'the setup page');
    assert.equal(await isInitialised(t.db), false);

    const done = await browser.post(`/staff/setup/${token}`, ADMIN);
    assert.equal(done.status, 303, 'set up');
    assert.equal(done.location?.split('?')[0], '/staff/recovery-shares', 'on to the recovery shares');
    assert.ok(await isInitialised(t.db));
    const [admin] = await t.db.query<{ id: string }>("select id from users where login = 'first'");
    assert.ok(await isConfirmedCoordinator(t.db, admin!.id), 'the first administrator is a confirmed coordinator');
    const used = await browser.get(`/staff/setup/${token}`);
    assert.equal(used.status, 404, 'the used link');
    // Back from the shares page lands here: it leads to them again (while they are kept).
    assertShows(used, ru('auth.setup.invalid'), 'the used link');
    assert.match(used.html, /<a\b[^>]*\bhref="\/staff\/recovery-shares\?lang=ru"/, 'with a way back to the shares');
    assert.equal(await issueSetupToken(t.db), null, 'no new link once set up');
    const [row] = await t.db.query<{ hash: Uint8Array | null; expires: Date | null }>('select setup_token_hash as hash, setup_token_expires_at as expires from instance where id = 1');
    assert.deepEqual(row, { hash: null, expires: null }, 'nothing of the link remains');
  });
});
