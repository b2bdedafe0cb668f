import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { accountBalances } from '../../src/funding/ledger.ts';
import { formatRfReference } from '../../src/funding/rf-reference.ts';
import {
  Browser,
  assertShows,
  countRows,
  createStaff,
  initialiseInstance,
  logInAs,
  loggedIn,
  marker,
  startTestApp,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';
import { BANK, BANK_IBAN, give, pledgeOf, statementXml, uploadStatement } from './give-support.ts';

describe('test/funding/statement-import.test.ts', () => {
  /**
   * The treasurer imports the bank's camt.053 statements: credits that pay a pledge exactly are
   * booked, the rest wait with a reason and are booked by hand or marked "not a gift"; the same
   * file imported again changes nothing; a broken file stores nothing.
   */
  let t: TestApp;
  let treasurer: StaffUser;
  let books: Browser;
  let runs = 0;

  before(async () => {
    t = await startTestApp(BANK);
    await initialiseInstance(t.db);
    treasurer = await createStaff(t.db, { login: 'import-treasurer', roles: ['treasurer'] });
    books = await loggedIn(t, treasurer);
  });

  after(() => t?.close());

  /** Three pledges made on the Give page: one paid exactly, one paid with another amount, one paid with the reference typed in the text. */
  async function pledges() {
    const exact = pledgeOf((await give(t, 'nl', { preset: '2500', purpose: 'shelter', display: 'anonymous' })).page.html);
    const wrong = pledgeOf((await give(t, 'nl', { preset: '5000', purpose: 'psych', display: 'private' })).page.html);
    const text = pledgeOf((await give(t, 'ru', { preset: '1000', purpose: 'legal', display: 'anonymous', name: 'Аня' })).page.html);
    runs += 1;
    const run = `${Date.now()}R${runs}`;
    return { exact, wrong, text, run, xml: (payers = {}) => statementXml({ run, rfExact: exact.rf, rfWrong: wrong.rf, rfText: formatRfReference(text.rf), payers }) };
  }

  /** Everything an import could change: rows of the books and of the statements, and every balance. */
  async function snapshot() {
    const counts: Record<string, number> = {};
    for (const table of ['ledger_transactions', 'ledger_entries', 'bank_statement_lines', 'bank_statement_imports', 'vaults', 'vault_keys']) counts[table] = await countRows(t.db, table);
    counts.received = await countRows(t.db, 'gifts', "state = 'received'");
    return { counts, balances: Object.fromEntries([...(await accountBalances(t.db))].map(([account, cents]) => [account, cents.toString()])) };
  }

  const balance = async (account: string) => (await accountBalances(t.db, [account])).get(account) ?? 0n;
  const giftState = async (rf: string) => (await t.db.query<{ state: string; received_on: string | null }>('select state, received_on from gifts where rf_reference = $1', [rf]))[0];
  const lineOf = async (run: string, n: number) =>
    (await t.db.query<{ id: string; state: string; reason: string | null }>('select id, state, reason from bank_statement_lines where source_ref = $1', [`camt:${BANK_IBAN}:ABN${run}IMP000${n}`]))[0]!;

  test('a statement books the exact payments, and the rest waits with its reason', async () => {
    const p = await pledges();
    const payer = marker('payer');
    const bank = await balance('assets:bank');
    const shelter = await balance('income:gifts:shelter');
    const legal = await balance('income:gifts:legal');
    const uploaded = await uploadStatement(books, p.xml({ unknown: payer }));
    assert.equal(uploaded.status, 303, uploaded.html.slice(0, 300));
    assert.equal(uploaded.location, '/staff/funding/statements?imported=5.0.2.2.1', 'five new lines: two booked, two waiting, one payment out');

    assert.equal(await balance('assets:bank'), bank + 3500n, 'the bank account holds the two gifts');
    assert.equal(await balance('income:gifts:shelter'), shelter - 2500n, 'credited to the purpose of the pledge paid exactly');
    assert.equal(await balance('income:gifts:legal'), legal - 1000n, 'and to the one whose reference was in the text');
    assert.deepEqual(await giftState(p.exact.rf), { state: 'received', received_on: '2026-03-02' }, 'received on the booking day');
    assert.deepEqual(await giftState(p.text.rf), { state: 'received', received_on: '2026-03-02' });
    assert.deepEqual(await giftState(p.wrong.rf), { state: 'pledged', received_on: null }, 'a different amount books nothing');
    assert.equal((await lineOf(p.run, 2)).reason, 'amount_differs');
    assert.equal((await lineOf(p.run, 4)).reason, 'no_reference');
    assert.equal((await lineOf(p.run, 5)).state, 'debit');
    const [booked] = await t.db.query<{ source_ref: string; kind: string }>(
      'select t.source_ref, t.kind from ledger_transactions t join gifts g on g.ledger_seq = t.seq where g.rf_reference = $1',
      [p.exact.rf],
    );
    assert.deepEqual(booked, { source_ref: `camt:${BANK_IBAN}:ABN${p.run}IMP0001`, kind: 'gift' }, 'the line\'s source ref is the transaction\'s');

    // The page: the counts, and each waiting line with the payer (decrypted) and why it waits.
    const page = await books.get(uploaded.location!);
    assertShows(page, '5 new lines');
    assertShows(page, '2 gifts booked');
    assertShows(page, '2 lines wait for you');
    assertShows(page, payer, 'the payer of a waiting line');
    assertShows(page, 'the amount differs from the pledge');
    assertShows(page, 'no RF reference');
    assertShows(page, 'Huur kamer 3', 'the payment out is listed');
    // A payer's name is sealed in the import's vault, not stored as text.
    assert.equal(await countRows(t.db, 'bank_statement_lines', 'details is not null and position($1::bytea in details) > 0', [Buffer.from(payer)]), 0);

    // The donor sees it arrive with the gift code.
    const shown = await new Browser(t).post('/nl/give/gift', { code: p.exact.code });
    assert.match(shown.html, /data-gift-state="received"/);
    assertShows(shown, 'Ontvangen op');
  });

  test('importing the same file again changes nothing', async () => {
    const p = await pledges();
    const xml = p.xml();
    assert.equal((await uploadStatement(books, xml)).status, 303);
    const first = await snapshot();
    const again = await uploadStatement(books, xml);
    assert.equal(again.location, '/staff/funding/statements?imported=0.5.0.0.0', 'five lines imported before, none new');
    assert.deepEqual(await snapshot(), first, 'the same rows, the same balances');
    assertShows(await books.get(again.location!), '5 lines imported before');
    // The same file under another name, with the spaces and line breaks of another export: still the same lines.
    const reformatted = xml.replace(/>\s+</g, '><');
    assert.equal((await uploadStatement(books, reformatted, 'other-name.xml')).location, '/staff/funding/statements?imported=0.5.0.0.0');
    assert.deepEqual(await snapshot(), first);
  });

  test('a pledge past its expiry still matches when the money arrives late', async () => {
    const p = await pledges();
    // The donor paid weeks late: the pledge (fully anonymous, nothing sealed to its days) expired long ago.
    await t.db.query("update gifts set pledged_on = '2026-01-02', expires_on = '2026-01-16' where rf_reference = $1", [p.wrong.rf]);
    const late = await new Browser(t).post('/en/give/gift', { code: p.wrong.code });
    assert.match(late.html, /data-gift-state="expired"/, 'shown as expired before');
    assertShows(late, 'If you have paid, your gift is still booked when it arrives.');
    const xml = statementXml({ run: p.run, rfExact: p.wrong.rf, rfWrong: p.exact.rf, rfText: 'none' }).replace('<Amt Ccy="EUR">25.00</Amt>', '<Amt Ccy="EUR">50.00</Amt>').replace('<Amt Ccy="EUR">25.00</Amt>', '<Amt Ccy="EUR">50.00</Amt>');
    const psych = await balance('income:gifts:psych');
    const uploaded = await uploadStatement(books, xml);
    assert.equal(uploaded.status, 303);
    assert.deepEqual(await giftState(p.wrong.rf), { state: 'received', received_on: '2026-03-02' }, 'booked, late');
    assert.equal(await balance('income:gifts:psych'), psych - 5000n);
  });

  test('a waiting line is booked by hand to a purpose, or marked "not a gift" with a reason', async () => {
    const p = await pledges();
    assert.equal((await uploadStatement(books, p.xml())).status, 303);
    const wrong = await lineOf(p.run, 2);
    const unknown = await lineOf(p.run, 4);
    const general = await balance('income:gifts:general');
    const psych = await balance('income:gifts:psych');

    // The different amount is the donor's pledge after all: booked to its purpose, the pledge received.
    assert.equal((await books.staffPost(`/staff/funding/lines/${wrong.id}/book`, { purpose: 'psych' })).location, '/staff/funding/statements?done=booked');
    assert.equal(await balance('income:gifts:psych'), psych - 4000n, 'booked at the amount received');
    assert.equal((await giftState(p.wrong.rf))?.state, 'received', 'the pledge it belongs to is received');
    // Booking it again changes nothing.
    const before = await snapshot();
    assert.equal((await books.staffPost(`/staff/funding/lines/${wrong.id}/book`, { purpose: 'general' })).location, '/staff/funding/statements?done=not_waiting');
    assert.deepEqual(await snapshot(), before);

    // The line without a reference is not a gift: a refund, with a note that may name the payer.
    const note = marker('dismiss-note');
    assert.equal((await books.staffPost(`/staff/funding/lines/${unknown.id}/dismiss`, { reason: 'refund', note })).location, '/staff/funding/statements?done=dismissed');
    assert.equal((await lineOf(p.run, 4)).state, 'dismissed');
    assert.equal(await balance('income:gifts:general'), general, 'nothing booked');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'statement.line_dismissed' and subject_id = $1", [unknown.id]), 1, 'audited');
    assert.equal(await countRows(t.db, 'bank_statement_lines', 'id = $1 and position($2::bytea in note) = 0', [unknown.id, Buffer.from(note)]), 1, 'the note is sealed');
    const page = await books.get('/staff/funding/statements');
    assertShows(page, note, 'the treasurer reads the note back');
    assertShows(page, 'a refund or money returned to us');
    // A line that does not exist, and a form that is not one: nothing happens.
    assert.equal((await books.staffPost('/staff/funding/lines/00000000-0000-4000-8000-000000000000/book', { purpose: 'general' })).status, 404);
    assert.equal((await books.staffPost(`/staff/funding/lines/${unknown.id}/book`, { purpose: 'weapons' })).status, 303);
    assert.equal((await lineOf(p.run, 4)).state, 'dismissed');
  });

  test('a gift without any pledge is booked by hand to where it is most needed', async () => {
    const p = await pledges();
    assert.equal((await uploadStatement(books, p.xml())).status, 303);
    const unknown = await lineOf(p.run, 4);
    const general = await balance('income:gifts:general');
    const bank = await balance('assets:bank');
    assert.equal((await books.staffPost(`/staff/funding/lines/${unknown.id}/book`, { purpose: 'general' })).location, '/staff/funding/statements?done=booked');
    assert.equal(await balance('income:gifts:general'), general - 1500n);
    assert.equal(await balance('assets:bank'), bank + 1500n);
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'statement.line_booked' and subject_id = $1", [unknown.id]), 1, 'audited');
  });

  describe('a file that is not a statement of our account is refused, and nothing is stored', () => {
    const cases: { what: string; file: () => string; says: string }[] = [
      { what: 'malformed XML', file: () => '<Document><BkToCstmrStmt><Stmt>', says: 'This is not a well-formed XML file.' },
      { what: 'a truncated statement', file: () => statementXml({ run: 'T', rfExact: 'RF00', rfWrong: 'RF00', rfText: '' }).slice(0, 2000), says: 'This is not a well-formed XML file.' },
      { what: 'another XML document', file: () => '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>', says: 'not a camt.053 bank statement' },
      { what: 'a statement of another account', file: () => statementXml({ run: 'X', iban: 'NL02ABNA0123456789', rfExact: 'RF00', rfWrong: 'RF00', rfText: '' }), says: 'another account' },
      { what: 'an entity declaration', file: () => '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "y">]><Document/>', says: 'declares a document type' },
      { what: 'an empty file', file: () => '', says: 'Choose a file to import.' },
    ];
    for (const { what, file, says } of cases) {
      test(what, async () => {
        const before = await snapshot();
        const page = await uploadStatement(books, file());
        assert.equal(page.status, 400, what);
        assertShows(page, says, what);
        assertShows(page, 'The file was not imported, and nothing was stored.');
        assert.deepEqual(await snapshot(), before, 'nothing stored');
      });
    }
  });

  describe('only the treasurer', () => {
    test('other roles cannot see the pledges or statements, nor upload; an upload without its token is refused', async () => {
      const p = await pledges();
      const before = await snapshot();
      for (const role of ['coordinator', 'editor', 'caseworker', 'administrator'] as const) {
        const other = await loggedIn(t, await createStaff(t.db, { login: `import-${role}`, roles: [role] }));
        for (const path of ['/staff/funding', '/staff/funding/statements']) assert.equal((await other.get(path)).status, 404, `${role} GET ${path}`);
        assert.equal((await uploadStatement(other, p.xml())).status, 404, `${role} uploads`);
      }
      assert.equal((await uploadStatement(new Browser(t), p.xml())).status, 403, 'a visitor without a session');
      const forged = new Browser(t);
      await logInAs(forged, treasurer);
      forged.csrfToken = 'not-the-token';
      assert.equal((await uploadStatement(forged, p.xml())).status, 403, 'a treasurer\'s session without the form\'s token');
      assert.deepEqual(await snapshot(), before, 'nothing imported');
    });
  });
});
