import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hasGrant } from '../../src/crypto/vaults.ts';
import {
  assertNotShows,
  assertShows,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  marker,
  startTestApp,
  submitHelp,
  type Browser,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/directory/directory.test.ts', () => {
  /**
   * The directory of helpers through the pages people use: coordinators keep it, caseworkers read
   * the contacts, nobody else sees it; contact details and referral notes are never stored in
   * plain text; referring a case records it on the case and counts in the helper's load.
   */
  let t: TestApp;
  type Who = 'coordinator' | 'caseworker' | 'lawyer' | 'psychologist' | 'editor' | 'treasurer';
  let users: Record<Who, StaffUser>;
  let browsers: Record<Who, Browser>;

  before(async () => {
    t = await startTestApp();
    const instance = await initialiseInstance(t.db);
    users = {
      coordinator: instance.admin,
      caseworker: await createStaff(t.db, { login: 'caseworker', roles: ['caseworker'] }),
      lawyer: await createStaff(t.db, { login: 'lawyer', roles: ['lawyer'] }),
      psychologist: await createStaff(t.db, { login: 'psychologist', roles: ['psychologist'] }),
      editor: await createStaff(t.db, { login: 'editor', roles: ['editor'] }),
      treasurer: await createStaff(t.db, { login: 'treasurer', roles: ['treasurer'] }),
    };
    browsers = {} as typeof browsers;
    for (const [name, user] of Object.entries(users)) browsers[name as Who] = await loggedIn(t, user);
  });

  after(() => t?.close());

  const entryForm = (fields: Partial<Record<'kind' | 'name' | 'languages' | 'city' | 'friendly' | 'capacity' | 'contact', string>>) => ({
    kind: 'psychologist',
    name: 'Someone',
    languages: 'ru',
    city: '',
    friendly: 'unknown',
    capacity: '1',
    contact: '',
    ...fields,
  });

  async function addEntry(fields: Parameters<typeof entryForm>[0]): Promise<string> {
    const saved = await browsers.coordinator.staffPost('/staff/directory/new', entryForm(fields));
    assert.equal(saved.status, 303, `${fields.name} is added`);
    const [row] = await t.db.query<{ id: string }>('select id from directory_entries where name = $1', [fields.name]);
    return row!.id;
  }

  function idsIn(html: string): string[] {
    return [...html.matchAll(/data-entry="([0-9a-f-]{36})"/g)].map((match) => match[1]!);
  }

  async function newCase(): Promise<string> {
    const { requestId } = await submitHelp(t, 'ru', { needs: ['psychological', 'legal'], story: 'x', danger: 'no' });
    const made = await browsers.coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: users.caseworker.id });
    const caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
    assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/assign`, { user: users.lawyer.id, role: 'lawyer' })).status, 303);
    return caseId;
  }

  let psychRu: string;
  let lawyerNl: string;
  let psychEn: string;
  const contactRu = marker('directory-contact');

  test('a coordinator adds helpers; contact details are sealed, never in plain text in the database', async () => {
    const nameCanary = marker('directory-name');
    // The first two entries at once (concurrently on PostgreSQL): one directory vault is made, not two.
    [psychRu, lawyerNl] = await Promise.all([
      addEntry({ kind: 'psychologist', name: nameCanary, languages: 'RU, ce', city: 'Amsterdam', friendly: 'yes', capacity: '2', contact: contactRu }),
      addEntry({ kind: 'lawyer', name: 'Mr Lawyer', languages: 'nl', city: 'Utrecht', friendly: 'unknown', capacity: '0', contact: marker('lawyer-contact') }),
    ]);
    assert.equal(await countRows(t.db, 'vaults', "kind = 'directory'"), 1, 'one directory vault');
    assert.equal(await countRows(t.db, 'directory_entries', 'vault_id = (select vault_id from directory_vault)'), 2, 'holding both');
    psychEn = await addEntry({ kind: 'psychologist', name: 'Dr English', languages: 'en nl', city: 'amsterdam', friendly: 'no', capacity: '1', contact: 'phone 2' });
    const [row] = await t.db.query<{ languages: string[] }>('select languages from directory_entries where id = $1', [psychRu]);
    assert.deepEqual(row!.languages, ['ru', 'ce'], 'language codes are lower-cased and split');

    // The scanner reads every column of the directory's rows as text, and finds the plain name (its canary).
    const rows = await t.db.query<Record<string, unknown>>('select * from directory_entries');
    const dump = rows
      .map((r) => Object.values(r).map((value) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : JSON.stringify(value))).join('|'))
      .join('\n');
    assert.ok(dump.includes(nameCanary), 'the scanner finds a planted canary');
    assert.ok(!dump.includes(contactRu), 'the contact details are not stored in plain text');
    assert.ok(!dump.includes(contactRu.slice(0, 20)), 'nor a part of them');
  });

  test('the directory page shows contacts to a coordinator and to a caseworker, and lists with filters', async () => {
    for (const who of ['coordinator', 'caseworker'] as const) {
      const page = await browsers[who].get('/staff/directory');
      assert.equal(page.status, 200);
      assertShows(page, contactRu, `the ${who}'s directory`);
    }
    const list = async (query: string) => idsIn((await browsers.caseworker.get(`/staff/directory?${query}`)).html).sort();
    assert.deepEqual(await list('kind=psychologist'), [psychRu, psychEn].sort(), 'by kind');
    assert.deepEqual(await list('language=ce'), [psychRu], 'by language');
    assert.deepEqual(await list('language=NL'), [lawyerNl, psychEn].sort(), 'by language, any case');
    assert.deepEqual(await list('city=AMSTERDAM'), [psychRu, psychEn].sort(), 'by city, any case');
    assert.deepEqual(await list('friendly=yes'), [psychRu], 'by LGBT+-friendly');
    assert.deepEqual(await list('capacity=yes'), [psychRu, psychEn].sort(), 'with room for a case');
    assert.deepEqual(await list('kind=psychologist&language=en&friendly=no'), [psychEn], 'filters combine');
    assert.deepEqual(await list('kind=nonsense'), [lawyerNl, psychRu, psychEn].sort(), 'a filter that does not parse is left out');
  });

  test('a coordinator edits and retires an entry; the retired one leaves the list and its contact details go', async () => {
    const id = await addEntry({ kind: 'doctor', name: 'Dr Old', languages: 'ru', contact: 'old phone' });
    const form = await browsers.coordinator.get(`/staff/directory/${id}/edit`);
    assert.equal(form.status, 200);
    assertShows(form, 'old phone', 'the edit form');
    const edited = await browsers.coordinator.staffPost(`/staff/directory/${id}`, entryForm({ kind: 'doctor', name: 'Dr New', languages: 'ru, nl', contact: 'new phone', capacity: '3' }));
    assert.equal(edited.status, 303);
    const page = await browsers.caseworker.get('/staff/directory?kind=doctor');
    assertShows(page, 'Dr New');
    assertShows(page, 'new phone');
    assertNotShows(page, 'old phone');

    const bad = await browsers.coordinator.staffPost(`/staff/directory/${id}`, entryForm({ kind: 'doctor', name: '', languages: 'russian!', capacity: '-1' }));
    assert.equal(bad.status, 400, 'a bad form is refused');
    assertShows(bad, 'Enter a name');
    assertShows(bad, 'language codes');
    assert.equal(await countRows(t.db, 'directory_entries', "name = 'Dr New'"), 1, 'and changes nothing');

    const unconfirmed = await browsers.coordinator.staffPost(`/staff/directory/${id}/retire`, {});
    assert.equal(unconfirmed.status, 303);
    assert.equal(await countRows(t.db, 'directory_entries', 'id = $1 and retired_at is null', [id]), 1, 'not retired without the ticked box');
    assert.equal((await browsers.coordinator.staffPost(`/staff/directory/${id}/retire`, { confirm: 'yes' })).status, 303);
    assert.deepEqual(idsIn((await browsers.caseworker.get('/staff/directory?kind=doctor')).html), [], 'a retired entry is not listed');
    assert.equal(await countRows(t.db, 'directory_entries', 'id = $1 and contact is null', [id]), 1, 'its contact details are gone');
    assert.equal((await browsers.coordinator.get(`/staff/directory/${id}/edit`)).status, 404, 'nor can it be edited');
  });

  test('who may see the directory: an editor, a treasurer, a lawyer and a psychologist get 404; a caseworker cannot change it', async () => {
    for (const who of ['editor', 'treasurer', 'lawyer', 'psychologist'] as const) {
      assert.equal((await browsers[who].get('/staff/directory')).status, 404, `${who}: the directory`);
      assert.equal((await browsers[who].get('/staff/directory/new')).status, 404, `${who}: the new-entry form`);
    }
    assert.equal((await browsers.caseworker.get('/staff/directory/new')).status, 404, 'a caseworker: the new-entry form');
    assert.equal((await browsers.caseworker.get(`/staff/directory/${psychRu}/edit`)).status, 404, 'a caseworker: the edit form');
    const before = await countRows(t.db, 'directory_entries');
    assert.equal((await browsers.caseworker.staffPost('/staff/directory/new', entryForm({ name: 'By caseworker' }))).status, 404);
    assert.equal((await browsers.caseworker.staffPost(`/staff/directory/${psychRu}`, entryForm({ name: 'Renamed' }))).status, 404);
    assert.equal((await browsers.caseworker.staffPost(`/staff/directory/${psychRu}/retire`, { confirm: 'yes' })).status, 404);
    assert.equal((await browsers.editor.staffPost('/staff/directory/new', entryForm({ name: 'By editor' }))).status, 404);
    assert.equal(await countRows(t.db, 'directory_entries'), before, 'nothing was added');
    assert.equal(await countRows(t.db, 'directory_entries', 'id = $1 and retired_at is null and name <> $2', [psychRu, 'Renamed']), 1, 'nothing was changed');
  });

  test('a caseworker who joins later is granted the directory when a holder opens it', async () => {
    const late = await createStaff(t.db, { login: 'late-caseworker', roles: ['caseworker'] });
    const browser = await loggedIn(t, late);
    const [row] = await t.db.query<{ vault_id: string }>('select vault_id from directory_vault');
    assert.equal(await hasGrant(t.db, row!.vault_id, late.id), false);
    const first = await browser.get('/staff/directory');
    assertNotShows(first, contactRu, 'before a holder opened it');
    assertShows(first, 'once a colleague who holds them opens the directory');
    await browsers.caseworker.get('/staff/directory');
    assert.equal(await hasGrant(t.db, row!.vault_id, late.id), true, 'granted by the caseworker who opened it');
    assertShows(await browser.get('/staff/directory'), contactRu, 'after');
    // Two holders opening it at once, when a newcomer is owed it: both pages, one grant.
    const newcomer = await createStaff(t.db, { login: 'newcomer', roles: ['caseworker'] });
    const pages = await Promise.all([browsers.coordinator.get('/staff/directory'), browsers.caseworker.get('/staff/directory')]);
    assert.deepEqual(pages.map((page) => page.status), [200, 200]);
    assert.equal(await countRows(t.db, 'vault_keys', "vault_id = $1 and principal_kind = 'user' and principal_ref = $2", [row!.vault_id, newcomer.id]), 1);
    // Roles written into the database (their tag fails) make no reader: whoever opens the directory
    // next rotates its key away from them, so the key they held opens nothing any more.
    await t.db.query("update users set roles = array['caseworker', 'editor'] where id = $1", [late.id]);
    const [sealedBefore] = await t.db.query<{ sealed_key: Uint8Array }>("select sealed_key from vault_keys where vault_id = $1 and principal_ref = $2", [row!.vault_id, users.caseworker.id]);
    assertShows(await browsers.caseworker.get('/staff/directory'), contactRu, 'the rotation keeps the contacts readable');
    assert.equal(await hasGrant(t.db, row!.vault_id, late.id), false, 'the tampered account lost its key');
    const [sealedAfter] = await t.db.query<{ sealed_key: Uint8Array }>("select sealed_key from vault_keys where vault_id = $1 and principal_ref = $2", [row!.vault_id, users.caseworker.id]);
    assert.notDeepEqual(Buffer.from(sealedAfter!.sealed_key), Buffer.from(sealedBefore!.sealed_key), 'a new data key was sealed to those who keep it');
    assertShows(await browsers.coordinator.get('/staff/directory'), contactRu, 'and the others read on');
    // An unconfirmed coordinator is no reader: nothing is sealed to them.
    const unconfirmed = await createStaff(t.db, { login: 'unconfirmed', roles: ['coordinator'], confirmed: false });
    await browsers.coordinator.get('/staff/directory');
    assert.equal(await hasGrant(t.db, row!.vault_id, unconfirmed.id), false, 'an unconfirmed coordinator holds no key');
  });

  test('referring a case records it on the case, with a sealed note, and counts in the helper’s load', async () => {
    const caseId = await newCase();
    const note = marker('referral-note');
    const target = await browsers.caseworker.get(`/staff/directory?case=${caseId}&kind=psychologist&language=ru`);
    assert.equal(target.status, 200);
    assert.ok(target.html.includes(`action="/staff/cases/${caseId}/referrals"`), 'the directory offers to refer this case');
    const referred = await browsers.caseworker.staffPost(`/staff/cases/${caseId}/referrals`, { entry: psychEn, note });
    assert.equal(referred.status, 303);
    const casePage = await browsers.caseworker.get(`/staff/cases/${caseId}`);
    assertShows(casePage, 'Dr English', 'the case page');
    assertShows(casePage, note, 'the case page');
    assert.ok(casePage.html.includes(`kind=psychologist&amp;language=ru`), 'the case links to psychologists who speak the person’s language');

    const [row] = await t.db.query<{ note: Uint8Array; vault_id: string }>('select note, vault_id from case_referrals where case_id = $1', [caseId]);
    assert.ok(!Buffer.from(row!.note).toString('latin1').includes(note), 'the note is sealed');
    const [core] = await t.db.query<{ core_vault_id: string }>('select core_vault_id from cases where id = $1', [caseId]);
    assert.equal(row!.vault_id, core!.core_vault_id, 'in the case’s core vault');
    assert.equal(await countRows(t.db, 'audit_events', "kind = 'case.referred' and subject_id = $1", [caseId]), 1, 'audited');

    const load = await browsers.caseworker.get('/staff/directory?kind=psychologist');
    assert.ok(load.html.includes('data-load="1/1"'), 'Dr English now has one case of one');
    assert.deepEqual(idsIn((await browsers.caseworker.get('/staff/directory?capacity=yes')).html), [psychRu], 'and no room for another');

    // The lawyer on the case reads no core: no referral, no note, and no way to refer.
    const lawyerPage = await browsers.lawyer.get(`/staff/cases/${caseId}`);
    assert.equal(lawyerPage.status, 200);
    assertNotShows(lawyerPage, note, 'the lawyer’s case page');
    assert.equal((await browsers.lawyer.staffPost(`/staff/cases/${caseId}/referrals`, { entry: psychRu, note: 'x' })).status, 404, 'a lawyer cannot refer');
    // A caseworker who is not on the case cannot refer it, nor use it as a target.
    const outsider = await loggedIn(t, await createStaff(t.db, { login: 'outsider', roles: ['caseworker'] }));
    assert.equal((await outsider.staffPost(`/staff/cases/${caseId}/referrals`, { entry: psychRu, note: 'x' })).status, 404);
    assert.equal((await outsider.get(`/staff/directory?case=${caseId}`)).status, 404);
    assert.equal(await countRows(t.db, 'case_referrals', 'case_id = $1', [caseId]), 1, 'only the one referral');

    // Ending the referral frees the helper's place.
    const [referral] = await t.db.query<{ id: string }>('select id from case_referrals where case_id = $1', [caseId]);
    assert.equal((await browsers.lawyer.staffPost(`/staff/cases/${caseId}/referrals/${referral!.id}/end`, {})).status, 404, 'not by the lawyer');
    assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/referrals/${referral!.id}/end`, {})).status, 303);
    assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/referrals/${referral!.id}/end`, {})).status, 303, 'ending it again answers the same');
    assert.equal(await countRows(t.db, 'audit_events', `kind = 'case.referred' and subject_id = $1 and detail like '%"ended"%'`, [caseId]), 1, 'and is audited once');
    assert.ok((await browsers.caseworker.get('/staff/directory?kind=psychologist')).html.includes('data-load="0/1"'));
  });

  test('a database writer who moves a name onto other contact details makes them fail to open; the page still renders', async () => {
    const id = await addEntry({ kind: 'doctor', name: 'Dr Real', languages: 'ru', contact: 'real phone' });
    await t.db.query("update directory_entries set name = 'Dr Impostor' where id = $1", [id]);
    const page = await browsers.caseworker.get('/staff/directory?kind=doctor');
    assert.equal(page.status, 200);
    assertNotShows(page, 'real phone');
    assertShows(page, 'Could not be verified');
    assertShows(page, 'Dr Impostor', 'the row is listed');
  });

  test('a retired helper takes no referral', async () => {
    const caseId = await newCase();
    const id = await addEntry({ kind: 'interpreter', name: 'Retiring', languages: 'ce' });
    await browsers.coordinator.staffPost(`/staff/directory/${id}/retire`, { confirm: 'yes' });
    assert.equal((await browsers.caseworker.staffPost(`/staff/cases/${caseId}/referrals`, { entry: id, note: '' })).status, 404);
  });
});
