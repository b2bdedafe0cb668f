import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Hono } from 'hono';
import { CASE_ROLES, ROLES, type Role } from '../../src/auth/roles.ts';
import { combineShares } from '../../src/crypto/recovery.ts';
import { grantVault, openVaultAs } from '../../src/crypto/vaults.ts';
import { instanceKeys } from '../../src/crypto/instance.ts';
import { RECOVERY_REF } from '../../src/crypto/principals.ts';
import { findUserById, userPrincipal } from '../../src/auth/users.ts';
import { inviteUser } from '../../src/auth/invites.ts';
import { insertMember } from '../../src/cases/case-members.ts';
import type { CaseRole } from '../../src/cases/case-roles.ts';
import { TRACKS } from '../../src/cases/tracks.ts';
import { machine, PUBLIC, route, routesOf, staff, type Access, type RouteRecord } from '../../src/web/route.ts';
import type { AppEnv } from '../../src/web/context.ts';
import { AppError } from '../../src/web/errors.ts';
import { assetUrl } from '../../src/web/static.ts';
import {
  Browser,
  countRows,
  createStaff,
  initialiseInstance,
  loggedIn,
  startTestApp,
  submitHelp,
  type Fields,
  type Page,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';
import { BANK, give, pledgeOf, statementXml, uploadStatement } from '../funding/give-support.ts';

describe('test/security/route-matrix.test.ts', () => {
  /**
   * Walks every registered route with an anonymous visitor and with a user of every single role,
   * and checks the answer against the access the route declares. Routes with an :id are walked
   * twice: with a record the user holds no key to ("hidden") and with one whose vaults were
   * granted to every user ("shared"), so a 404 can be told apart from a role check and from a
   * need-to-know check.
   */
  let t: TestApp;
  let holder: StaffUser;
  let users: Map<Role, StaffUser>;
  const hidden = { request: '', case: '', requestVault: '', caseVaults: [] as string[] };
  const shared = { request: '', case: '', user: '', coordinator: '', invite: '', shift: '', alert: '', document: '', clothingItem: '', deadline: '', task: '', template: '', breakGlass: '', entry: '', referral: '', gift: '', giftMessage: '', line: '', supporter: '', update: '', expense: '', unpaidExpense: '' };

  async function makeCase(coordinator: Browser, requestId: string, assignee: StaffUser): Promise<string> {
    const made = await coordinator.staffPost(`/staff/requests/${requestId}/case`, { assignee: assignee.id });
    const id = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')?.[1];
    if (!id) throw new Error(`making a case answered ${made.status}`);
    return id;
  }

  /** Grants vaults to users with the rebuilt recovery key, as `beside recover` does. */
  async function grantToAll(instance: Awaited<ReturnType<typeof initialiseInstance>>, vaultIds: string[], grantees: StaffUser[]) {
    const { recoveryPublicKey } = await instanceKeys(t.db);
    const keys = await combineShares(instance.shares.slice(0, 2), recoveryPublicKey!);
    await t.db.transaction(async (tx) => {
      for (const vaultId of vaultIds) {
        const vault = await openVaultAs(tx, 'recovery', RECOVERY_REF, keys, vaultId, 'test.grant');
        if (!vault) throw new Error('a vault not sealed to the recovery key');
        for (const grantee of grantees) {
          const user = await findUserById(tx, grantee.id);
          if (!user || !(await grantVault(tx, instance.admin.id, vault, userPrincipal(user)))) throw new Error(`could not grant a vault to ${grantee.login}`);
        }
      }
    });
  }

  /**
   * Records that a successful post consumes, one each, so the walk's order does not matter: a
   * request made into a case cannot be joined to another, and a member once removed is gone.
   */
  const consumed = { caseRequest: '', joinRequest: '', removable: '', template: '' };

  before(async () => {
    t = await startTestApp(BANK);
    const instance = await initialiseInstance(t.db);
    holder = await createStaff(t.db, { login: 'matrixholder', roles: ['caseworker'] });
    const coordinator = await loggedIn(t, instance.admin);

    // Hidden: sealed before any matrix user exists, assigned to someone else.
    hidden.request = (await submitHelp(t, 'ru', { needs: ['legal'], story: 'hidden request' })).requestId;
    const hiddenForCase = (await submitHelp(t, 'ru', { needs: ['housing'], story: 'hidden case' })).requestId;
    hidden.case = await makeCase(coordinator, hiddenForCase, holder);

    users = new Map();
    for (const role of ROLES) users.set(role, await createStaff(t.db, { login: `matrix-${role.replace('_', '-')}`, roles: [role] }));

    // Shared: every matrix user holds the keys, whatever their role.
    shared.request = (await submitHelp(t, 'ru', { needs: ['legal'], story: 'shared request' })).requestId;
    const sharedForCase = (await submitHelp(t, 'ru', { needs: ['housing'], story: 'shared case' })).requestId;
    shared.case = await makeCase(coordinator, sharedForCase, holder);
    // Every matrix user whose role can be on a case joins the shared case in that role; the others
    // (editor, treasurer, administrator) are refused by the routes' roles before any case is looked at.
    const removable = await createStaff(t.db, { login: 'matrix-removable', roles: ['lawyer'] });
    consumed.removable = removable.id;
    const members = [...[...users.entries()].map(([role, user]) => ({ role, user })), { role: 'lawyer' as const, user: removable }];
    for (const { role, user } of members.filter((member) => CASE_ROLES.includes(member.role))) {
      await insertMember(t.db, shared.case, user.id, role as CaseRole, instance.admin.id);
    }
    // ...and holds every part of it, the shared request and the case's conversation.
    const vaults = await t.db.query<{ id: string }>(
      `select vault_id as id from help_requests where id = any($1::uuid[])
     union select unnest(array[core_vault_id, psych_vault_id, legal_vault_id, housing_vault_id]) from cases where id = $2`,
      [[shared.request, sharedForCase], shared.case],
    );
    await grantToAll(instance, vaults.map((row) => row.id), [...users.values(), removable]);
    // Requests that one post consumes: made into a case, or joined to the shared case.
    consumed.caseRequest = (await submitHelp(t, 'ru', { needs: ['clothing'], story: 'to become a case' })).requestId;
    consumed.joinRequest = (await submitHelp(t, 'ru', { needs: ['legal'], story: 'to join the shared case' })).requestId;
    shared.user = (await createStaff(t.db, { login: 'matrix-leaving', roles: ['editor'] })).id;
    shared.coordinator = (await createStaff(t.db, { login: 'matrix-waiting', roles: ['coordinator'], confirmed: false })).id;
    await inviteUser(t.db, instance.admin.id, ['editor'], 'matrix invitee');
    shared.invite = (await t.db.query<{ id: string }>('select id from invites'))[0]!.id;

    // Every track open on the shared case, with one record of each kind, made by its caseworker.
    const caseworker = await loggedIn(t, holder);
    const onCase = (path: string, body: Fields) => caseworker.staffPost(`/staff/cases/${shared.case}/${path}`, body);
    for (const track of TRACKS) await onCase(`tracks/${track}`, {});
    await onCase('procedure', { procedure: 'nl' });
    await onCase('clothing', { item: 'coat', size: 'M', quantity: '1' });
    await onCase('deadlines', { kind: 'other', due: '2026-01-15' });
    await onCase('tasks', { title: 'matrix task', assignee: holder.id, due: '2026-01-15', part: 'core' });
    const one = async (table: string) => (await t.db.query<{ id: string }>(`select id from ${table} where case_id = $1`, [shared.case]))[0]!.id;
    shared.clothingItem = await one('case_clothing_items');
    shared.deadline = await one('case_deadlines');
    shared.task = await one('case_tasks');
    // A document in the legal part: the lawyer and the caseworker read it, no other role on the case.
    const boundary = 'matrixboundary';
    const document = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${caseworker.csrfToken}\r\n--${boundary}\r\nContent-Disposition: form-data; name="part"\r\n\r\nlegal\r\n--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nother\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="matrix.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n%matrix\n%%EOF\n\r\n--${boundary}--\r\n`,
    );
    const uploaded = await caseworker.request(`/staff/cases/${shared.case}/documents`, {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'same-origin', 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body: new Uint8Array(document),
    });
    shared.document = (await t.db.query<{ id: string }>('select id from case_documents where case_id = $1', [shared.case]))[0]?.id ?? '';
    if (!shared.document) throw new Error(`the matrix document was not stored: ${uploaded.status}`);
    // Two reply templates: one to edit, one that deleting uses up.
    for (const title of ['matrix template', 'matrix template to delete']) await coordinator.staffPost('/staff/templates', { lang: 'en', title, body: 'matrix template body' });
    const templateId = async (title: string) => (await t.db.query<{ id: string }>('select id from reply_templates where title = $1', [title]))[0]!.id;
    shared.template = await templateId('matrix template');
    consumed.template = await templateId('matrix template to delete');
    // A break-glass request on the shared case, from a confirmed coordinator who is not on it.
    const outsider = await loggedIn(t, await createStaff(t.db, { login: 'matrix-breakglass', roles: ['coordinator'] }));
    await outsider.staffPost(`/staff/cases/${shared.case}/break-glass`, { reason: 'matrix break-glass reason' });
    shared.breakGlass = (await t.db.query<{ id: string }>('select id from break_glass_requests where case_id = $1', [shared.case]))[0]!.id;
    // An urgent request raises an alert; a shift on the rota.
    const urgent = (await submitHelp(t, 'ru', { needs: ['evacuation'], danger: 'yes', story: 'urgent for the matrix' })).requestId;
    shared.alert = (await t.db.query<{ id: string }>('select id from urgent_alerts where request_id = $1', [urgent]))[0]!.id;
    await coordinator.staffPost('/staff/on-call/shifts', { user: instance.admin.id, start: '2099-01-01T08:00', end: '2099-01-01T20:00', zone: 'UTC' });
    shared.shift = (await t.db.query<{ id: string }>('select id from on_call_shifts'))[0]!.id;
    // A directory entry (its vault is sealed to the readers who exist now) and a referral of the shared case.
    await coordinator.staffPost('/staff/directory/new', { kind: 'lawyer', name: 'Matrix lawyer', languages: 'ru', city: '', friendly: 'unknown', capacity: '5', contact: 'matrix' });
    shared.entry = (await t.db.query<{ id: string }>('select id from directory_entries'))[0]!.id;
    await coordinator.staffPost(`/staff/cases/${shared.case}/referrals`, { entry: shared.entry, note: '' });
    shared.referral = (await t.db.query<{ id: string }>('select id from case_referrals where case_id = $1', [shared.case]))[0]!.id;

    // A campaign supporter and an update, made by the matrix's editor.
    const campaignEditor = await loggedIn(t, users.get('editor')!);
    await campaignEditor.staffPost('/staff/campaign/supporters', { name_ru: 'Матрица', name_en: 'Matrix', name_nl: 'Matrix' });
    shared.supporter = (await t.db.query<{ id: string }>('select id from campaign_supporters'))[0]!.id;
    await campaignEditor.staffPost('/staff/campaign/updates', { dated: '2030-01-01', title_ru: 'Матрица', title_en: 'Matrix', title_nl: 'Matrix', body_ru: 'Текст', body_en: 'Text', body_nl: 'Tekst' });
    shared.update = (await t.db.query<{ id: string }>('select id from campaign_updates'))[0]!.id;
    // An expense the matrix's treasurer submitted: only they (as submitter and treasurer) and other treasurers see it.
    const treasurerBrowser = await loggedIn(t, users.get('treasurer')!);
    const submitted = await treasurerBrowser.staffPost('/staff/expenses/new', { amount: '5,00', purpose: 'general', category: 'other', spentOn: '2026-01-01', description: 'route matrix' });
    shared.expense = /\/staff\/expenses\/([0-9a-f-]{36})/.exec(submitted.location ?? '')?.[1] ?? '';
    if (!shared.expense) throw new Error(`the matrix expense was not submitted: ${submitted.status}`);
    // A second one that the walk never decides, for the receipt: the walk may reject the first, and a rejected expense takes no receipt.
    const unpaid = await treasurerBrowser.staffPost('/staff/expenses/new', { amount: '6,00', purpose: 'general', category: 'other', spentOn: '2026-01-01', description: 'route matrix receipt' });
    shared.unpaidExpense = /\/staff\/expenses\/([0-9a-f-]{36})/.exec(unpaid.location ?? '')?.[1] ?? '';
    // Giving: a pledge with a public message (sealed to the editors that exist now), and a bank statement line waiting for the treasurer.
    const pledge = pledgeOf((await give(t, 'nl', { preset: '2500', display: 'public', name: 'Matrix donor', message: 'matrix message' })).page.html);
    shared.gift = (await t.db.query<{ id: string }>('select id from gifts where rf_reference = $1', [pledge.rf]))[0]!.id;
    shared.giftMessage = (await t.db.query<{ id: string }>('select id from gift_messages where gift_id = $1', [shared.gift]))[0]!.id;
    await uploadStatement(await loggedIn(t, users.get('treasurer')!), statementXml({ run: 'MATRIX', rfExact: pledge.rf, rfWrong: pledge.rf, rfText: 'none' }));
    shared.line = (await t.db.query<{ id: string }>("select id from bank_statement_lines where reason = 'no_reference'"))[0]!.id;

    const [requestVault] = await t.db.query<{ vault_id: string }>('select vault_id from help_requests where id = $1', [hidden.request]);
    hidden.requestVault = requestVault!.vault_id;
    hidden.caseVaults = (
      await t.db.query<{ id: string }>(
        'select core_vault_id as id from cases where id = $1 union select vault_id from help_requests where id = $2',
        [hidden.case, hiddenForCase],
      )
    ).map((row) => row.id);
  });

  after(() => t?.close());

  type Target = 'hidden' | 'shared';

  const ACCOUNT = { login: 'matrix-new', displayName: 'Matrix New', password: 'a-long-enough-password', language: 'en' };

  /** A valid form for every POST route, so that a refusal comes from access, never from validation. */
  function bodyFor(route: RouteRecord): Fields {
    const bodies: Record<string, Fields> = {
      '/:lang/help': { needs: 'clothing', story: 'route matrix' },
      '/:lang/help/status': { action: 'open', receipt: '0000-0000-0000-0000-0000' },
      '/staff/login': { login: 'nobody-matrix', password: 'not-the-password' },
      '/staff/login/code': { code: '000000' },
      '/staff/enrol': { code: '000000' },
      '/staff/setup/:token': ACCOUNT,
      '/staff/invite/:token': ACCOUNT,
      '/staff/logout': {},
      '/staff/language': { language: 'en' },
      '/staff/users/invite': { roles: 'editor' },
      '/staff/users/:id/deactivate': {},
      // Revoking an invitation already revoked answers success, so every caller gets the same.
      '/staff/users/invites/:id/revoke': {},
      // No walk holds the shares' cookie: every caller is told the shares are gone, and nothing is set.
      '/staff/recovery-shares': { stored: 'yes' },
      '/staff/coordinators/:id/confirm': {},
      '/staff/requests/:id/reply': { body: 'route matrix reply' },
      '/staff/requests/:id/status': { status: 'triage' },
      '/staff/requests/:id/case': { assignee: holder.id },
      '/staff/requests/:id/join': { case: shared.case },
      '/staff/requests/:id/share': { user: holder.id },
      '/staff/requests/share': { user: holder.id },
      '/staff/cases/new': { origin: 'direct', caseworkerId: holder.id, language: 'ru', needs: 'housing' },
      '/staff/cases/:id/notes': { body: 'route matrix note', part: 'core' },
      '/staff/cases/:id/needs': { need: 'housing', status: 'in_progress' },
      // Re-adding a member in the role they hold answers success, so every caller gets the same.
      '/staff/cases/:id/assign': { user: holder.id, role: 'caseworker' },
      // Removing someone no longer on the case answers success too.
      '/staff/cases/:id/remove': { user: consumed.removable },
      '/staff/cases/:id/status': { status: 'open' },
      '/staff/cases/:id/tracks/evacuation': {},
      '/staff/cases/:id/tracks/evacuation/state': { state: 'planning' },
      '/staff/cases/:id/tracks/clothing': {},
      '/staff/cases/:id/tracks/clothing/state': { state: 'collecting' },
      '/staff/cases/:id/tracks/psych': {},
      '/staff/cases/:id/tracks/psych/state': { state: 'referred' },
      '/staff/cases/:id/tracks/legal': {},
      '/staff/cases/:id/tracks/legal/state': { state: 'lawyer_assigned' },
      '/staff/cases/:id/tracks/shelter': {},
      '/staff/cases/:id/tracks/shelter/state': { state: 'temporary' },
      '/staff/cases/:id/evacuation/contact': { contacted: 'yes', hours: '24' },
      '/staff/cases/:id/evacuation/plan': { route: 'route matrix' },
      // The shared evacuation never arrives: every caller is told "not yet", and nothing is shredded.
      '/staff/cases/:id/evacuation/shred': { confirm: 'yes' },
      '/staff/cases/:id/clothing': { item: 'route matrix coat', size: 'M', quantity: '1' },
      '/staff/cases/:id/clothing/handed-out': { item: shared.clothingItem, cost: '0' },
      '/staff/cases/:id/psych/sessions': { date: '2026-01-15', minutes: '50', form: 'video' },
      '/staff/cases/:id/procedure': { procedure: 'nl' },
      '/staff/cases/:id/procedure/stage': { stage: 'registration', date: '2026-01-15' },
      '/staff/cases/:id/deadlines': { kind: 'other', due: '2026-01-15' },
      '/staff/cases/:id/deadlines/done': { deadline: shared.deadline, done: 'yes' },
      '/staff/cases/:id/tasks': { title: 'route matrix task', assignee: holder.id, due: '2026-01-15', part: 'core' },
      '/staff/cases/:id/tasks/done': { task: shared.task, done: 'yes' },
      // Not multipart: a caller who may upload is answered 400, one who may not 404 or 403.
      '/staff/cases/:id/documents': {},
      '/staff/on-call/shifts': { user: users.get('coordinator')!.id, start: '2099-02-01T08:00', end: '2099-02-01T20:00', zone: 'Europe/Amsterdam' },
      // Only the coordinator's walk removes it, once; removing it again answers the same.
      '/staff/on-call/shifts/:id/remove': {},
      '/staff/on-call/address': { email: 'matrix@example.org' },
      // Acknowledging twice answers 303 too.
      '/staff/alerts/:id/acknowledge': {},
      // Claiming a request someone holds, or releasing one nobody holds, answers with a message, not an error page.
      '/staff/requests/:id/claim': {},
      '/staff/requests/:id/release': {},
      '/staff/templates': { lang: 'en', title: 'route matrix', body: 'route matrix template' },
      '/staff/templates/:id': { lang: 'en', title: 'route matrix', body: 'route matrix template' },
      '/staff/templates/:id/delete': {},
      '/staff/cases/:id/checkins': { hours: '24' },
      '/staff/cases/:id/checkin': {},
      '/staff/cases/:id/break-glass': { reason: 'route matrix' },
      '/staff/break-glass/:id/approve': {},
      // Nothing is flagged on the shared case: clearing answers 303 to its caseworker and coordinator.
      '/staff/cases/:id/coercion/clear': { reason: 'other', seen: '2026-01-01T00:00:00.000Z' },
      // Without a bank account the page says giving is not open; with one (as here) it answers with a pledge.
      '/:lang/give': { key: 'matrix-form-key'.padEnd(43, 'x'), preset: '2500', purpose: 'general', display: 'anonymous' },
      '/:lang/give/gift': { code: '0'.repeat(28) },
      // Without SMTP in the walk every caller is told statements are not available (200), and nothing is kept.
      '/:lang/give/statement': { email: 'donor@example.org', year: String(new Date().getUTCFullYear()) },
      // No provider in the walk: Mollie's webhook answers 200 to everyone, as for any payment that is not ours.
      '/api/mollie/webhook': { id: 'tr_routeMatrix' },
      // Unsigned: the verifier refuses every caller alike, before anything is read.
      '/api/stripe/webhook': {},
      // A token nobody holds, with a check that does not match it: every caller is told "not found".
      '/:lang/give/monthly/cancel': { token: 'A'.repeat(43), check: 'route-matrix' },
      // Not multipart: the treasurer is answered 400, anyone else 404 or 403.
      '/staff/funding/statements': {},
      // The treasurer's walk books the waiting line; dismissing it afterwards answers "already decided" (303).
      '/staff/funding/lines/:id/book': { purpose: 'general' },
      '/staff/funding/lines/:id/dismiss': { reason: 'other' },
      // The shared line is a gift (booked by then, or waiting): linking it to an expense, booking it as
      // bank costs or as a payout answers with a message (303), never a second booking.
      '/staff/funding/lines/:id/link': { expense: '00000000-0000-4000-8000-000000000000' },
      '/staff/funding/lines/:id/costs': {},
      '/staff/funding/lines/:id/payout': { provider: 'mollie', gross: '1,00' },
      // Nothing is given up in the walk: trying again answers 303 and changes nothing.
      '/staff/funding/deliveries/retry': {},
      // Sharing with oneself grants nothing: the treasurer's and the editor's walks are answered 303.
      '/staff/funding/share': { user: users.get('treasurer')!.id },
      '/staff/gift-messages/share': { user: users.get('editor')!.id },
      // The editor's walk rejects the waiting message once; nobody else reaches it.
      '/staff/gift-messages/:id/decide': { decision: 'reject' },
      '/staff/expenses/new': { amount: '5,00', purpose: 'general', category: 'other', spentOn: '2026-01-01', description: 'route matrix' },
      // The submitter's approval answers "own" (303); after a pay, further actions answer with a message (303).
      '/staff/expenses/:id/approve': {},
      '/staff/expenses/:id/reject': { reason: 'route matrix' },
      '/staff/expenses/:id/pay': {},
      '/staff/expenses/:id/reverse': { reason: 'route matrix' },
      // Not multipart: the submitter or a treasurer is answered 400; anyone else 404 before the body is read.
      '/staff/expenses/:id/receipt': {},
      '/staff/funding/books/check': {},
      '/staff/campaign': { goal: '1000', starts_on: '2030-01-01', ends_on: '2030-02-01', story_ru: 'Матрица', story_en: 'Matrix', story_nl: 'Matrix' },
      '/staff/campaign/purposes': { goal_shelter: '100' },
      '/staff/campaign/supporters': { name_ru: 'Матрица', name_en: 'Matrix', name_nl: 'Matrix' },
      '/staff/campaign/supporters/:id': { name_ru: 'Матрица', name_en: 'Matrix', name_nl: 'Matrix' },
      // Not multipart: an editor is answered 400; for a supporter that does not exist, 404 before the body is read.
      '/staff/campaign/supporters/:id/logo': {},
      // Removing a logo the supporter does not have answers 303 too.
      '/staff/campaign/supporters/:id/logo/remove': {},
      '/staff/campaign/supporters/:id/move': { direction: 'down' },
      // Without the ticked box nothing is removed: every editor is sent back to the supporter.
      '/staff/campaign/supporters/:id/remove': {},
      '/staff/campaign/updates': { dated: '2030-01-01', title_ru: 'Матрица', title_en: 'Matrix', title_nl: 'Matrix', body_ru: 'Текст', body_en: 'Text', body_nl: 'Tekst' },
      '/staff/campaign/updates/:id': { dated: '2030-01-02', title_ru: 'Матрица', title_en: 'Matrix', title_nl: 'Matrix', body_ru: 'Текст', body_en: 'Text', body_nl: 'Tekst' },
      '/staff/campaign/updates/:id/publish': { published: 'no' },
      '/staff/directory/new': { kind: 'doctor', name: 'Matrix doctor', languages: 'ru', city: '', friendly: 'unknown', capacity: '1', contact: '' },
      '/staff/directory/:id': { kind: 'lawyer', name: 'Matrix lawyer', languages: 'ru, nl', city: '', friendly: 'unknown', capacity: '5', contact: 'matrix' },
      // Without the ticked box nothing is retired: every caller who may edit is sent back to the form.
      '/staff/directory/:id/retire': {},
      '/staff/cases/:id/referrals': { entry: shared.entry, note: 'route matrix' },
      // Ending a referral already ended answers the same.
      '/staff/cases/:id/referrals/:referral/end': {},
      // An empty form turns reminders off: every staff member is answered 303, and no address is made.
      '/staff/my-work/reminders': {},
      '/staff/cases/:id/forget/ask': { reason: 'in_person' },
      // Unticked: the walk never erases the shared case.
      '/staff/cases/:id/forget/confirm': {},
      '/staff/cases/:id/forget/withdraw': {},
    };
    const body = bodies[route.path];
    if (!body) throw new Error(`The route matrix has no valid form for POST ${route.path}: add one to bodyFor().`);
    return body;
  }

  /** The address to call, with every parameter filled in. */
  function addressOf(route: RouteRecord, target: Target): string {
    const asset = assetUrl('app.css').split('/');
    return route.path.replace(/:(\w+)/g, (_, name: string) => {
      if (name === 'lang') return 'ru';
      if (name === 'token') return randomBytes(32).toString('base64url');
      if (name === 'version') return asset[2]!;
      if (name === 'name') return asset[3]!;
      if (name === 'id') {
        if (route.path === '/staff/requests/:id/case') return target === 'hidden' ? hidden.request : consumed.caseRequest;
        if (route.path === '/staff/requests/:id/join') return target === 'hidden' ? hidden.request : consumed.joinRequest;
        if (route.path.startsWith('/staff/requests/')) return target === 'hidden' ? hidden.request : shared.request;
        if (route.path.startsWith('/staff/cases/')) return target === 'hidden' ? hidden.case : shared.case;
        if (route.path.startsWith('/staff/users/invites/')) return target === 'hidden' ? randomUUID() : shared.invite;
        if (route.path.startsWith('/staff/users/')) return target === 'hidden' ? randomUUID() : shared.user;
        if (route.path.startsWith('/staff/coordinators/')) return target === 'hidden' ? randomUUID() : shared.coordinator;
        if (route.path.startsWith('/staff/on-call/shifts/')) return target === 'hidden' ? randomUUID() : shared.shift;
        if (route.path.startsWith('/staff/alerts/')) return target === 'hidden' ? randomUUID() : shared.alert;
        if (route.path === '/staff/templates/:id/delete') return target === 'hidden' ? randomUUID() : consumed.template;
        if (route.path.startsWith('/staff/templates/')) return target === 'hidden' ? randomUUID() : shared.template;
        if (route.path.startsWith('/staff/break-glass/')) return target === 'hidden' ? randomUUID() : shared.breakGlass;
        if (route.path.startsWith('/staff/directory/')) return target === 'hidden' ? randomUUID() : shared.entry;
        if (route.path.startsWith('/staff/campaign/supporters/') || route.path.startsWith('/campaign/logos/')) return target === 'hidden' ? randomUUID() : shared.supporter;
        if (route.path.startsWith('/staff/campaign/updates/')) return target === 'hidden' ? randomUUID() : shared.update;
        if (route.path === '/staff/expenses/:id/receipt') return target === 'hidden' ? randomUUID() : shared.unpaidExpense;
        if (route.path.startsWith('/staff/expenses/')) return target === 'hidden' ? randomUUID() : shared.expense;
        if (route.path.startsWith('/staff/funding/gifts/')) return target === 'hidden' ? randomUUID() : shared.gift;
        if (route.path.startsWith('/staff/funding/lines/')) return target === 'hidden' ? randomUUID() : shared.line;
        if (route.path.startsWith('/staff/gift-messages/')) return target === 'hidden' ? randomUUID() : shared.giftMessage;
      }
      if (name === 'referral') return target === 'hidden' ? randomUUID() : shared.referral;
      if (name === 'doc') return target === 'hidden' ? randomUUID() : shared.document;
      throw new Error(`The route matrix does not know how to fill :${name} in ${route.path}: teach addressOf().`);
    });
  }

  type Principal = { name: string; role: Role | null; browser: Browser };

  /** What the declared access promises for this caller; answers a problem, or null. */
  function judge(route: RouteRecord, principal: Principal, target: Target, path: string, page: Page): string | null {
    const { access } = route;
    if (page.status >= 500) return `answered ${page.status}`;
    if (access.kind === 'public') return page.setCookies.length > 0 ? `a public route set a cookie: ${page.setCookies.join(' | ')}` : null;
    if (access.kind === 'machine') {
      // A machine route with a verifier (a signed webhook) refuses the walk's unsigned calls alike.
      if (typeof access.verify === 'function') return [400, 401].includes(page.status) && page.setCookies.length === 0 ? null : `a verified machine route answered an unsigned call ${page.status}`;
      return page.status === 200 && page.setCookies.length === 0 ? null : `answered ${page.status}`;
    }
    // No walk here carries valid credentials: nothing may start, or end, a session.
    if (access.kind === 'signing-in') return page.setCookies.length > 0 ? `a signing-in route set a cookie without credentials: ${page.setCookies.join(' | ')}` : null;
    if (!principal.role) {
      if (route.method === 'GET') {
        return page.status === 303 && page.location === `/staff/login?next=${encodeURIComponent(path)}` ? null : `anonymous GET answered ${page.status} ${page.location ?? ''}`;
      }
      return page.status === 403 ? null : `anonymous POST answered ${page.status}`;
    }
    const allowed = access.roles === 'any' || access.roles.includes(principal.role);
    if (!allowed) return page.status === 404 ? null : `without the role: ${page.status} instead of 404`;
    if (route.path === '/staff/cases/:id/break-glass' && target === 'hidden' && principal.role === 'coordinator') {
      // Break-glass is the way in for a coordinator without a key: its page opens nothing but says what asking means.
      const expected = route.method === 'GET' ? 200 : 303;
      return page.status === expected ? null : `break-glass without a key: ${page.status} instead of ${expected}`;
    }
    if (route.path.includes(':id') && target === 'hidden') return page.status === 404 ? null : `without a key to the record: ${page.status} instead of 404`;
    const outside = beyondThePart(route, principal.role);
    if (outside) return page.status === 404 ? null : `${outside}: ${page.status} instead of 404`;
    return page.status === 403 || page.status === 404 ? `with the role${route.path.includes(':id') ? ' and the key' : ''}: ${page.status}` : null;
  }

  /**
   * Need to know inside a case the caller is on: where the role on the case decides beyond the
   * keys the walk granted to everyone, "not found" is the right answer too.
   */
  function beyondThePart(route: RouteRecord, role: Role): string | null {
    if (route.path === '/staff/cases/:id/documents' && role === 'housing_coordinator') return 'no part the housing coordinator reads holds documents';
    if (route.path.startsWith('/staff/expenses/:id') && role !== 'treasurer') return "an expense is its submitter's and the treasurers'";
    if (route.path === '/staff/expenses/:id/receipt' && route.method === 'GET') return 'the shared expense has no receipt';
    return null;
  }

  describe('the route registry', () => {
    test('every route Hono serves was declared with route(), and nothing twice', () => {
      const declared = routesOf(t.app);
      assert.ok(declared.length > 20, `only ${declared.length} routes declared`);
      const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
      const declaredKeys = declared.map(key);
      assert.equal(new Set(declaredKeys).size, declaredKeys.length, 'a route is declared twice');
      const served = new Set(t.app.routes.filter((r) => r.method !== 'ALL').map(key));
      assert.deepEqual([...served].filter((k) => !declaredKeys.includes(k)), [], 'served without a declared access');
      assert.deepEqual(declaredKeys.filter((k) => !served.has(k)), [], 'declared but not served');
      const middleware = t.app.routes.filter((r) => r.method === 'ALL');
      assert.ok(middleware.every((r) => r.path === '/*'), 'only app-wide middleware is registered for ALL methods');
    });

    test('every route declares a known access, and lives at the address its access implies', () => {
      for (const route of routesOf(t.app)) {
        const name = `${route.method} ${route.path}`;
        assert.ok(['public', 'machine', 'signing-in', 'staff'].includes(route.access.kind), `${name}: ${route.access.kind}`);
        // The staff cookie is sent to /staff only: a staff route elsewhere would never see a session.
        if (route.access.kind === 'staff' || route.access.kind === 'signing-in') assert.match(route.path, /^\/staff(\/|$)/, name);
        else assert.doesNotMatch(route.path, /^\/staff(\/|$)/, name);
        if (route.access.kind === 'machine') {
          assert.match(route.path, /^\/api\//, name);
          assert.ok(typeof route.access.verify === 'function' || (route.access.verify === 'open' && !!route.access.why), `${name} declares no verifier`);
        } else assert.doesNotMatch(route.path, /^\/api(\/|$)/, `${name}: only machines live under /api/`);
        if (route.access.kind === 'staff' && route.access.roles !== 'any') {
          assert.ok(route.access.roles.length > 0 && route.access.roles.every((role) => ROLES.includes(role)), name);
        }
        // What people wrote is for those who follow cases (DESIGN.md): never for 'any' staff member.
        if (/^\/staff\/(requests|cases)\/:id/.test(route.path)) {
          assert.ok(route.access.kind === 'staff' && route.access.roles !== 'any' && route.access.roles.every((role) => CASE_ROLES.includes(role)), `${name} is open beyond the case roles`);
        }
      }
    });
  });

  /** A fresh app with the real error handler's mapping of AppError, for the registry's own rules. */
  function bareApp() {
    const app = new Hono<AppEnv>();
    app.onError((error, c) => c.text(error.message, error instanceof AppError ? error.status : 500));
    return app;
  }

  const reached = () => {
    throw new Error('this handler must never be reached');
  };

  describe('the registry refuses a route whose access is incomplete', () => {
    test('a staff route that names no roles', () => {
      // @ts-expect-error -- naming no role does not compile; staff('any') says "every staff member".
      assert.throws(() => staff(), /names the roles/, 'staff() with no roles');
      const none: readonly Role[] = [];
      assert.throws(() => staff(...none), /names the roles/, 'staff() with an empty list');
      const app = bareApp();
      assert.throws(() => route(app, 'GET', '/staff/nobody', { kind: 'staff', roles: [] }, reached), /names the roles/, 'a hand-made staff access without roles');
      assert.throws(() => route(app, 'GET', '/staff/nobody', { kind: 'staff', roles: ['wizard' as Role] }, reached), /unknown roles/, 'an unknown role');
      assert.deepEqual(routesOf(app), [], 'nothing refused was registered');
      assert.deepEqual(staff('any'), { kind: 'staff', roles: 'any' }, 'every staff member, said explicitly');
      assert.deepEqual(staff('coordinator', 'caseworker'), { kind: 'staff', roles: ['coordinator', 'caseworker'] }, 'named roles');
    });

    test('a machine route without a verifier, or outside /api/, and anything else under /api/', () => {
      const app = bareApp();
      assert.throws(() => route(app, 'POST', '/api/webhook', { kind: 'machine' } as Access, reached), /verifies its caller/, 'no verifier');
      // @ts-expect-error -- an open machine route says why it may be open.
      assert.throws(() => route(app, 'GET', '/api/open', machine({ verify: 'open' }), reached), /says why/, 'open without a reason');
      assert.throws(() => route(app, 'GET', '/api/open', machine({ verify: 'open', why: ' ' }), reached), /says why/, 'open with a blank reason');
      assert.throws(() => route(app, 'POST', '/hooks/pay', machine({ verify: () => true }), reached), /under \/api\//, 'a machine route outside /api/');
      assert.throws(() => route(app, 'GET', '/api/page', PUBLIC, reached), /only machine routes/, 'a public route under /api/');
      assert.throws(() => route(app, 'GET', '/api/staff', staff('any'), reached), /only machine routes/, 'a staff route under /api/');
      assert.deepEqual(routesOf(app), [], 'nothing refused was registered');
    });

    test('a machine route whose verifier refuses never reaches its handler', async () => {
      const app = bareApp();
      let handled = 0;
      let verified = 0;
      const signed = (c: { req: { header(name: string): string | undefined } }) => {
        verified += 1;
        return c.req.header('x-signature') === 'good';
      };
      route(app, 'POST', '/api/webhook', machine({ verify: signed }), (c) => {
        handled += 1;
        return c.json({ ok: true });
      });
      route(app, 'POST', '/api/async-webhook', machine({ verify: async () => false }), reached);

      const refused = await app.request('/api/webhook', { method: 'POST', headers: { 'x-signature': 'forged' }, body: '{}' });
      assert.equal(refused.status, 401, 'a refused signature answers 401');
      assert.equal((await app.request('/api/webhook', { method: 'POST', body: '{}' })).status, 401, 'no signature answers 401');
      assert.equal((await app.request('/api/async-webhook', { method: 'POST', body: '{}' })).status, 401, 'an async verifier that refuses');
      assert.equal(handled, 0, 'the handler never ran for a refused caller');
      assert.equal(verified, 2, 'the verifier ran for every call');

      const accepted = await app.request('/api/webhook', { method: 'POST', headers: { 'x-signature': 'good' }, body: '{}' });
      assert.equal(accepted.status, 200, 'a verified caller reaches the handler');
      assert.equal(handled, 1, 'the handler ran once');
    });
  });

  describe('every route with every role', () => {
    test('answers what its declared access promises', async () => {
      const principals: Principal[] = [{ name: 'anonymous', role: null, browser: new Browser(t) }];
      for (const [role, user] of users) principals.push({ name: role, role, browser: await loggedIn(t, user) });

      const routes = routesOf(t.app);
      // Logging out ends the walk for each user.
      const ordered = [...routes.filter((r) => r.path !== '/staff/logout'), ...routes.filter((r) => r.path === '/staff/logout')];
      assert.equal(ordered.length, routes.length);
      const problems: string[] = [];
      let calls = 0;
      for (const principal of principals) {
        for (const route of ordered) {
          const targets: Target[] = route.path.includes(':id') ? ['hidden', 'shared'] : ['hidden'];
          for (const target of targets) {
            const path = addressOf(route, target);
            const { browser } = principal;
            // A staff cookie reaching a public page (a proxy rewriting paths, say) must change nothing either.
            const cookies = route.access.kind === 'public' || route.access.kind === 'machine' ? 'everywhere' : 'by-path';
            let page: Page;
            if (route.method === 'GET') page = await browser.get(path, {}, cookies);
            else if (route.access.kind === 'staff' && principal.role) page = await browser.staffPost(path, bodyFor(route));
            else page = await browser.post(path, bodyFor(route), {}, cookies);
            calls += 1;
            const problem = judge(route, principal, target, path, page);
            if (problem) problems.push(`${principal.name} ${route.method} ${route.path}${targets.length > 1 ? ` [${target}]` : ''}: ${problem}`);
          }
        }
        if (principal.role) {
          const afterLogout = await principal.browser.get('/staff/cases');
          if (afterLogout.status !== 303) problems.push(`${principal.name}: still logged in after POST /staff/logout`);
        }
      }
      assert.ok(calls > principals.length * routes.length, `only ${calls} calls`);
      assert.deepEqual(problems, []);

      // Nothing the walk did reached the hidden records.
      assert.equal(await countRows(t.db, 'messages', 'request_id = $1', [hidden.request]), 0);
      assert.equal(await countRows(t.db, 'case_notes', 'case_id = $1', [hidden.case]), 0);
      assert.equal(await countRows(t.db, 'help_requests', "id = $1 and status = 'new' and case_id is null", [hidden.request]), 1);
      assert.equal(await countRows(t.db, 'case_needs', "case_id = $1 and status = 'open'", [hidden.case]), 1);
      const matrixIds = [...users.values()].map((user) => user.id);
      assert.equal(await countRows(t.db, 'vault_keys', "vault_id = any($1::uuid[]) and principal_kind = 'user' and principal_ref = any($2::text[])", [[hidden.requestVault, ...hidden.caseVaults], matrixIds]), 0);
      // ...while the shared ones show the walk did get through where it should.
      assert.ok((await countRows(t.db, 'messages', 'request_id = $1', [shared.request])) >= 4, 'the four case roles replied');
      assert.ok((await countRows(t.db, 'case_notes', 'case_id = $1', [shared.case])) >= 4, 'the four case roles wrote notes');
      assert.equal(await countRows(t.db, 'users', 'id = $1 and not active', [shared.user]), 1, 'the administrator deactivated');
      assert.equal(await countRows(t.db, 'invites', 'id = $1 and revoked_at is not null', [shared.invite]), 1, 'the administrator revoked the invitation');
      assert.equal(await countRows(t.db, 'users', 'id = $1 and coordinator_confirmed_at is not null', [shared.coordinator]), 1, 'the coordinator confirmed');
    });
  });
});
