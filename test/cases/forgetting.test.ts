import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyAudit } from '../../src/audit/log.ts';
import { backupDatabase } from '../../src/cli/backup.ts';
import { restoreBackup } from '../../src/cli/restore.ts';
import { formatErasures, parseErasures } from '../../src/cli/erasures.ts';
import { listTables, quoteIdent } from '../../src/cli/schema.ts';
import { erasedIds } from '../../src/cases/erase-case.ts';
import { scheduleRetention } from '../../src/cases/retention.ts';
import type { Db } from '../../src/db/client.ts';
import { runDueJobs, type JobDeps } from '../../src/notify/run-jobs.ts';
import { openTestDb } from '../support/db.ts';
import { translator } from '../../src/i18n/index.ts';
import {
  assertNotShows,
  assertShows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  personPost,
  startTestApp,
  submitHelp,
  Browser,
  type Instance,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/cases/forgetting.test.ts', () => {
  const PASSPHRASE = 'backup passphrase for the forgetting tests';
  const DAY = 24 * 3600_000;
  let t: TestApp;
  let instance: Instance;
  let users: Record<'first' | 'second' | 'bystander' | 'unconfirmed' | 'caseworker' | 'psychologist' | 'lawyer' | 'housing', StaffUser>;
  let browsers: Record<keyof typeof users, Browser>;
  let deps: JobDeps;
  let folder: string;

  type Planted = { caseId: string; requestId: string; receipt: string; pseudonym: string; vaultIds: string[]; fileIds: string[]; markers: string[] };

  /** A case with something in every part: notes, the conversation, an evacuation plan, a document, check-ins, a task. */
  async function plantedCase(label: string): Promise<Planted> {
    const markers = [marker(`${label}-story`), marker(`${label}-psych`), marker(`${label}-legal`), marker(`${label}-core`), marker(`${label}-housing`), marker(`${label}-said`), marker(`${label}-route`)];
    const submitted = await submitHelp(t, 'ru', { needs: ['legal', 'psychological', 'evacuation'], story: markers[0]!, danger: 'yes' });
    const made = await browsers.first.staffPost(`/staff/requests/${submitted.requestId}/case`, { assignee: users.caseworker.id });
    const caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
    for (const [who, role] of [['second', 'coordinator'], ['psychologist', 'psychologist'], ['lawyer', 'lawyer'], ['housing', 'housing_coordinator']] as const) {
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/assign`, { user: users[who].id, role })).status, 303, `${role} added`);
    }
    for (const [who, part, text] of [['psychologist', 'psych', markers[1]], ['lawyer', 'legal', markers[2]], ['caseworker', 'core', markers[3]], ['housing', 'housing', markers[4]]] as const) {
      assert.equal((await browsers[who].staffPost(`/staff/cases/${caseId}/notes`, { body: text!, part })).status, 303, `${part} note`);
    }
    assert.equal((await personPost(new Browser(t), 'ru', { action: 'write', receipt: submitted.receipt, body: markers[5]! })).status < 400, true);
    assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/tracks/evacuation`, {})).status, 303, 'evacuation track');
    assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/evacuation/plan`, { route: markers[6]!, moneyNeeded: '300 EUR' })).status, 303, 'plan');
    assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/checkins`, { hours: '24' })).status, 303, 'check-ins');
    await uploadDocument(browsers.caseworker, caseId, marker(`${label}-document`));
    const [row] = await t.db.query<{ pseudonym: string }>('select pseudonym from cases where id = $1', [caseId]);
    const vaults = await t.db.query<{ id: string }>(
      `select id from vaults where (owner_table = 'cases' and owner_id = $2) or id in (select vault_id from help_requests where case_id = $1)
         or id in (select logistics_vault_id from case_tracks where case_id = $1)`,
      [caseId, caseId],
    );
    const files = await t.db.query<{ file_id: string }>('select file_id from case_documents where case_id = $1', [caseId]);
    assert.ok(vaults.length >= 6, 'four parts, the conversation and the logistics vault');
    assert.equal(files.length, 1, 'a document is stored');
    return { caseId, requestId: submitted.requestId, receipt: submitted.receipt, pseudonym: row!.pseudonym, vaultIds: vaults.map((v) => v.id), fileIds: files.map((f) => f.file_id), markers };
  }

  async function uploadDocument(browser: Browser, caseId: string, description: string): Promise<void> {
    const boundary = `----beside${Math.random().toString(16).slice(2)}`;
    const fields = { _csrf: browser.csrfToken!, part: 'core', kind: 'identity', description };
    const head = Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join('');
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const body = Buffer.concat([Buffer.from(`${head}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="passport.pdf"\r\nContent-Type: application/pdf\r\n\r\n`), pdf, Buffer.from(`\r\n--${boundary}--\r\n`)]);
    const answer = await browser.request(`/staff/cases/${caseId}/documents`, {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'same-origin', 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body: new Uint8Array(body),
    });
    assert.equal(answer.status, 303, 'the document is uploaded');
  }

  /** Tables (and how many of their rows) whose text holds the needle; audit entries hold ids by design, and may be left out. */
  async function tablesHolding(db: Db, needle: string, skip: string[] = []): Promise<string[]> {
    const found: string[] = [];
    for (const name of (await listTables(db)).keys()) {
      if (skip.includes(name)) continue;
      const [row] = await db.query<{ n: number }>(`select count(*)::int as n from ${quoteIdent(name)} x where strpos(x::text, $1) > 0`, [needle]);
      if (row!.n > 0) found.push(`${name}:${row!.n}`);
    }
    return found;
  }

  async function caseExists(db: Db, caseId: string): Promise<boolean> {
    return (await db.query('select 1 from cases where id = $1', [caseId])).length === 1;
  }

  before(async () => {
    t = await startTestApp();
    instance = await initialiseInstance(t.db);
    users = {
      first: instance.admin,
      second: await createStaff(t.db, { login: 'second', roles: ['coordinator'] }),
      bystander: await createStaff(t.db, { login: 'bystander', roles: ['coordinator'] }),
      unconfirmed: await createStaff(t.db, { login: 'unconfirmed', roles: ['coordinator'], confirmed: false }),
      caseworker: await createStaff(t.db, { login: 'caseworker', roles: ['caseworker'] }),
      psychologist: await createStaff(t.db, { login: 'psychologist', roles: ['psychologist'] }),
      lawyer: await createStaff(t.db, { login: 'lawyer', roles: ['lawyer'] }),
      housing: await createStaff(t.db, { login: 'housing', roles: ['housing_coordinator'] }),
    };
    browsers = {} as typeof browsers;
    for (const [name, user] of Object.entries(users)) browsers[name as keyof typeof users] = await loggedIn(t, user);
    deps = { db: t.db, config: t.config, mailer: null };
    folder = await mkdtemp(join(tmpdir(), 'beside-forgetting-'));
  });

  after(async () => {
    await t?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  describe('a person asks to be forgotten: four eyes, then erased at once', () => {
    let planted: Planted;
    let backupFile: Uint8Array;

    before(async () => {
      planted = await plantedCase('forget');
      // A backup from before the erasure, for the restore test below.
      const path = join(folder, 'before-erasure.backup');
      await backupDatabase(t.db, PASSPHRASE, path);
      backupFile = await readFile(path);
    });

    test('the section shows to the coordinators on the case only', async () => {
      const base = `/staff/cases/${planted.caseId}`;
      assertShows(await browsers.first.get(base), 'Forget this person', "a coordinator's case page");
      assertNotShows(await browsers.caseworker.get(base), 'Forget this person', "the caseworker's case page");
    });

    test('nobody but a coordinator on the case may ask; the one who asked cannot confirm', async () => {
      const base = `/staff/cases/${planted.caseId}/forget`;
      // The person asks on their status page: the coordinators see it on the case.
      await personPost(new Browser(t), 'ru', { action: 'erase', receipt: planted.receipt, confirm: 'yes' });
      assertShows(await browsers.first.get(`/staff/cases/${planted.caseId}`), 'The person asked on their status page', "a coordinator's case page");
      // A coordinator account nobody confirmed yet may sit on the case, but erases nothing.
      assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${planted.caseId}/assign`, { user: users.unconfirmed.id, role: 'coordinator' })).status, 303);
      for (const who of ['bystander', 'unconfirmed', 'caseworker', 'psychologist', 'lawyer', 'housing'] as const) {
        assert.equal((await browsers[who].staffPost(`${base}/ask`, { reason: 'in_person' })).status, 404, `${who} cannot ask`);
        assert.equal((await browsers[who].staffPost(`${base}/confirm`, { confirm: 'yes' })).status, 404, `${who} cannot confirm`);
        assert.equal((await browsers[who].staffPost(`${base}/withdraw`, {})).status, 404, `${who} cannot withdraw`);
      }
      assert.equal((await browsers.first.staffPost(`${base}/ask`, { reason: 'free text is not a reason' })).status, 404, 'only a reason category');
      const early = await browsers.second.staffPost(`${base}/confirm`, { confirm: 'yes' });
      assert.match(early.location ?? '', /forget=notAsked/, 'nothing to confirm before an ask');

      const asked = await browsers.first.staffPost(`${base}/ask`, { reason: 'in_person' });
      assert.equal(asked.status, 303);
      const own = await browsers.first.staffPost(`${base}/confirm`, { confirm: 'yes' });
      assert.match(own.location ?? '', /forget=samePerson/, 'the same coordinator is told to find a second one');
      assert.ok(await caseExists(t.db, planted.caseId), 'nothing erased by one pair of eyes');
      assert.equal((await browsers.bystander.staffPost(`${base}/confirm`, { confirm: 'yes' })).status, 404, 'a coordinator not on the case');
      assert.equal((await browsers.unconfirmed.staffPost(`${base}/confirm`, { confirm: 'yes' })).status, 404, 'an unconfirmed coordinator on the case');
      const unticked = await browsers.second.staffPost(`${base}/confirm`, {});
      assert.match(unticked.location ?? '', /forget=unconfirmed/);
      assert.ok(await caseExists(t.db, planted.caseId), 'nothing erased without the box ticked');
      const page = await browsers.second.get(`/staff/cases/${planted.caseId}`);
      assertShows(page, 'Confirm and erase now', "the second coordinator's page");
    });

    test('the second coordinator confirms: nothing of the case is left anywhere, and the audit log still verifies', async () => {
      const needles = [planted.pseudonym, planted.caseId, planted.requestId, ...planted.vaultIds, ...planted.fileIds];
      // The scanner's canary: before the erasure it finds every id and the pseudonym.
      for (const needle of needles) assert.notDeepEqual(await tablesHolding(t.db, needle, ['audit_events']), [], `the scanner finds ${needle} before`);
      assert.ok((await t.db.query('select 1 from vault_keys where vault_id = any($1::uuid[])', [planted.vaultIds])).length > 0, 'keys before');

      const erased = await browsers.second.staffPost(`/staff/cases/${planted.caseId}/forget/confirm`, { confirm: 'yes' });
      assert.equal(erased.status, 200);
      assertShows(erased, 'The case was erased');

      assert.equal((await t.db.query('select 1 from vault_keys where vault_id = any($1::uuid[])', [planted.vaultIds])).length, 0, 'no key of any vault of the case');
      for (const needle of [planted.pseudonym, ...planted.vaultIds, ...planted.fileIds, ...planted.markers]) {
        assert.deepEqual(await tablesHolding(t.db, needle, ['audit_events']), [], `nothing holds ${needle}`);
      }
      // Only the fact remains: the case's id (and its request's) in the erasures, nowhere else but the audit log.
      assert.deepEqual(await tablesHolding(t.db, planted.caseId, ['audit_events']), ['erasures:1']);
      assert.deepEqual(await tablesHolding(t.db, planted.requestId, ['audit_events']), ['erasures:1']);
      const [tomb] = await t.db.query<{ subject: string; cause: string }>('select subject, cause from erasures where id = $1', [planted.caseId]);
      assert.deepEqual(tomb, { subject: 'case', cause: 'person' });
      assert.deepEqual(await tablesHolding(t.db, planted.pseudonym), [], 'not even the audit log names the case by its pseudonym');

      const verdict = await verifyAudit(t.db);
      assert.deepEqual(verdict.problems, [], 'the audit log verifies');
      const kinds = await t.db.query<{ kind: string }>("select kind from audit_events where subject_id = $1 and kind like 'case.%' order by seq", [planted.caseId]);
      assert.ok(kinds.some((k) => k.kind === 'case.forget_asked') && kinds.at(-1)?.kind === 'case.erased', 'asked and erased are audited');

      for (const who of ['first', 'second', 'caseworker'] as const) {
        assert.equal((await browsers[who].get(`/staff/cases/${planted.caseId}`)).status, 404, `${who} finds no case`);
      }
      assert.equal((await browsers.second.staffPost(`/staff/cases/${planted.caseId}/forget/confirm`, { confirm: 'yes' })).status, 404, 'erased once');
      assertNotShows(await personPost(new Browser(t), 'ru', { action: 'open', receipt: planted.receipt }), planted.markers[5]!, "the person's status page");
    });

    test('restoring the older backup does not bring the erased case back', async () => {
      const list = parseErasures(formatErasures(await erasedIds(t.db)));
      assert.ok(list.some((entry) => entry.id === planted.caseId));
      // Without the list, the backup brings the person back: what the list is for (and this test's canary).
      const careless = await openTestDb();
      try {
        await restoreBackup(careless, backupFile, PASSPHRASE);
        assert.ok(await caseExists(careless, planted.caseId), 'the old backup holds the case');
      } finally {
        await careless.close();
      }
      const target = await openTestDb();
      try {
        const summary = await restoreBackup(target, backupFile, PASSPHRASE, list);
        assert.equal(summary.erasedAgain >= 1, true);
        assert.ok(!(await caseExists(target, planted.caseId)), 'the case is erased again');
        for (const needle of [planted.pseudonym, ...planted.vaultIds, ...planted.fileIds]) {
          assert.deepEqual(await tablesHolding(target, needle, ['audit_events']), [], `the restored database holds no ${needle}`);
        }
        assert.equal((await target.query('select 1 from vault_keys where vault_id = any($1::uuid[])', [planted.vaultIds])).length, 0);
        assert.deepEqual((await verifyAudit(target)).problems, [], "the restored audit log verifies, the erasure's entries included");
      } finally {
        await target.close();
      }
    });
  });

  test('the retention period is said with the right plural in every language (1, 2, 5, 21, 22)', () => {
    const expected: Record<'en' | 'ru' | 'nl', string[]> = {
      en: ['1 month', '2 months', '5 months', '21 months', '22 months'],
      ru: ['1 месяц ', '2 месяца', '5 месяцев', '21 месяц ', '22 месяца'],
      nl: ['1 maand ', '2 maanden', '5 maanden', '21 maanden', '22 maanden'],
    };
    for (const [lang, forms] of Object.entries(expected) as ['en' | 'ru' | 'nl', string[]][]) {
      const t = translator(lang);
      [1, 2, 5, 21, 22].forEach((months, index) => assert.ok(t('forget.retention', { months }).includes(forms[index]!), `${lang} ${months}: ${t('forget.retention', { months })}`));
    }
  });

  describe('retention, by the daily job', () => {
    test('a request that never became a case is erased after 60 quiet days, not before', async () => {
      const story = marker('abandoned');
      const submitted = await submitHelp(t, 'en', { needs: ['clothing'], story });
      await scheduleRetention(t.db);
      await runDueJobs(deps, new Date(Date.now() + 59 * DAY));
      const [kept] = await t.db.query<{ status: string }>('select status from help_requests where id = $1', [submitted.requestId]);
      assert.notEqual(kept?.status, 'erased', 'kept at 59 days');
      await runDueJobs(deps, new Date(Date.now() + 61 * DAY));
      const [gone] = await t.db.query<{ status: string; content: unknown }>('select status, content from help_requests where id = $1', [submitted.requestId]);
      assert.equal(gone?.status, 'erased', 'erased at 61 days');
      assert.equal(gone?.content, null);
      const [vault] = await t.db.query<{ vault_id: string }>('select vault_id from help_requests where id = $1', [submitted.requestId]);
      assert.equal((await t.db.query('select 1 from vault_keys where vault_id = $1', [vault!.vault_id])).length, 0, 'no key opens it');
      assert.equal((await t.db.query("select 1 from erasures where id = $1 and cause = 'retention'", [submitted.requestId])).length, 1);
      assert.equal((await t.db.query("select 1 from audit_events where kind = 'request.expired' and subject_id = $1", [submitted.requestId])).length, 1, 'audited');
      assert.deepEqual((await verifyAudit(t.db)).problems, []);
    });

    test('a closed case is erased 18 months after closing; an open one never; nothing within 90 days of the person writing', async () => {
      const closed = await plantedCase('closed');
      const quiet = await plantedCase('written');
      const open = await plantedCase('open');
      for (const which of [closed, quiet]) {
        assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${which.caseId}/status`, { status: 'closed', confirm: 'yes' })).status, 303);
      }
      const month = (n: number) => {
        const at = new Date();
        at.setUTCMonth(at.getUTCMonth() + n);
        return at;
      };
      // The person wrote on the second closed case, 18½ months from now: 90 days protect it after.
      await t.db.query("update messages set created_at = $2 where request_id = $1 and author = 'person'", [quiet.requestId, new Date(month(18).getTime() + 15 * DAY)]);
      await scheduleRetention(t.db);
      await runDueJobs(deps, month(17));
      assert.ok(await caseExists(t.db, closed.caseId), 'kept at 17 months');
      await runDueJobs(deps, month(19));
      assert.ok(!(await caseExists(t.db, closed.caseId)), 'erased at 19 months');
      assert.ok(await caseExists(t.db, quiet.caseId), 'the person wrote less than 90 days ago');
      assert.ok(await caseExists(t.db, open.caseId), 'an open case is never erased');
      assert.equal((await t.db.query('select 1 from vault_keys where vault_id = any($1::uuid[])', [closed.vaultIds])).length, 0);
      for (const needle of [closed.pseudonym, ...closed.vaultIds]) assert.deepEqual(await tablesHolding(t.db, needle, ['audit_events']), [], `nothing holds ${needle}`);
      const [tomb] = await t.db.query<{ cause: string }>('select cause from erasures where id = $1', [closed.caseId]);
      assert.equal(tomb?.cause, 'retention');
      await runDueJobs(deps, month(22));
      assert.ok(!(await caseExists(t.db, quiet.caseId)), 'erased once 90 quiet days have passed');
      assert.ok(await caseExists(t.db, open.caseId), 'still never the open one');
      assert.deepEqual((await verifyAudit(t.db)).problems, []);
      const pending = await t.db.query("select 1 from jobs where kind = 'retention.sweep' and status = 'pending'");
      assert.equal(pending.length, 1, 'exactly one next run is planned');
    });
  });
});
