/**
 * What a stolen database offers someone guessing a staff password: only the private key, sealed
 * under argon2id at the staff cost. Beside once kept a second hash of every password at argon2's
 * default cost (19 MiB, 2 passes), against which guesses were far cheaper; it must not come back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkPassword } from '../../src/auth/users.ts';
import { Browser, createStaff, logInAs, startTestApp, type StaffUser, type TestApp } from '../support/app.ts';

describe('test/security/password-guessing.test.ts', () => {
  let t: TestApp;
  let staff: StaffUser;

  before(async () => {
    t = await startTestApp();
    staff = await createStaff(t.db, { login: 'guessed', roles: ['caseworker'], password: 'a long and unlikely password 7' });
  });

  after(() => t?.close());

  /** Any value of a row that is a password hash in the PHC string format (argon2, bcrypt, scrypt, pbkdf2). */
  function passwordHashesIn(row: Record<string, unknown>): string[] {
    return Object.entries(row)
      .filter(([, value]) => {
        const text = typeof value === 'string' ? value : value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : '';
        return /\$(argon2(id|i|d)|2[aby]|scrypt|pbkdf2[-\w]*)\$/.test(text);
      })
      .map(([column]) => column);
  }

  describe('guessing a staff password from a stolen database', () => {
    test('the check can find a stored hash (canary)', () => {
      const canary = { id: 'x', password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA' };
      assert.deepEqual(passwordHashesIn(canary), ['password_hash']);
    });

    test('no column of a staff member\'s row holds a hash of the password; the key is the only thing derived from it', async () => {
      const [row] = await t.db.query<Record<string, unknown>>('select * from users where id = $1', [staff.id]);
      assert.ok(row);
      assert.deepEqual(passwordHashesIn(row), []);
      assert.ok(!('password_hash' in row), 'the old column is gone');
      assert.ok(row.private_key_box instanceof Uint8Array && row.key_kdf, 'the sealed key and its cost are there');
    });

    test('the password is checked by opening the key: right password in, wrong one and unknown login out', async () => {
      const right = await checkPassword(t.db, staff.login, staff.password);
      assert.equal(right.user?.id, staff.id);
      assert.deepEqual(right.keys?.publicKey, staff.publicKey, 'the key opened');
      const wrong = await checkPassword(t.db, staff.login, `${staff.password}!`);
      assert.equal(wrong.user?.id, staff.id);
      assert.equal(wrong.keys, null, 'a wrong password opens nothing');
      const nobody = await checkPassword(t.db, 'nobody-by-that-name', staff.password);
      assert.deepEqual(nobody, { user: null, keys: null });
      // And through the login form, as a person signs in.
      await logInAs(new Browser(t), staff);
    });
  });
});
