/**
 * What editors keep on the campaign page (issue 8): the campaign, purposes, supporters with their
 * logos, and updates. Only editors may change any of it; every change is audited without its text.
 * Logos are taken by content, PNG or JPEG only, and served from our origin as exactly that.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { FILE_CSP } from '../../src/web/headers.ts';
import { translator } from '../../src/i18n/index.ts';
import type { Role } from '../../src/auth/roles.ts';
import { Browser, assertNotShows, assertShows, countRows, createStaff, initialiseInstance, loggedIn, marker, startTestApp, type Page, type TestApp } from '../support/app.ts';

describe('test/funding/campaign-editing.test.ts', () => {
  let t: TestApp;
  let editor: Browser;
  let adminBrowser: Browser;
  const en = translator('en');
  const home = async (lang: 'ru' | 'en' | 'nl') => (await new Browser(t).get(`/${lang}/`)).html;
  const threeLanguages = (name: string, value: (lang: string) => string) => Object.fromEntries(['ru', 'en', 'nl'].map((lang) => [`${name}_${lang}`, value(lang)]));
  const supporterFields = (name: string) => ({ ...threeLanguages('name', (lang) => `${name}-${lang}`), ...threeLanguages('role', (lang) => `role-${lang}`), ...threeLanguages('quote', (lang) => `quote-${lang}`) });
  const supporterIds = async () => (await t.db.query<{ id: string }>('select id from campaign_supporters order by position')).map((row) => row.id);

  before(async () => {
    t = await startTestApp();
    const { admin } = await initialiseInstance(t.db);
    adminBrowser = await loggedIn(t, admin);
    editor = await loggedIn(t, await createStaff(t.db, { login: 'campaign-editor', roles: ['editor'] }));
  });

  after(() => t?.close());

  describe('who may edit', () => {
    const attempts: [string, Record<string, string>][] = [
      ['/staff/campaign', { goal: '5', starts_on: '2030-01-01', ends_on: '2030-02-01', story_ru: 'x', story_en: 'x', story_nl: 'x' }],
      ['/staff/campaign/supporters', supporterFields('intruder')],
      ['/staff/campaign/updates', { dated: '2030-01-01', ...threeLanguages('title', () => 'x'), ...threeLanguages('body', () => 'x') }],
    ];

    test('caseworkers, coordinators, treasurers and an administrator without the editor role get "not found", and nothing changes', async () => {
      const others: [string, Browser][] = [['administrator', adminBrowser]];
      for (const role of ['caseworker', 'coordinator', 'treasurer', 'psychologist'] as Role[]) {
        others.push([role, await loggedIn(t, await createStaff(t.db, { login: `campaign-not-${role}`, roles: [role] }))]);
      }
      const rows = async () => [await countRows(t.db, 'campaign'), await countRows(t.db, 'campaign_supporters'), await countRows(t.db, 'campaign_updates')];
      const before = await rows();
      for (const [role, browser] of others) {
        assert.equal((await browser.get('/staff/campaign')).status, 404, `${role}: the editors' page`);
        for (const [path, fields] of attempts) assert.equal((await browser.staffPost(path, fields)).status, 404, `${role}: POST ${path}`);
        assertNotShows(await browser.get('/staff/cases'), en('campaign.staff.title'), `${role}: no link to the campaign`);
      }
      assert.deepEqual(await rows(), before, 'nothing was written');
    });

    test('a signed-out visitor is sent to log in, and a post without a session or without the CSRF token is refused', async () => {
      const visitor = new Browser(t);
      const page = await visitor.get('/staff/campaign');
      assert.equal(page.status, 303);
      assert.equal(page.location, '/staff/login?next=%2Fstaff%2Fcampaign');
      for (const [path, fields] of attempts) assert.equal((await visitor.post(path, fields)).status, 403, `anonymous POST ${path}`);
      assert.equal((await editor.post('/staff/campaign/supporters', supporterFields('no-token'))).status, 403, 'an editor\'s post without the token');
      assert.equal(await countRows(t.db, 'campaign_supporters', "name_en = 'no-token-en'"), 0);
    });

    test('the editor sees the page and the link to it', async () => {
      const page = await editor.get('/staff/campaign');
      assert.equal(page.status, 200);
      assert.match(page.html, /<a href="\/staff\/campaign">/, 'the navigation links to the campaign');
    });
  });

  describe('the campaign and its purposes', () => {
    test('a refused form comes back as typed, says what to change and saves nothing', async () => {
      const story = marker('kept-as-typed');
      const page = await editor.staffPost('/staff/campaign', { goal: '1.000', starts_on: '2030-02-01', ends_on: '2030-01-01', story_ru: story, story_en: 'x'.repeat(10_001), story_nl: 'a\u202Eb' });
      assert.equal(page.status, 400);
      assertShows(page, story, 'the story as typed');
      assertShows(page, en('campaign.staff.error.goal'), 'an ambiguous amount is refused');
      assertShows(page, en('campaign.staff.error.endsOn'), 'an end before the start');
      assertShows(page, en('campaign.staff.error.text', { max: 10_000 }), 'a story too long, or with a direction override');
      assert.equal(await countRows(t.db, 'campaign'), 0, 'nothing saved');
    });

    test('an edit is audited by its kind and part, never its text', async () => {
      const story = marker('audited-story');
      assert.equal((await editor.staffPost('/staff/campaign', { goal: '2500,50', starts_on: '2030-01-01', ends_on: '2030-03-01', story_ru: story, story_en: story, story_nl: story })).status, 303);
      const [row] = await t.db.query<{ goal_cents: bigint }>('select goal_cents from campaign');
      assert.equal(row?.goal_cents, 250_050n, 'euros and cents, kept as cents');
      const entries = await t.db.query<{ detail: string }>("select detail from audit_events where kind = 'campaign.edited'");
      assert.ok(entries.length >= 1);
      assert.ok(entries.every((entry) => !entry.detail.includes(story) && !entry.detail.includes('250050')), 'no content in the audit detail');
      assert.match(entries.at(-1)!.detail, /"part":"campaign"/);
    });
  });

  describe('supporters', () => {
    test('added, edited in each language, moved and removed, as the home page shows them', async () => {
      for (const name of ['first', 'second', 'third']) assert.equal((await editor.staffPost('/staff/campaign/supporters', supporterFields(name))).status, 303);
      const [first, second, third] = await supporterIds();
      const order = async (lang: 'ru' | 'en' | 'nl') => {
        const html = await home(lang);
        return ['first', 'second', 'third'].sort((a, b) => html.indexOf(`${a}-${lang}`) - html.indexOf(`${b}-${lang}`));
      };
      assert.deepEqual(await order('nl'), ['first', 'second', 'third']);
      assert.equal((await editor.staffPost(`/staff/campaign/supporters/${third}/move`, { direction: 'up' })).status, 303);
      assert.deepEqual(await order('ru'), ['first', 'third', 'second']);
      assert.equal((await editor.staffPost(`/staff/campaign/supporters/${first}/move`, { direction: 'up' })).status, 303, 'the first moved up stays first');
      const quote = { ru: marker('quote-ru'), en: marker('quote-en'), nl: marker('quote-nl') };
      assert.equal((await editor.staffPost(`/staff/campaign/supporters/${second}`, { ...supporterFields('second'), quote_ru: quote.ru, quote_en: quote.en, quote_nl: quote.nl })).status, 303);
      for (const lang of ['ru', 'en', 'nl'] as const) assertShows(await home(lang), quote[lang], `/${lang}/ shows the edited quote`);
      assert.equal((await editor.staffPost(`/staff/campaign/supporters/${second}/remove`, {})).status, 303, 'without the ticked box');
      assert.equal((await supporterIds()).length, 3, 'nothing removed without the ticked box');
      assert.equal((await editor.staffPost(`/staff/campaign/supporters/${second}/remove`, { confirm: 'yes' })).status, 303);
      assertNotShows(await home('en'), 'second-en', 'a removed supporter');
      assert.equal((await editor.staffPost(`/staff/campaign/supporters/${second}`, supporterFields('ghost'))).status, 404, 'a removed supporter is not found');
      const changes = (await t.db.query<{ detail: string }>("select detail from audit_events where kind = 'campaign.supporter_saved'")).map((row) => JSON.parse(row.detail).change);
      assert.deepEqual([...new Set(changes)].sort(), ['added', 'changed', 'moved', 'removed']);
    });

    test('two editors adding and moving supporters at once keep one order: no two in one place, nobody lost (run with TEST_DATABASE_URL too)', async () => {
      const other = await loggedIn(t, await createStaff(t.db, { login: 'campaign-editor-two', roles: ['editor'] }));
      const adds = Array.from({ length: 12 }, (_, i) => (i % 2 ? editor : other).staffPost('/staff/campaign/supporters', supporterFields(`together-${i}`)));
      assert.deepEqual((await Promise.all(adds)).map((page) => page.status), Array(12).fill(303));
      const ids = await supporterIds();
      const moves = ids.flatMap((id, i) => [editor.staffPost(`/staff/campaign/supporters/${id}/move`, { direction: 'up' }), other.staffPost(`/staff/campaign/supporters/${ids[ids.length - 1 - i]}/move`, { direction: 'down' })]);
      assert.ok((await Promise.all(moves)).every((page) => page.status === 303), 'every move answered');
      const positions = (await t.db.query<{ position: number }>('select position from campaign_supporters order by position')).map((row) => row.position);
      assert.equal(new Set(positions).size, positions.length, 'no two supporters share a place');
      assert.equal(positions.length, ids.length, 'nobody lost');
    });

    test('a name is required in every language', async () => {
      const page = await editor.staffPost('/staff/campaign/supporters', { ...supporterFields('nameless'), name_nl: '  ' });
      assert.equal(page.status, 400);
      assertShows(page, en('campaign.staff.error.required'));
    });
  });

  describe('logos', () => {
    let supporter = '';
    const png = () => sharp({ create: { width: 600, height: 300, channels: 4, background: '#1d5c63' } }).png().toBuffer();
    const jpeg = () => sharp({ create: { width: 200, height: 100, channels: 3, background: '#a4262c' } }).jpeg().toBuffer();

    before(async () => {
      await editor.staffPost('/staff/campaign/supporters', supporterFields('logo-holder'));
      supporter = (await t.db.query<{ id: string }>("select id from campaign_supporters where name_en = 'logo-holder-en'"))[0]!.id;
    });

    /** A multipart post as a browser sends the logo form: the CSRF token first, the file last. */
    function upload(filename: string, bytes: Uint8Array, options: { csrf?: string | null; type?: string; id?: string } = {}): Promise<Page> {
      const boundary = `logo${marker('b').slice(-8)}`;
      const csrf = options.csrf === undefined ? editor.csrfToken! : options.csrf;
      const head = Buffer.from(
        `${csrf === null ? '' : `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${options.type ?? 'image/png'}\r\n\r\n`,
      );
      const body = Buffer.concat([head, bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
      return editor.request(`/staff/campaign/supporters/${options.id ?? supporter}/logo`, {
        method: 'POST',
        headers: { 'Sec-Fetch-Site': 'same-origin', 'Content-Type': `multipart/form-data; boundary=${boundary}` },
        body: new Uint8Array(body),
      });
    }

    const stored = async () => (await t.db.query<{ logo_type: string | null }>('select logo_type from campaign_supporters where id = $1', [supporter]))[0]?.logo_type ?? null;

    /** Posts the file, follows the redirect, and answers what the supporter's page says. */
    async function refusedWith(filename: string, bytes: Uint8Array, reason: string, type?: string): Promise<void> {
      const before = await stored();
      const sent = await upload(filename, bytes, { type });
      assert.equal(sent.status, 303, `${filename}: ${sent.status}`);
      assert.equal(sent.location, `/staff/campaign/supporters/${supporter}?logo=${reason}`, filename);
      const page = await editor.get(sent.location!);
      assertShows(page, en(`campaign.staff.logo.refused.${reason}` as 'campaign.staff.logo.refused.type'), `${filename}: a clear message`);
      assert.equal(await stored(), before, `${filename}: nothing stored`);
    }

    test('a PNG and a JPEG are taken, scaled to a logo\'s size and re-encoded; the home page shows them from our origin', async () => {
      const sent = await upload('Logo of us.png', await png());
      assert.equal(sent.location, `/staff/campaign/supporters/${supporter}?logo=saved`);
      const [row] = await t.db.query<{ logo: Uint8Array; logo_width: number; logo_height: number; logo_tag: string }>('select logo, logo_width, logo_height, logo_tag from campaign_supporters where id = $1', [supporter]);
      assert.deepEqual([row!.logo_width, row!.logo_height], [480, 240], 'scaled into 480 × 240');
      assert.deepEqual([...row!.logo.slice(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG');
      const html = await home('en');
      assert.ok(html.includes(`<img src="/campaign/logos/${supporter}?v=${row!.logo_tag}" width="480" height="240" alt=""`), 'the home page names it with its tag');
      assert.equal((await upload('logo.JPG', await jpeg(), { type: 'image/jpeg' })).location, `/staff/campaign/supporters/${supporter}?logo=saved`);
      assert.equal(await stored(), 'image/jpeg');
    });

    test('served with its type, nosniff, a policy under which nothing runs, and long caching only at its tagged address', async () => {
      await upload('logo.png', await png());
      const [row] = await t.db.query<{ logo: Uint8Array; logo_tag: string }>('select logo, logo_tag from campaign_supporters where id = $1', [supporter]);
      const tagged = await t.app.request(`/campaign/logos/${supporter}?v=${row!.logo_tag}`);
      assert.equal(tagged.status, 200);
      assert.equal(tagged.headers.get('content-type'), 'image/png');
      assert.equal(tagged.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(tagged.headers.get('content-security-policy'), FILE_CSP);
      assert.match(FILE_CSP, /default-src 'none'/);
      assert.match(FILE_CSP, /sandbox/);
      assert.equal(tagged.headers.get('cache-control'), 'public, max-age=31536000, immutable');
      assert.equal(tagged.headers.get('set-cookie'), null);
      assert.deepEqual(new Uint8Array(await tagged.arrayBuffer()), new Uint8Array(row!.logo), 'the stored bytes');
      const untagged = await t.app.request(`/campaign/logos/${supporter}`);
      assert.equal(untagged.headers.get('cache-control'), 'no-cache');
      assert.equal((await t.app.request(`/campaign/logos/${supporter}`, { headers: { 'If-None-Match': untagged.headers.get('etag')! } })).status, 304);
      // Pages keep their own policy.
      assert.match((await t.app.request('/en/')).headers.get('content-security-policy') ?? '', /default-src 'self'/);
      for (const path of [`/campaign/logos/${crypto.randomUUID()}`, '/campaign/logos/not-an-id', '/campaign/logos/..%2F..%2Fetc']) {
        assert.equal((await t.app.request(path)).status, 404, path);
      }
    });

    test('SVG, an HTML page named .png, an oversized image, a path in the name and a wrong extension are refused with a clear message', async () => {
      await upload('logo.png', await png());
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
      await refusedWith('logo.svg', svg, 'type', 'image/svg+xml');
      await refusedWith('logo.png', svg, 'type');
      await refusedWith('logo.png', Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>'), 'type');
      const noise = await sharp(Buffer.from(Array.from({ length: 700 * 700 * 3 }, () => Math.floor(Math.random() * 256))), { raw: { width: 700, height: 700, channels: 3 } }).png().toBuffer();
      assert.ok(noise.length > 512 * 1024, 'the test image is over the limit');
      await refusedWith('big.png', noise, 'size');
      await refusedWith('../../../etc/logo.png', await png(), 'name');
      await refusedWith('..\\logo.png', await png(), 'name');
      await refusedWith('logo.jpg', await png(), 'mismatch');
      await refusedWith('empty.png', new Uint8Array(0), 'empty');
      // A PNG's signature with nothing behind it: taken for a PNG by its first bytes, refused by its header.
      await refusedWith('broken.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3]), 'image');
    });

    test('an upload without the CSRF token, or to a supporter that does not exist, stores nothing', async () => {
      const before = await t.db.query('select logo_tag from campaign_supporters where id = $1', [supporter]);
      assert.equal((await upload('logo.png', await jpeg(), { csrf: null })).status, 403);
      assert.equal((await upload('logo.png', await jpeg(), { csrf: 'not-the-token' })).status, 403);
      assert.equal((await upload('logo.png', await png(), { id: crypto.randomUUID() })).status, 404);
      assert.deepEqual(await t.db.query('select logo_tag from campaign_supporters where id = $1', [supporter]), before);
    });

    test('a logo is removed on request, and its address is then not found', async () => {
      await upload('logo.png', await png());
      assert.equal((await editor.staffPost(`/staff/campaign/supporters/${supporter}/logo/remove`, {})).location, `/staff/campaign/supporters/${supporter}?logo=removed`);
      assert.equal(await stored(), null);
      assert.equal((await t.app.request(`/campaign/logos/${supporter}`)).status, 404);
      assert.doesNotMatch(await home('en'), new RegExp(`/campaign/logos/${supporter}`));
    });
  });

  describe('updates', () => {
    test('an update is shown only once published, in each language, and leaves when unpublished', async () => {
      const title = { ru: marker('title-ru'), en: marker('title-en'), nl: marker('title-nl') };
      const fields = { dated: '2030-05-09', title_ru: title.ru, title_en: title.en, title_nl: title.nl, ...threeLanguages('body', (lang) => `Body ${lang}\n\nSecond paragraph`) };
      assert.equal((await editor.staffPost('/staff/campaign/updates', fields)).status, 303);
      const [update] = await t.db.query<{ id: string }>('select id from campaign_updates where title_en = $1', [title.en]);
      assertNotShows(await home('en'), title.en, 'not yet published');
      assert.equal((await editor.staffPost(`/staff/campaign/updates/${update!.id}/publish`, { published: 'yes' })).status, 303);
      for (const lang of ['ru', 'en', 'nl'] as const) assertShows(await home(lang), title[lang], `/${lang}/ once published`);
      assert.match(await home('en'), /<time datetime="2030-05-09">May 9, 2030<\/time>/);
      const edited = marker('edited-title');
      assert.equal((await editor.staffPost(`/staff/campaign/updates/${update!.id}`, { ...fields, title_en: edited })).status, 303);
      assertShows(await home('en'), edited, 'the edit is shown at once');
      assert.equal((await editor.staffPost(`/staff/campaign/updates/${update!.id}/publish`, { published: 'no' })).status, 303);
      assertNotShows(await home('en'), edited, 'unpublished');
      const changes = (await t.db.query<{ detail: string }>("select detail from audit_events where kind = 'campaign.update_saved'")).map((row) => row.detail);
      assert.ok(changes.every((detail) => !detail.includes(edited) && !detail.includes(title.en)), 'no text in the audit');
      assert.equal((await editor.staffPost(`/staff/campaign/updates/${crypto.randomUUID()}/publish`, { published: 'yes' })).status, 404);
      assert.equal((await editor.get(`/staff/campaign/updates/${update!.id}`)).status, 200);
    });
  });
});
