import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { translator } from '../../src/i18n/index.ts';
import { DEFAULT_KDF_LIMITS, inKeyDerivationQueue, keyDerivationsWaiting, limitKeyDerivations } from '../../src/crypto/kdf-queue.ts';
import { FAILURES_PER_ACCOUNT_AND_ADDRESS } from '../../src/auth/login-throttle.ts';
import { Browser, assertShows, createStaff, personPost, startTestApp, type StaffUser, type TestApp } from '../support/app.ts';

describe('test/web/kdf-queue.test.ts', () => {
  const ru = translator('ru');
  let t: TestApp;
  let staff: StaffUser;

  before(async () => {
    t = await startTestApp();
    staff = await createStaff(t.db, { login: 'queue', roles: ['caseworker'] });
  });

  after(() => t?.close());

  afterEach(() => limitKeyDerivations(DEFAULT_KDF_LIMITS));

  /**
   * Takes every slot of the queue with derivations the test lets finish when it says, as a flood of
   * slow derivations would. Answers the function that lets them finish.
   */
  async function fillSlots(count: number): Promise<() => Promise<void>> {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const held = Array.from({ length: count }, () => inKeyDerivationQueue(() => gate));
    return async () => {
      release();
      await Promise.all(held);
    };
  }

  let guesses = 0;
  const wrongReceipt = () => `${String((guesses += 1)).padStart(4, '0')}-7777-7777-7777-7777`;

  describe('the bounded queue of key derivations', () => {
    test('when every slot is taken and nobody may wait, a receipt lookup answers 503 with Retry-After, translated', async () => {
      limitKeyDerivations({ concurrency: 1, waiting: 0 });
      const release = await fillSlots(1);
      const person = new Browser(t);
      const busy = await personPost(person, 'ru', { action: 'open', receipt: wrongReceipt() });
      assert.equal(busy.status, 503);
      const retryAfter = Number(busy.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After: ${busy.headers.get('retry-after')}`);
      assertShows(busy, ru('web.error.busy'), 'the busy page');
      await release();
      assert.equal((await personPost(person, 'ru', { action: 'open', receipt: wrongReceipt() })).status, 404, 'served again once a slot is free');
    });

    test('a help request refused as busy comes back as the form with everything typed, not an empty error page', async () => {
      limitKeyDerivations({ concurrency: 1, waiting: 0 });
      const release = await fillSlots(1);
      const story = 'Мне нужно уехать сегодня ночью.';
      let busy;
      try {
        busy = await new Browser(t).post('/ru/help', { needs: ['evacuation'], danger: 'yes', story });
      } finally {
        await release();
      }
      assert.equal(busy.status, 503);
      assert.ok(busy.headers.get('retry-after'), 'Retry-After');
      assertShows(busy, ru('web.error.busy'), 'the reason');
      assertShows(busy, ru('help.error.keptTyped'), 'that the text is kept');
      assert.ok(busy.html.includes(story), 'the story is in the form again');
      assert.match(busy.html, /<input[^>]*name="danger"[^>]*value="yes"[^>]*checked/, 'and the choice');
    });

    test('a staff login is refused the same way, without counting as a failed attempt; pages that derive nothing stay served', async () => {
      limitKeyDerivations({ concurrency: 1, waiting: 0 });
      const colleague = new Browser(t);
      const release = await fillSlots(1);
      try {
        // More than the failures an account may have from one address (5): none of them counts.
        for (let attempt = 1; attempt <= FAILURES_PER_ACCOUNT_AND_ADDRESS + 2; attempt++) {
          const login = await colleague.post('/staff/login', { login: staff.login, password: staff.password });
          assert.equal(login.status, 503, `attempt ${attempt}`);
          assert.ok(login.headers.get('retry-after'), 'Retry-After');
        }
        const visitor = new Browser(t);
        assert.equal((await visitor.get('/api/health')).status, 200, 'health check');
        assert.equal((await visitor.get('/ru/help')).status, 200, 'the help form');
        assert.equal((await visitor.get('/ru/help/status')).status, 200, 'the status form');
      } finally {
        await release();
      }
      const login = await colleague.post('/staff/login', { login: staff.login, password: staff.password });
      assert.equal(login.status, 303, 'the same login, from the same address, succeeds once a slot is free');
    });

    test('a derivation waits while there is room in the line, and the next one is refused', async () => {
      limitKeyDerivations({ concurrency: 1, waiting: 1 });
      const release = await fillSlots(1);
      const waiting = personPost(new Browser(t), 'ru', { action: 'open', receipt: wrongReceipt() });
      while (keyDerivationsWaiting() < 1) await nextTurn();
      assert.equal((await personPost(new Browser(t), 'ru', { action: 'open', receipt: wrongReceipt() })).status, 503, 'the line is full');
      await release();
      assert.equal((await waiting).status, 404, 'the one that waited is answered');
    });

    test('busy answers are not counted as wrong receipts: the person is not locked out by the flood', async () => {
      limitKeyDerivations({ concurrency: 1, waiting: 0 });
      const person = new Browser(t);
      const release = await fillSlots(1);
      for (let attempt = 1; attempt <= 12; attempt++) {
        assert.equal((await personPost(person, 'ru', { action: 'open', receipt: wrongReceipt() })).status, 503, `attempt ${attempt}`);
      }
      await release();
      assert.equal((await personPost(person, 'ru', { action: 'open', receipt: wrongReceipt() })).status, 404, 'still allowed to look up');
    });
  });
});
