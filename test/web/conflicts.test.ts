import assert from 'node:assert/strict';
import { after, before, describe, mock, test } from 'node:test';
import type { Db } from '../../src/db/client.ts';
import { LoginTaken, acceptInvite, inviteUser } from '../../src/auth/invites.ts';
import { insertUser } from '../../src/auth/users.ts';
import { translator } from '../../src/i18n/index.ts';
import { isUniqueViolation } from '../../src/web/errors.ts';
import { machine, PUBLIC, route } from '../../src/web/route.ts';
import { Browser, assertShows, countRows, initialiseInstance, startTestApp, type Instance, type TestApp } from '../support/app.ts';

describe('test/web/conflicts.test.ts', () => {
  /**
   * A duplicate key that reaches the error handler is a 409 with a translated "try again", never
   * a 500; and two people accepting invitations with one login at the same moment get the form's
   * "login taken", whichever of the check or the unique index catches them.
   */
  let t: TestApp;
  let instance: Instance;
  const DUPLICATE_LOGIN = 'admin';

  const account = (login: string) => ({ login, displayName: `Person ${login}`, password: 'a-long-enough-password', language: 'en' as const });

  before(async () => {
    t = await startTestApp();
    // Routes that hit a unique index the way a race between two people would; registered before
    // the first request, when the router is built.
    const duplicate = async () => {
      await insertUser(t.db, { ...account(DUPLICATE_LOGIN), roles: ['editor'] });
      throw new Error('the duplicate insert succeeded');
    };
    route(t.app, 'POST', '/:lang/test/duplicate', PUBLIC, duplicate);
    route(t.app, 'POST', '/api/test/duplicate', machine({ verify: 'open', why: 'test of conflicts' }), duplicate);
    instance = await initialiseInstance(t.db, DUPLICATE_LOGIN);
  });

  after(() => t?.close());

  describe('a duplicate key', () => {
    test('is answered 409 with a translated message in every language, and logged without its values', async () => {
      const logged = mock.method(console, 'error', () => undefined);
      try {
        for (const lang of ['en', 'ru', 'nl'] as const) {
          const page = await new Browser(t).post(`/${lang}/test/duplicate`, {});
          assert.equal(page.status, 409, `${lang}: status`);
          assertShows(page, translator(lang)('web.error.conflict'), `the ${lang} conflict page`);
        }
        const machinePage = await new Browser(t).request('/api/test/duplicate', { method: 'POST' });
        assert.equal(machinePage.status, 409, 'a machine route');
        assert.deepEqual(JSON.parse(machinePage.html), { error: 'conflict' }, 'a stable code for machines');
      } finally {
        mock.restoreAll();
      }
      const lines = logged.mock.calls.map((call) => call.arguments.join(' '));
      assert.ok(lines.some((line) => line.includes('conflict (23505)')), 'the conflict is logged by its kind');
      assert.ok(lines.every((line) => !line.includes(`Person ${DUPLICATE_LOGIN}`) && !line.includes('(login)=')), 'the log quotes no value');
      assert.equal(await countRows(t.db, 'users', 'login = $1', [DUPLICATE_LOGIN]), 1, 'nothing was added');
    });

    test('is recognised on both drivers by its SQLSTATE and constraint', async () => {
      const error = await insertUser(t.db, { ...account(DUPLICATE_LOGIN), roles: ['editor'] }).then(
        () => null,
        (caught: unknown) => caught,
      );
      assert.ok(isUniqueViolation(error), `a ${t.db.kind} unique violation: ${String((error as { code?: unknown })?.code)}`);
      assert.ok(isUniqueViolation(error, 'users_login_key'), 'named by its constraint');
      assert.ok(!isUniqueViolation(error, 'cases_pseudonym_key'), 'not another constraint');
      assert.ok(!isUniqueViolation(new Error('23505')) && !isUniqueViolation(null) && !isUniqueViolation({ code: '23503' }), 'nothing else');
    });
  });

  describe('two invitations accepted with one login', () => {
    test('when another account takes the login between the check and the insert, the unique index answers "login taken"', async () => {
      const token = await t.db.transaction((tx) => inviteUser(tx, instance.admin.id, ['editor']));
      const login = 'between-check-and-insert';
      const open = await countRows(t.db, 'invites', 'used_at is null');
      // The rival's account appears right after acceptInvite looked for the login: the check
      // passes, and only the unique index can refuse the second account.
      const racing: Db = {
        ...t.db,
        transaction: (fn) =>
          t.db.transaction((tx) =>
            fn({
              ...tx,
              async query(sql, params) {
                const rows = await tx.query(sql, params);
                if (/from users where login/.test(sql)) await insertUser(tx, { ...account(login), roles: ['editor'] });
                return rows as never;
              },
            }),
          ),
      };
      await assert.rejects(acceptInvite(racing, token, account(login)), LoginTaken, 'the unique index answers LoginTaken');
      assert.equal(await countRows(t.db, 'invites', 'used_at is null'), open, 'the invitation is still open for another try');
      const user = await acceptInvite(t.db, token, account(`${login}-2`));
      assert.ok(user, 'the same link works with another login');
    });

    test('at the same moment through the form: one account is made, the other person sees "login taken"', async () => {
      const tokens = [await t.db.transaction((tx) => inviteUser(tx, instance.admin.id, ['editor'])), await t.db.transaction((tx) => inviteUser(tx, instance.admin.id, ['caseworker']))];
      const login = 'same-moment';
      const open = await countRows(t.db, 'invites', 'used_at is null');
      const pages = await Promise.all(tokens.map((token) => new Browser(t).post(`/staff/invite/${token}?lang=en`, account(login))));
      const statuses = pages.map((page) => page.status).sort();
      assert.deepEqual(statuses, [303, 400], 'one account made, one form answered');
      const refused = pages.find((page) => page.status === 400)!;
      assertShows(refused, translator('en')('auth.invite.taken'), 'the refused form');
      assert.equal(await countRows(t.db, 'users', 'login = $1', [login]), 1, 'one account with the login');
      assert.equal(await countRows(t.db, 'invites', 'used_at is null'), open - 1, 'only the winner\'s invitation was used up');
    });
  });
});
