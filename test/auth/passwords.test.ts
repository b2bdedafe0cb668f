import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { commonPasswordCount, isCommonPassword } from '../../src/auth/password-policy.ts';
import { checkPassword } from '../../src/cli/account-input.ts';
import { createStaffUser } from '../../src/cli/user-create.ts';
import { translator } from '../../src/i18n/index.ts';
import { assertShows, Browser, countRows, initialiseInstance, loggedIn, startTestApp, type TestApp } from '../support/app.ts';
import { inviteThroughPage } from './helpers.ts';

/** Passwords on the shipped list that are long enough, so only the list can refuse them. */
const COMMON = ['password1234', 'Password1234', 'qwertyuiop123', '1q2w3e4r5t6y', ' passwordpassword '];
const ELEVEN = 'abcdefghijk';

describe('the common-password list', () => {
  test('ships with the package and is large', () => {
    assert.ok(commonPasswordCount() > 40_000, `only ${commonPasswordCount()} passwords`);
  });

  test('knows the passwords attackers try first, whatever their case', () => {
    for (const password of COMMON) assert.ok(password.trim().length >= 12 && isCommonPassword(password), password);
  });

  test('leaves a sentence of one\'s own alone', () => {
    for (const password of ['a long sentence about tea', 'correct horse battery staple 7', 'пароль из нескольких слов']) {
      assert.equal(isCommonPassword(password), false, password);
    }
  });
});

describe('the command line refuses a short or common password', () => {
  test('checkPassword, as `beside init`, `user create` and `user reset` use it', () => {
    assert.throws(() => checkPassword(ELEVEN), /at least 12 characters/, 'eleven characters');
    for (const password of COMMON) assert.throws(() => checkPassword(password), /most commonly used/, password);
    assert.equal(checkPassword('a long sentence about tea'), 'a long sentence about tea');
  });

  test('user create writes nothing for a common password', async () => {
    const t = await startTestApp();
    try {
      await assert.rejects(
        createStaffUser(t.db, { login: 'cli-common', displayName: 'CLI', roles: ['caseworker'], language: 'en', password: 'password1234' }),
        /most commonly used/,
      );
      assert.equal(await countRows(t.db, 'users', "login = 'cli-common'"), 0);
    } finally {
      await t.close();
    }
  });
});

describe('the invitation page refuses a short or common password, in the reader\'s language', () => {
  let t: TestApp;
  let admin: Browser;
  before(async () => {
    t = await startTestApp();
    admin = await loggedIn(t, (await initialiseInstance(t.db)).admin);
  });
  after(() => t?.close());

  const account = (password: string) => ({ login: 'joiner', displayName: 'Joiner', password, language: 'en' });

  test('each language says why', async () => {
    const path = await inviteThroughPage(admin, ['caseworker']);
    const person = new Browser(t);
    for (const lang of ['ru', 'en', 'nl'] as const) {
      const say = translator(lang);
      const headers = { 'Accept-Language': lang };
      const common = await person.post(path, account('qwertyuiop123'), headers);
      assert.equal(common.status, 400, `${lang}: a common password`);
      assertShows(common, say('auth.field.passwordCommon'), `${lang}: the common password's page`);
      const short = await person.post(path, account(ELEVEN), headers);
      assert.equal(short.status, 400, `${lang}: eleven characters`);
      assertShows(short, say('auth.field.password'), `${lang}: the short password's page`);
    }
    assert.notEqual(translator('ru')('auth.field.passwordCommon'), translator('en')('auth.field.passwordCommon'));
    for (const password of COMMON) assert.equal((await person.post(path, account(password))).status, 400, password);
    assert.equal(await countRows(t.db, 'users', "login = 'joiner'"), 0, 'no account was made');
    // The invitation is still open for a good password.
    assert.equal((await person.post(path, account('a sentence only I would write'))).status, 303);
    assert.equal(await countRows(t.db, 'users', "login = 'joiner'"), 1);
  });
});
