import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openEmbedded, type Db } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { parseShare } from '../../src/crypto/recovery.ts';
import { keepShares } from '../../src/auth/recovery-shares.ts';
import { addDays, todayIn } from '../../src/i18n/days.ts';
import { CHUNK_BYTES } from '../../src/files/chunks.ts';
import { formatRfReference } from '../../src/funding/rf-reference.ts';
import { BANK, give, pledgeOf, statementXml, uploadStatement } from '../funding/give-support.ts';
import { openTestDb } from '../support/db.ts';
import {
  Browser,
  assertShows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  personPost,
  startTestApp,
  submitHelp,
  type TestApp,
} from '../support/app.ts';

describe('test/security/stolen-database.test.ts', () => {
  /**
   * What someone who steals the database, a backup or the server's disk gets: every field a person
   * or the team wrote is planted as a distinct marker, then searched for everywhere. The same
   * markers are read back through the app by people who hold the keys, and a plaintext canary is
   * found by the same search, so the search would catch plaintext if there were any.
   */
  const embedded = !process.env.TEST_DATABASE_URL;
  let dataDir: string | undefined;
  let db: Db;
  let t: TestApp;
  let closed = false;
  const startedAt = Date.now();

  const words = {
    story: marker('story'),
    city: `МАРКЕР-город-${marker('city').slice(-8)}`,
    contact: marker('contact'),
    safeTimes: marker('safeTimes'),
    codeWord: marker('codeWord'),
    otherNeed: marker('otherNeed'),
    personMessage: marker('personMessage'),
    laterMessage: marker('laterMessage'),
    staffReply: marker('staffReply'),
    caseNote: marker('caseNote'),
    joinedStory: marker('joinedStory'),
    psychNote: marker('psychNote'),
    legalNote: marker('legalNote'),
    housingNote: marker('housingNote'),
    directName: marker('directName'),
    directWhereNow: marker('directWhereNow'),
    directContacts: marker('directContacts'),
    directStory: marker('directStory'),
    directReferredBy: marker('directReferredBy'),
    // The service tracks: the evacuation plan (logistics vault), clothing (core), deadlines (legal), tasks.
    planRoute: marker('planRoute'),
    planDates: marker('planDates'),
    planDocumentsHave: marker('planDocumentsHave'),
    planDocumentsLack: marker('planDocumentsLack'),
    planMoney: marker('planMoney'),
    planContactPeople: marker('planContactPeople'),
    clothingItem: marker('clothingItem'),
    clothingSize: marker('clothingSize'),
    deadlineDetail: marker('deadlineDetail'),
    taskTitle: marker('taskTitle'),
    // The directory of helpers: an entry's contact details (its vault) and a referral's note (the case's core).
    directoryContact: marker('directoryContact'),
    referralNote: marker('referralNote'),
    // A document: its name and description (sealed with its key) and what the file itself says.
    documentName: `Паспорт-${marker('documentName')}`,
    documentDescription: marker('documentDescription'),
    documentBytes: marker('documentBytes'),
    // Giving: the donor (their vault), the public message (also the editors' vault), what the bank
    // says of a payer and the treasurer's note on a line (the import's vault).
    donorName: `Даритель-${marker('donorName').slice(-8)}`,
    donorEmail: `${marker('donorEmail').toLowerCase()}@example.org`,
    donorMessage: marker('donorMessage'),
    payerName: marker('payerName'),
    transferText: marker('transferText'),
    lineNote: marker('lineNote'),
    expenseDescription: marker('expenseDescription'),
    expenseReason: marker('expenseReason'),
  };
  type Field = keyof typeof words;

  /** Who reads each marker back, and where: each part of a case only by the role that holds it. */
  const READ_BACK: { who: string; page: 'case' | 'direct' | 'document' | 'directory' | 'gift' | 'giftMessages' | 'statements' | 'expense'; fields: Field[] }[] = [
    {
      who: 'coordinator',
      page: 'case',
      fields: ['story', 'city', 'contact', 'safeTimes', 'codeWord', 'otherNeed', 'personMessage', 'laterMessage', 'staffReply', 'caseNote', 'joinedStory'],
    },
    {
      who: 'caseworker',
      page: 'case',
      fields: [
        'planRoute',
        'planDates',
        'planDocumentsHave',
        'planDocumentsLack',
        'planMoney',
        'planContactPeople',
        'clothingItem',
        'clothingSize',
        'taskTitle',
        'documentName',
        'documentDescription',
      ],
    },
    { who: 'caseworker', page: 'document', fields: ['documentBytes'] },
    { who: 'caseworker', page: 'case', fields: ['referralNote'] },
    { who: 'coordinator', page: 'directory', fields: ['directoryContact'] },
    { who: 'psychologist', page: 'case', fields: ['psychNote'] },
    { who: 'lawyer', page: 'case', fields: ['legalNote', 'deadlineDetail'] },
    { who: 'housing coordinator', page: 'case', fields: ['housingNote'] },
    { who: 'coordinator', page: 'direct', fields: ['directName', 'directWhereNow', 'directContacts', 'directStory', 'directReferredBy'] },
    { who: 'treasurer', page: 'gift', fields: ['donorName', 'donorEmail', 'donorMessage'] },
    { who: 'editor', page: 'giftMessages', fields: ['donorMessage'] },
    { who: 'treasurer', page: 'statements', fields: ['payerName', 'transferText', 'lineNote'] },
    { who: 'treasurer', page: 'expense', fields: ['expenseDescription', 'expenseReason'] },
  ];
  /**
   * A psychological session holds no free text (date, length, form): what would leak is the value
   * as sealed, so that is the needle; an unusual length makes it the psychologist's to read back.
   */
  const SESSION = { date: addDays(todayIn(), -3), minutes: 593, form: 'video' } as const;
  const PERSON_ADDRESS = '198.51.100.77';
  const CANARY = { text: marker('canary-text'), bytes: marker('canary-bytes') };

  type Needle = { name: string; patterns: Buffer[] };
  const needles: Needle[] = [];
  const textNeedle = (name: string, value: string): Needle => {
    const utf8 = Buffer.from(value);
    return { name, patterns: [utf8, Buffer.from(utf8.toString('hex')), Buffer.from(utf8.toString('hex').toUpperCase())] };
  };
  const secretNeedle = (name: string, raw: Uint8Array): Needle => {
    const bytes = Buffer.from(raw);
    return { name, patterns: [bytes, Buffer.from(bytes.toString('hex')), Buffer.from(bytes.toString('base64url')), Buffer.from(bytes.toString('base64'))] };
  };
  const canaries = [textNeedle('canary text', CANARY.text), textNeedle('canary bytes', CANARY.bytes)];

  let receipt = '';
  let requestId = '';
  let casePath = '';
  let directPath = '';
  let documentPath = '';
  let giftPath = '';
  let expensePath = '';
  let giftCode = '';
  const readers = new Map<string, Browser>();
  const logged: string[] = [];

  before(async () => {
    if (embedded) {
      dataDir = await mkdtemp(join(tmpdir(), 'beside-stolen-'));
      db = await openEmbedded(dataDir);
      await migrate(db);
    } else {
      db = await openTestDb();
    }
    t = await startTestApp(BANK, { db });

    const originals = { log: console.log, warn: console.warn, error: console.error };
    for (const level of ['log', 'warn', 'error'] as const) console[level] = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
    try {
      const instance = await initialiseInstance(db);
      const caseworker = await createStaff(db, { login: 'stolencw', roles: ['caseworker'] });
      const specialists = [
        { role: 'psychologist', who: 'psychologist', part: 'psych', note: words.psychNote },
        { role: 'lawyer', who: 'lawyer', part: 'legal', note: words.legalNote },
        { role: 'housing_coordinator', who: 'housing coordinator', part: 'housing', note: words.housingNote },
      ] as const;
      const specialistUsers = await Promise.all(specialists.map((s) => createStaff(db, { login: `stolen-${s.role}`, roles: [s.role] })));
      const person = new Browser(t, { address: PERSON_ADDRESS });
      const submitted = await submitHelp(person, 'ru', {
        needs: ['evacuation', 'other'],
        danger: 'yes',
        country: 'RU',
        language: 'ru',
        contactShared: 'yes',
        story: words.story,
        city: words.city,
        contact: words.contact,
        safeTimes: words.safeTimes,
        codeWord: words.codeWord,
        otherNeed: words.otherNeed,
      });
      ({ receipt, requestId } = submitted);
      assert.equal((await personPost(person, 'ru', { action: 'write', receipt, body: words.personMessage })).status, 200);

      // A second request from the same person, joined to the case: what it said becomes a core note.
      const second = await submitHelp(new Browser(t, { address: PERSON_ADDRESS }), 'ru', { needs: ['housing'], story: words.joinedStory });

      const coordinator = await loggedIn(t, instance.admin);
      readers.set('coordinator', coordinator);
      assert.equal((await coordinator.staffPost(`/staff/requests/${requestId}/reply`, { body: words.staffReply })).status, 303);
      const made = await coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: caseworker.id });
      assert.equal(made.status, 303);
      casePath = made.location!.split('?')[0]!;
      const caseId = casePath.split('/').pop()!;
      assert.equal((await coordinator.staffPost(`/staff/requests/${second.requestId}/join`, { case: caseId })).status, 303);
      const colleague = await loggedIn(t, caseworker);
      readers.set('caseworker', colleague);
      assert.equal((await colleague.staffPost(`${casePath}/notes`, { body: words.caseNote, part: 'core' })).status, 303);
      assert.equal((await colleague.get(casePath)).status, 200, 'the caseworker opens the case');
      // Each part of the case gets a note from the role that holds it.
      for (const [index, specialist] of specialists.entries()) {
        const user = specialistUsers[index]!;
        assert.equal((await colleague.staffPost(`${casePath}/assign`, { user: user.id, role: specialist.role })).status, 303, `adding the ${specialist.who}`);
        const browser = await loggedIn(t, user);
        readers.set(specialist.who, browser);
        const noted = await browser.staffPost(`${casePath}/notes`, { body: specialist.note, part: specialist.part });
        assert.equal(noted.location, `${casePath}?done=note`, `the ${specialist.who}'s note`);
      }
      assert.equal((await personPost(person, 'ru', { action: 'write', receipt: receipt.replace(/-/g, ' '), body: words.laterMessage })).status, 200);

      // The service tracks, through the forms on the case page.
      for (const track of ['evacuation', 'clothing', 'psych', 'legal']) {
        assert.equal((await colleague.staffPost(`${casePath}/tracks/${track}`, {})).status, 303, `the ${track} track opens`);
      }
      const plan = {
        route: words.planRoute,
        dates: words.planDates,
        documentsHave: words.planDocumentsHave,
        documentsLack: words.planDocumentsLack,
        moneyNeeded: words.planMoney,
        contactPeople: words.planContactPeople,
      };
      assert.equal((await colleague.staffPost(`${casePath}/evacuation/plan`, plan)).location, `${casePath}?tracks=saved#track-evacuation`, 'the evacuation plan');
      const clothing = await colleague.staffPost(`${casePath}/clothing`, { item: words.clothingItem, size: words.clothingSize, quantity: '2' });
      assert.equal(clothing.location, `${casePath}?tracks=saved#track-clothing`, 'the clothing item');
      const session = await readers.get('psychologist')!.staffPost(`${casePath}/psych/sessions`, { date: SESSION.date, minutes: String(SESSION.minutes), form: SESSION.form });
      assert.equal(session.location, `${casePath}?tracks=saved#track-psych`, 'the psychological session');
      const deadline = await readers.get('lawyer')!.staffPost(`${casePath}/deadlines`, { kind: 'other', due: addDays(todayIn(), 10), detail: words.deadlineDetail });
      assert.equal(deadline.location, `${casePath}?tracks=saved#track-legal`, 'the deadline');
      const task = await colleague.staffPost(`${casePath}/tasks`, { title: words.taskTitle, assignee: caseworker.id, due: addDays(todayIn(), 2), part: 'core' });
      assert.equal(task.location, `${casePath}?tracks=saved#tasks`, 'the task');
      const entry = { kind: 'lawyer', name: 'Stolen-database lawyer', languages: 'ru', city: '', friendly: 'yes', capacity: '2', contact: words.directoryContact };
      assert.equal((await coordinator.staffPost('/staff/directory/new', entry)).status, 303, 'the directory entry');
      const [entryRow] = await db.query<{ id: string }>('select id from directory_entries');
      const referral = await colleague.staffPost(`${casePath}/referrals`, { entry: entryRow!.id, note: words.referralNote });
      assert.equal(referral.status, 303, 'the referral');

      // A document, uploaded as the browser sends the form; the file is longer than one chunk and says its marker in both.
      const said = Buffer.from(`\n% ${words.documentBytes}\n`);
      const file = Buffer.concat([Buffer.from('%PDF-1.4'), said, Buffer.alloc(CHUNK_BYTES, '0'), said, Buffer.from('%%EOF\n')]);
      const boundary = '----besidestolen';
      const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
      const body = Buffer.concat([
        Buffer.from(
          field('_csrf', colleague.csrfToken!) +
            field('part', 'core') +
            field('kind', 'identity') +
            field('description', words.documentDescription) +
            `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${words.documentName}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
        ),
        file,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const uploaded = await colleague.request(`${casePath}/documents`, {
        method: 'POST',
        headers: { 'Sec-Fetch-Site': 'same-origin', 'Content-Type': `multipart/form-data; boundary=${boundary}` },
        body: new Uint8Array(body),
      });
      assert.equal(uploaded.location, `${casePath}?document=added#documents`, 'the document is added');
      const link = new RegExp(`${casePath}/documents/[0-9a-f-]{36}`).exec((await colleague.get(casePath)).html);
      assert.ok(link, 'the case page links the document');
      documentPath = link[0];

      // A case opened for someone referred by a partner organisation: its content has its own schema.
      const direct = await coordinator.staffPost('/staff/cases/new', {
        origin: 'referral',
        caseworkerId: caseworker.id,
        language: 'ru',
        needs: 'housing',
        preferredName: words.directName,
        whereNow: words.directWhereNow,
        contacts: words.directContacts,
        story: words.directStory,
        referredBy: words.directReferredBy,
      });
      assert.equal(direct.status, 303, 'the referral case is opened');
      directPath = direct.location!.split('?')[0]!;

      // A gift by transfer with everything a donor may tell, and the statement that pays it.
      const treasurer = await createStaff(db, { login: 'stolen-treasurer', roles: ['treasurer'] });
      const editor = await createStaff(db, { login: 'stolen-editor', roles: ['editor'] });
      const donated = await give(new Browser(t, { address: PERSON_ADDRESS }), 'ru', {
        preset: '2500',
        purpose: 'shelter',
        display: 'public',
        name: words.donorName,
        email: words.donorEmail,
        receipt: 'yes',
        message: words.donorMessage,
      });
      const pledge = pledgeOf(donated.page.html);
      giftCode = pledge.code;
      const [giftRow] = await db.query<{ id: string }>('select id from gifts where rf_reference = $1', [pledge.rf]);
      giftPath = `/staff/funding/gifts/${giftRow!.id}`;
      const books = await loggedIn(t, treasurer);
      readers.set('treasurer', books);
      readers.set('editor', await loggedIn(t, editor));
      const statement = statementXml({ run: 'STOLEN', rfExact: pledge.rf, rfWrong: pledge.rf, rfText: formatRfReference(pledge.rf), text: words.transferText, payers: { exact: words.payerName } });
      assert.equal((await uploadStatement(books, statement)).status, 303, 'the statement is imported');
      const [waiting] = await db.query<{ id: string }>("select id from bank_statement_lines where reason = 'no_reference'");
      assert.equal((await books.staffPost(`/staff/funding/lines/${waiting!.id}/dismiss`, { reason: 'other', note: words.lineNote })).status, 303, 'a line is dismissed with a note');
      const expense = await books.staffPost('/staff/expenses/new', { amount: '12,00', purpose: 'shelter', category: 'travel', spentOn: '2026-01-02', description: words.expenseDescription });
      expensePath = /^\/staff\/expenses\/[0-9a-f-]{36}/.exec(expense.location ?? '')?.[0] ?? '';
      assert.equal((await books.staffPost(`${expensePath}/reject`, { reason: words.expenseReason })).status, 303, 'an expense is rejected with a reason');

      for (const [field, value] of Object.entries(words)) needles.push(textNeedle(field, value));
      needles.push(textNeedle('gift code', giftCode));
      needles.push(textNeedle('psych session', JSON.stringify(SESSION)), textNeedle('psych session length', `"minutes":${SESSION.minutes}`));
      needles.push(textNeedle('receipt', receipt), textNeedle('receipt digits', receipt.replace(/-/g, '')));
      needles.push(textNeedle('address of the person', PERSON_ADDRESS));
      for (const user of [instance.admin, caseworker, ...specialistUsers, treasurer, editor]) {
        needles.push(textNeedle(`password of ${user.login}`, user.password), textNeedle(`TOTP secret of ${user.login}`, user.totpSecret));
      }
      for (const [who, browser] of readers) {
        const [id, secret] = browser.cookie()!.split('.') as [string, string];
        needles.push(secretNeedle(`cookie id of the ${who}`, Buffer.from(id, 'base64url')), secretNeedle(`cookie secret of the ${who}`, Buffer.from(secret, 'base64url')));
      }
      instance.shares.forEach((share, index) => needles.push(textNeedle(`recovery share ${index + 1}`, share), secretNeedle(`recovery share ${index + 1} (bytes)`, parseShare(share))));
      // The shares as the setup link keeps them until they are confirmed, sealed under a cookie's key.
      const sharesCookie = await keepShares(db, { shares: instance.shares, threshold: instance.threshold, createdAt: new Date() });
      const [sharesId, sharesSecret] = sharesCookie.split('.') as [string, string];
      needles.push(secretNeedle('cookie id of the kept shares', Buffer.from(sharesId, 'base64url')), secretNeedle('cookie secret of the kept shares', Buffer.from(sharesSecret, 'base64url')));
    } finally {
      Object.assign(console, originals);
    }

    await db.query('create table zz_canary (note text, blob bytea)');
    await db.query('insert into zz_canary values ($1, $2)', [CANARY.text, Buffer.from(CANARY.bytes)]);
  });

  after(async () => {
    if (!closed) await t?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** The needles found in one value as stored. */
  function found(value: unknown, among: Needle[]): string[] {
    if (value === null || value === undefined) return [];
    const bytes =
      value instanceof Uint8Array
        ? Buffer.from(value)
        : Buffer.from(
            typeof value === 'string'
              ? value
              : value instanceof Date
                ? value.toISOString()
                : typeof value === 'bigint'
                  ? value.toString()
                  : JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : typeof v === 'bigint' ? v.toString() : v)),
          );
    return among.filter((needle) => needle.patterns.some((pattern) => bytes.includes(pattern))).map((needle) => needle.name);
  }

  async function countRowsOf(fromWhere: string): Promise<number> {
    const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ${fromWhere}`);
    return row?.n ?? 0;
  }

  async function scanTables(): Promise<{ tables: string[]; hits: string[]; canariesFound: Set<string> }> {
    const tables = (
      await db.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name")
    ).map((row) => row.table_name);
    const hits: string[] = [];
    const canariesFound = new Set<string>();
    for (const table of tables) {
      const rows = await db.query<Record<string, unknown>>(`select * from "${table}"`);
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) {
          for (const name of found(value, needles)) hits.push(`${table}.${column}: ${name}`);
          for (const name of found(value, canaries)) canariesFound.add(name);
        }
      }
    }
    return { tables, hits, canariesFound };
  }

  async function* filesUnder(dir: string): AsyncGenerator<string> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) yield* filesUnder(path);
      else if (entry.isFile()) yield path;
    }
  }

  async function scanFiles(paths: AsyncIterable<string>): Promise<{ files: number; hits: string[]; canariesFound: Set<string> }> {
    const hits: string[] = [];
    const canariesFound = new Set<string>();
    let files = 0;
    for await (const path of paths) {
      const bytes = await readFile(path);
      files += 1;
      for (const name of found(bytes, needles)) hits.push(`${path}: ${name}`);
      for (const name of found(bytes, canaries)) canariesFound.add(name);
    }
    return { files, hits, canariesFound };
  }

  describe('a stolen database', () => {
    test('the team members who hold the keys read every marker back (so the markers were stored)', async () => {
      const readBack = new Set<Field>();
      for (const { who, page, fields } of READ_BACK) {
        const shown = await readers.get(who)!.get(
          { case: casePath, direct: directPath, document: documentPath, directory: '/staff/directory', gift: giftPath, giftMessages: '/staff/gift-messages', statements: '/staff/funding/statements', expense: expensePath }[page],
        );
        assert.equal(shown.status, 200, `the ${who}'s ${page} page`);
        for (const field of fields) {
          assertShows(shown, words[field], `the ${who}'s ${page} page (${field})`);
          readBack.add(field);
        }
      }
      assert.deepEqual([...readBack].sort(), Object.keys(words).sort(), 'every marker is read back by someone');
      assertShows(await readers.get('psychologist')!.get(casePath), `${SESSION.minutes} minutes`, "the psychologist's case page (session)");
      const status = await personPost(new Browser(t), 'ru', { action: 'open', receipt });
      for (const field of ['personMessage', 'laterMessage', 'staffReply'] as const) assertShows(status, words[field], `the person's status page (${field})`);
    });

    test('nothing the app logged carries what people wrote or where they wrote from', () => {
      const hits = logged.flatMap((line) => found(line, needles));
      assert.deepEqual(hits, []);
    });

    test('no table holds any marker, receipt, password, TOTP secret, cookie, recovery share or address', async () => {
      const { tables, hits, canariesFound } = await scanTables();
      const covered = ['audit_events', 'case_notes', 'cases', 'case_members', 'case_needs', 'help_requests', 'messages', 'sessions', 'users', 'vaults', 'vault_keys', 'instance', 'shown_recovery_shares'];
      covered.push('case_tracks', 'case_clothing_items', 'case_psych_sessions', 'case_deadlines', 'case_tasks', 'case_documents', 'files', 'file_chunks');
      covered.push('gifts', 'gift_messages', 'gift_submissions', 'bank_statement_lines', 'ledger_transactions');
      for (const table of covered) assert.ok(tables.includes(table), `the scan covers ${table}`);
      assert.ok(needles.length >= 60, `only ${needles.length} needles`);
      const notes = await db.query<{ part: string }>('select distinct part from case_notes order by part');
      assert.deepEqual(notes.map((row) => row.part), ['core', 'housing', 'legal', 'psych'], 'a sealed note in every part of a case was planted');
      assert.equal(await countRowsOf("cases where origin = 'referral' and content is not null"), 1, 'the referral case content was planted');
      assert.equal(await countRowsOf('shown_recovery_shares'), 1, 'the kept recovery shares were planted');
      assert.equal(await countRowsOf("case_tracks where track = 'evacuation' and plan is not null"), 1, 'the evacuation plan was planted');
      assert.equal(await countRowsOf("vaults where kind = 'logistics'"), 1, 'in a logistics vault');
      for (const [table, what] of [
        ['case_clothing_items', 'a clothing item'],
        ['case_psych_sessions', 'a psychological session'],
        ['case_deadlines where detail is not null', 'a deadline detail'],
        ['case_tasks', 'a task'],
        ['case_documents', 'a document'],
      ] as const) {
        assert.equal(await countRowsOf(table), 1, `${what} was planted`);
      }
      assert.equal(await countRowsOf('file_chunks'), 2, "the document's two chunks were planted");
      assert.equal(await countRowsOf("gifts where donor is not null and state = 'received'"), 1, 'a donor was planted, and the gift booked');
      assert.equal(await countRowsOf("gift_messages where content is not null and state = 'waiting'"), 1, 'a public message waits, sealed');
      assert.equal(await countRowsOf('bank_statement_lines where details is not null'), 5, "what the bank says of each line's payer");
      assert.equal(await countRowsOf('bank_statement_lines where note is not null'), 1, "the treasurer's note");
      assert.equal(await countRowsOf('gift_submissions'), 1, 'the repeated-post guard holds the gift code, sealed');
      assert.deepEqual([...canariesFound].sort(), ['canary bytes', 'canary text'], 'the scan finds plaintext when there is some');
      assert.deepEqual(hits, []);
    });

    test('no file of the embedded database holds any of them either', { skip: !embedded && 'runs on the embedded database' }, async () => {
      await t.close();
      closed = true;
      const { files, hits, canariesFound } = await scanFiles(filesUnder(dataDir!));
      assert.ok(files > 100, `only ${files} files in the data directory`);
      assert.deepEqual([...canariesFound].sort(), ['canary bytes', 'canary text'], 'the scan finds plaintext when there is some');
      assert.deepEqual(hits, []);
    });

    test('no file of the server\'s database or write-ahead log holds any of them either', { skip: embedded && 'runs on a PostgreSQL server' }, async (context) => {
      let base: string;
      let wal: string;
      try {
        const [setting] = await db.query<{ dir: string; oid: number }>(
          "select current_setting('data_directory') as dir, (select oid::int from pg_database where datname = current_database()) as oid",
        );
        await db.query('checkpoint');
        base = join(setting!.dir, 'base', String(setting!.oid));
        wal = join(setting!.dir, 'pg_wal');
        await readdir(base);
      } catch {
        context.skip('the server\'s data directory is not readable from here');
        return;
      }
      async function* recent(): AsyncGenerator<string> {
        yield* filesUnder(base);
        // Only the write-ahead log written while this test ran; older segments hold other runs.
        for await (const path of filesUnder(wal)) if ((await stat(path)).mtimeMs >= startedAt - 5_000) yield path;
      }
      const { files, hits, canariesFound } = await scanFiles(recent());
      assert.ok(files > 50, `only ${files} files`);
      assert.deepEqual([...canariesFound].sort(), ['canary bytes', 'canary text'], 'the scan finds plaintext when there is some');
      assert.deepEqual(hits, []);
    });
  });
});
