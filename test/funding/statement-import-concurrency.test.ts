import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { accountBalances } from '../../src/funding/ledger.ts';
import { formatRfReference } from '../../src/funding/rf-reference.ts';
import { countRows, createStaff, initialiseInstance, loggedIn, startTestApp, type TestApp } from '../support/app.ts';
import { BANK, BANK_IBAN, give, pledgeOf, statementXml, uploadStatement } from './give-support.ts';

describe('test/funding/statement-import-concurrency.test.ts', () => {
  /**
   * Two treasurers upload the same statement at the same moment, on a PostgreSQL server (the
   * embedded database runs one transaction at a time and cannot show a race), while a third books
   * a waiting line by hand: every line is stored once and every gift booked once.
   */
  const server = process.env.TEST_DATABASE_URL;
  let t: TestApp;

  before(async () => {
    if (!server) return;
    t = await startTestApp(BANK);
    await initialiseInstance(t.db);
  });

  after(() => t?.close());

  test('two treasurers import one file at once: each line is booked once', { skip: !server && 'needs TEST_DATABASE_URL' }, async () => {
    const [one, two] = await Promise.all(['cc-treasurer-1', 'cc-treasurer-2'].map(async (login) => loggedIn(t, await createStaff(t.db, { login, roles: ['treasurer'] }))));
    const exact = pledgeOf((await give(t, 'nl', { preset: '2500', purpose: 'shelter' })).page.html);
    const wrong = pledgeOf((await give(t, 'nl', { preset: '5000', purpose: 'psych' })).page.html);
    const text = pledgeOf((await give(t, 'nl', { preset: '1000', purpose: 'legal' })).page.html);
    const files = ['A', 'B', 'C'].map((run) => statementXml({ run: `CC${run}`, rfExact: exact.rf, rfWrong: wrong.rf, rfText: formatRfReference(text.rf) }));

    for (let round = 0; round < 3; round++) {
      // Both treasurers upload the same three files, each in the other's order, twice over.
      const uploads = await Promise.all([
        ...files.map((file) => uploadStatement(one!, file)),
        ...[...files].reverse().map((file) => uploadStatement(two!, file)),
      ]);
      assert.deepEqual(
        uploads.map((page) => page.status),
        Array(uploads.length).fill(303),
        'every upload answered, none failed',
      );
    }

    assert.equal(await countRows(t.db, 'bank_statement_lines'), 15, 'five lines of each file, once');
    assert.equal(await countRows(t.db, 'bank_statement_imports'), 3, 'one import made each file\'s lines');
    // The first file booked both pledges; in the others they come as "already received".
    assert.equal(await countRows(t.db, 'ledger_transactions', "kind = 'gift'"), 2, 'each pledge booked once');
    assert.equal(await countRows(t.db, 'ledger_transactions', 'source_ref like $1', [`camt:${BANK_IBAN}:%`]), 2);
    assert.equal(await countRows(t.db, 'bank_statement_lines', "reason = 'already_received'"), 4);
    const balances = await accountBalances(t.db, ['assets:bank', 'income:gifts:shelter', 'income:gifts:legal']);
    assert.deepEqual(Object.fromEntries(balances), { 'assets:bank': 3500n, 'income:gifts:legal': -1000n, 'income:gifts:shelter': -2500n });
  });

  test('two treasurers book the same waiting line by hand at once: it is booked once', { skip: !server && 'needs TEST_DATABASE_URL' }, async () => {
    const [one, two] = await Promise.all(['cc-treasurer-3', 'cc-treasurer-4'].map(async (login) => loggedIn(t, await createStaff(t.db, { login, roles: ['treasurer'] }))));
    const [line] = await t.db.query<{ id: string }>("select id from bank_statement_lines where reason = 'no_reference' order by id limit 1");
    const sum = async () => [...(await accountBalances(t.db, ['income:gifts:general', 'income:gifts:shelter'])).values()].reduce((a, b) => a + b, 0n);
    const before = await sum();
    const answers = await Promise.all([one!, two!, one!, two!].map((browser, i) => browser.staffPost(`/staff/funding/lines/${line!.id}/book`, { purpose: i % 2 ? 'general' : 'shelter' })));
    assert.deepEqual(answers.map((page) => page.status), [303, 303, 303, 303]);
    assert.equal(answers.filter((page) => page.location?.endsWith('done=booked')).length, 1, 'one booked it; the others were told it was decided');
    assert.equal((await sum()) - before, -1500n, 'fifteen euros booked once, to one purpose');
  });
});
