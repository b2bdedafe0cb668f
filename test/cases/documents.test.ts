import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { SESSION_COOKIE } from '../../src/auth/cookie.ts';
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
  Browser,
  type StaffUser,
  type TestApp,
} from '../support/app.ts';

describe('test/cases/documents.test.ts', () => {
  /**
   * Documents on a case, through the pages and addresses people use: stored sealed in chunks and
   * given back byte for byte to who reads the part, refused by content with nothing left behind,
   * photos cleaned of their metadata, and a changed chunk never read as the file.
   */
  let t: TestApp;
  let users: Record<'coordinator' | 'caseworker' | 'psychologist' | 'lawyer' | 'outsider', StaffUser>;
  let browsers: Record<keyof typeof users, Browser>;
  let caseId: string;
  /** The process's temporary folder, fresh: an upload must leave nothing there (nor anywhere on disk). */
  let temporary: string;
  // The test files of a group share one process: its temporary folder is given back afterwards.
  const savedTmpdir = process.env.TMPDIR;

  /** `encoded`: the name sent as RFC 5987 `filename*` (a browser may; it can carry any character). */
  type Upload = { csrf?: string; part?: string; kind?: string; description?: string; original?: 'yes'; name: string; encoded?: true; bytes: Uint8Array; type?: string };

  /** A multipart body as a browser sends it, built by hand so that names reach the server byte for byte. */
  function multipart(upload: Upload): { body: Uint8Array<ArrayBuffer>; type: string } {
    const boundary = `----beside${randomBytes(8).toString('hex')}`;
    // The token first, as the page's form sends it: the route checks it before taking the file.
    const fields = { _csrf: upload.csrf, part: upload.part, kind: upload.kind, description: upload.description, original: upload.original };
    const head = Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('');
    const fileHead = `--${boundary}\r\nContent-Disposition: form-data; name="file"; ${upload.encoded ? `filename*=utf-8''${encodeURIComponent(upload.name)}` : `filename="${upload.name}"`}\r\nContent-Type: ${upload.type ?? 'application/octet-stream'}\r\n\r\n`;
    const body = Buffer.concat([Buffer.from(head + fileHead, 'utf8'), upload.bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
    return { body: new Uint8Array(body), type: `multipart/form-data; boundary=${boundary}` };
  }

  function upload(browser: Browser, upload: Upload, headers: Record<string, string> = {}, id = caseId) {
    const { body, type } = multipart({ csrf: browser.csrfToken!, ...upload });
    return browser.request(`/staff/cases/${id}/documents`, {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'same-origin', 'Content-Type': type, ...headers },
      body,
    });
  }

  /** Downloads as bytes (the test browser reads text); `read: false` leaves the body unread. */
  async function download(browser: Browser, documentId: string, id = caseId) {
    const response = await t.app.request(new URL(`/staff/cases/${id}/documents/${documentId}`, t.config.publicUrl).href, {
      headers: { Cookie: `${SESSION_COOKIE}=${browser.cookie()}`, 'X-Forwarded-For': browser.address },
    });
    return response;
  }

  /** Reads a body to its end, or to where it broke off: what came, and whether it failed. */
  async function readAll(response: Response): Promise<{ bytes: Uint8Array; failed: boolean }> {
    const pieces: Uint8Array[] = [];
    const reader = response.body!.getReader();
    try {
      for (let next = await reader.read(); !next.done; next = await reader.read()) pieces.push(next.value);
      return { bytes: Buffer.concat(pieces), failed: false };
    } catch {
      return { bytes: Buffer.concat(pieces), failed: true };
    }
  }

  /** A PDF by its signature, with text planted in it and filler after. */
  function pdf(text: string, size = 1000): Uint8Array {
    const start = Buffer.from(`%PDF-1.4\n% ${text}\n1 0 obj << /Title (${text}) >> endobj\n`);
    return new Uint8Array(Buffer.concat([start, randomBytes(Math.max(0, size - start.length))]));
  }

  async function documentIds(): Promise<string[]> {
    return (await t.db.query<{ id: string }>('select id from case_documents where case_id = $1 order by created_at', [caseId])).map((row) => row.id);
  }

  async function stored() {
    return { files: await countRows(t.db, 'files'), chunks: await countRows(t.db, 'file_chunks'), documents: await countRows(t.db, 'case_documents') };
  }

  /** Uploads and answers the new document's id. */
  async function added(browser: Browser, what: Upload): Promise<string> {
    const before = new Set(await documentIds());
    const page = await upload(browser, what);
    assert.equal(page.status, 303, `the upload of ${what.name} is taken`);
    assert.match(page.location ?? '', /document=added/, `the upload of ${what.name} is added`);
    const ids = (await documentIds()).filter((id) => !before.has(id));
    assert.equal(ids.length, 1, 'one new document');
    return ids[0]!;
  }

  before(async () => {
    temporary = mkdtempSync(join(tmpdir(), 'beside-documents-'));
    process.env.TMPDIR = temporary;
    t = await startTestApp({ DOCUMENT_MAX_MB: '4' });
    const instance = await initialiseInstance(t.db);
    users = {
      coordinator: instance.admin,
      caseworker: await createStaff(t.db, { login: 'caseworker', roles: ['caseworker'] }),
      psychologist: await createStaff(t.db, { login: 'psychologist', roles: ['psychologist'] }),
      lawyer: await createStaff(t.db, { login: 'lawyer', roles: ['lawyer'] }),
      outsider: await createStaff(t.db, { login: 'outsider', roles: ['caseworker'] }),
    };
    browsers = {} as typeof browsers;
    for (const [name, user] of Object.entries(users)) browsers[name as keyof typeof users] = await loggedIn(t, user);
    const submitted = await submitHelp(t, 'ru', { needs: ['legal', 'psychological'], story: marker('story') });
    const made = await browsers.coordinator.staffPost(`/staff/requests/${submitted.requestId}/case`, { assignee: users.caseworker.id });
    caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
    for (const [who, role] of [
      ['psychologist', 'psychologist'],
      ['lawyer', 'lawyer'],
    ] as const) {
      const assigned = await browsers.caseworker.staffPost(`/staff/cases/${caseId}/assign`, { user: users[who].id, role });
      assert.equal(assigned.status, 303, `the caseworker adds the ${role}`);
    }
    // Each opens the case once, so the grants waiting for them are sealed.
    await browsers.caseworker.get(`/staff/cases/${caseId}`);
    for (const who of ['psychologist', 'lawyer'] as const) {
      assert.equal((await browsers[who].get(`/staff/cases/${caseId}`)).status, 200, `the ${who} opens the case`);
    }
  });

  after(async () => {
    await t?.close();
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  });

  describe('a document goes in and comes out', () => {
    test('a 3 MB PDF is stored in many sealed chunks and downloads byte for byte, audited', async () => {
      const canary = marker('pdf-canary');
      const bytes = pdf(canary, 3 * 1024 * 1024 + 12_345);
      const name = `Решение IND ${marker('name')}.pdf`;
      const id = await added(browsers.caseworker, { part: 'legal', kind: 'immigration', description: marker('description'), name, bytes });
      const [row] = await t.db.query<{ file_id: string; size: bigint; chunks: number }>('select file_id, size, chunks from case_documents where id = $1', [id]);
      assert.equal(Number(row!.size), bytes.length, 'the size is recorded');
      assert.equal(row!.chunks, Math.ceil(bytes.length / 65536), 'one chunk per 64 KiB');
      assert.equal(await countRows(t.db, 'file_chunks', 'file_id = $1', [row!.file_id]), row!.chunks, 'every chunk is a row');

      const response = await download(browsers.lawyer, id);
      assert.equal(response.status, 200, 'the lawyer downloads a legal document');
      assert.equal(response.headers.get('content-type'), 'application/pdf', 'its type');
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', 'never sniffed');
      const disposition = response.headers.get('content-disposition') ?? '';
      assert.match(disposition, /^attachment;/, 'saved, never shown inline');
      assert.ok(disposition.includes(`filename*=UTF-8''${encodeURIComponent(name)}`), 'the exact name, encoded');
      assert.ok(!/[^\x20-\x7e]/.test(disposition), 'the header is plain ASCII');
      const body = await readAll(response);
      assert.equal(body.failed, false, 'the download completes');
      assert.ok(Buffer.from(body.bytes).equals(Buffer.from(bytes)), 'byte for byte the same file');

      const audit = await t.db.query<{ actor_user_id: string; detail: string }>("select actor_user_id, detail from audit_events where kind = 'case.document_downloaded'");
      assert.ok(audit.some((entry) => entry.actor_user_id === users.lawyer.id && entry.detail.includes(id)), 'the download is in the audit log');
      assert.ok(audit.every((entry) => !entry.detail.includes('Решение') && !entry.detail.includes(canary)), 'with no name or content');

      const page = await browsers.lawyer.get(`/staff/cases/${caseId}`);
      assertShows(page, name, 'the lawyer’s case page lists the document');
      assertShows(page, 'Letter from the immigration service', 'with its kind');
    });

    test('a stolen database holds nothing of the file, its name or its description', async () => {
      const words = { content: marker('content'), name: marker('filename'), description: marker('desc') };
      await added(browsers.psychologist, { part: 'psych', kind: 'medical', description: words.description, name: `${words.name}.pdf`, bytes: pdf(words.content, 200_000) });
      const tables = (await t.db.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = 'public'")).map((row) => row.table_name);
      async function dumpHolds(text: string): Promise<boolean> {
        const hex = Buffer.from(text).toString('hex');
        for (const table of tables) {
          const rows = await t.db.query<{ row: string }>(`select t::text as row from "${table}" t`);
          if (rows.some((row) => row.row.includes(text) || row.row.toLowerCase().includes(hex))) return true;
        }
        return false;
      }
      // The scan finds a planted canary, plain or as bytes: it would find the file if it were there.
      const canary = marker('canary');
      await t.db.query("insert into files (id, state) values ('00000000-0000-4000-8000-000000000001', 'uploading')");
      await t.db.query("insert into file_chunks (file_id, idx, data) values ('00000000-0000-4000-8000-000000000001', 0, $1)", [Buffer.from(`x${canary}x`)]);
      assert.equal(await dumpHolds(canary), true, 'the scan finds a plaintext chunk');
      await t.db.query("delete from files where id = '00000000-0000-4000-8000-000000000001'");
      for (const [what, word] of Object.entries(words)) assert.equal(await dumpHolds(word), false, `no table holds the ${what}`);
    });
  });

  describe('an upload that breaks a rule is refused, and nothing is kept', () => {
    const jpeg = () => sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } }).jpeg().toBuffer();
    const cases: [string, () => Promise<Upload>, string, string][] = [
      ['a wrong type', async () => ({ name: 'page.html', bytes: Buffer.from('<html><script>alert(1)</script></html>') }), 'type', 'This kind of file is not accepted'],
      ['an archive', async () => ({ name: 'a.zip', bytes: Buffer.from('504b0304140000000800', 'hex') }), 'type', 'This kind of file is not accepted'],
      ['a name that lies', async () => ({ name: 'letter.pdf', bytes: await jpeg() }), 'mismatch', 'The file name says one type'],
      ['a path', async () => ({ name: '../../etc/passwd.pdf', bytes: pdf('x') }), 'name', 'The file name is not allowed'],
      ['a Windows path', async () => ({ name: '..\\..\\boot.pdf', bytes: pdf('x') }), 'name', 'The file name is not allowed'],
      ['a NUL', async () => ({ name: 'scan\u0000.exe.pdf', encoded: true, bytes: pdf('x') }), 'name', 'The file name is not allowed'],
      ['a control character', async () => ({ name: 'scan\u0007.pdf', encoded: true, bytes: pdf('x') }), 'name', 'The file name is not allowed'],
      ['an encoded path', async () => ({ name: '../../etc/passwd.pdf', encoded: true, bytes: pdf('x') }), 'name', 'The file name is not allowed'],
      ['a reversed name', async () => ({ name: 'photo\u202Efdp.exe', bytes: pdf('x') }), 'name', 'The file name is not allowed'],
      ['a hidden name', async () => ({ name: '.pdf', bytes: pdf('x') }), 'name', 'The file name is not allowed'],
      ['no extension', async () => ({ name: 'scan', bytes: pdf('x') }), 'name', 'The file name is not allowed'],
      ['an oversized file', async () => ({ name: 'big.pdf', bytes: pdf('x', 4 * 1024 * 1024 + 1) }), 'size', 'The file is too large. Largest size: 4 MB'],
      ['an empty file', async () => ({ name: 'empty.pdf', bytes: new Uint8Array(0) }), 'empty', 'The file is empty'],
      ['a HEIC photo to clean', async () => ({ name: 'photo.heic', bytes: heic() }), 'heic', 'HEIC photos cannot be cleaned'],
    ];
    for (const [what, make, code, message] of cases) {
      test(`${what} is refused with a clear message`, async () => {
        const before = await stored();
        const page = await upload(browsers.caseworker, { part: 'core', kind: 'other', ...(await make()) });
        assert.equal(page.status, 303, `${what}: answered with the case page`);
        assert.match(page.location ?? '', new RegExp(`document=${code}`), `${what}: refused as ${code}`);
        assert.deepEqual(await stored(), before, `${what}: no file, chunk or document row is left`);
        assert.equal(tmpdir(), temporary, 'the temporary folder is the test’s own');
        assert.deepEqual(readdirSync(temporary), [], `${what}: no temporary file`);
        const shown = await browsers.caseworker.get(page.location!);
        assertShows(shown, message, `${what}: the case page says why`);
      });
    }

    test('a body past the route’s limit is cut off while it streams (413), nothing kept', async () => {
      const before = await stored();
      const page = await upload(browsers.caseworker, { part: 'core', kind: 'other', name: 'huge.pdf', bytes: pdf('x', 5 * 1024 * 1024) }, {});
      // Past the file limit busboy stops keeping the file; the request's own limit breaks the stream off.
      assert.equal(page.status, 413, 'too large');
      const declared = await upload(browsers.caseworker, { part: 'core', kind: 'other', name: 'x.pdf', bytes: pdf('x') }, { 'Content-Length': String(10 * 1024 * 1024) });
      assert.equal(declared.status, 413, 'a declared length past the limit is refused before reading');
      assert.deepEqual(await stored(), before, 'nothing is left');
    });

    test('a raw control character in the part’s header is a malformed request: 400, nothing kept', async () => {
      const before = await stored();
      const page = await upload(browsers.caseworker, { part: 'core', kind: 'other', name: 'scan\u0000.pdf', bytes: pdf('x') });
      assert.equal(page.status, 400, 'bad request');
      assert.deepEqual(await stored(), before, 'nothing is left');
    });

    test('a form without its part or kind is refused', async () => {
      const before = await stored();
      const page = await upload(browsers.caseworker, { kind: 'other', name: 'a.pdf', bytes: pdf('x') });
      assert.match(page.location ?? '', /document=form/, 'refused');
      assert.deepEqual(await stored(), before, 'nothing is left');
    });

    test('an upload without the CSRF token, with another session’s, or with it only after the file, is refused', async () => {
      const before = await stored();
      const send = (upload: Upload, address = `/staff/cases/${caseId}/documents`) => {
        const { body, type } = multipart(upload);
        return browsers.caseworker.request(address, { method: 'POST', headers: { 'Sec-Fetch-Site': 'same-origin', 'Content-Type': type }, body });
      };
      const file = { part: 'core', kind: 'other', name: 'a.pdf', bytes: pdf('x') };
      assert.equal((await send(file)).status, 403, 'no token');
      assert.equal((await send({ ...file, csrf: browsers.lawyer.csrfToken! })).status, 403, 'a colleague’s token');
      // The token in the address, as an earlier version took it, is not looked at.
      assert.equal((await send(file, `/staff/cases/${caseId}/documents?_csrf=${encodeURIComponent(browsers.caseworker.csrfToken!)}`)).status, 403, 'in the address');
      // A token that only comes after the file arrives too late: the file is never taken.
      const boundary = 'late-token';
      const late = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="part"\r\n\r\ncore\r\n--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nother\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
        pdf('late'),
        Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${browsers.caseworker.csrfToken}\r\n--${boundary}--\r\n`),
      ]);
      const lateAnswer = await browsers.caseworker.request(`/staff/cases/${caseId}/documents`, {
        method: 'POST',
        headers: { 'Sec-Fetch-Site': 'same-origin', 'Content-Type': `multipart/form-data; boundary=${boundary}` },
        body: new Uint8Array(late),
      });
      assert.equal(lateAnswer.status, 403, 'a token after the file');
      assert.deepEqual(await stored(), before, 'nothing is left');
      assert.match((await upload(browsers.caseworker, file)).location ?? '', /document=added/, 'the same file with the token first is taken');
    });
  });

  /** The start of a HEIC file: an ftyp box with the heic brand. */
  function heic(): Uint8Array {
    const box = Buffer.alloc(32);
    box.writeUInt32BE(24, 0);
    box.write('ftypheic', 4, 'latin1');
    box.write('mif1heic', 16, 'latin1');
    return new Uint8Array(Buffer.concat([box, randomBytes(2000)]));
  }

  describe('photos', () => {
    async function photoWithGps(artist: string): Promise<Buffer> {
      return sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } })
        .jpeg()
        .withExif({
          IFD0: { Artist: artist },
          IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '43/1 18/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '45/1 41/1 0/1', GPSMapDatum: `GPS-${artist}` },
        })
        .withMetadata({ orientation: 6 })
        .toBuffer();
    }

    test('a photo loses its EXIF and GPS, but stands as it was shown', async () => {
      const artist = marker('artist');
      const photo = await photoWithGps(artist);
      const before = await sharp(photo).metadata();
      assert.ok(before.exif && Buffer.from(before.exif).includes(artist) && Buffer.from(before.exif).includes(`GPS-${artist}`), 'the test photo carries EXIF and GPS');
      assert.equal(before.orientation, 6, 'and is turned by its orientation tag');
      const id = await added(browsers.caseworker, { part: 'core', kind: 'identity', name: 'passport.jpg', bytes: photo });
      const body = await readAll(await download(browsers.caseworker, id));
      const after = await sharp(body.bytes).metadata();
      assert.equal(after.format, 'jpeg', 'still a JPEG');
      assert.equal(after.exif, undefined, 'no EXIF left');
      assert.ok(!Buffer.from(body.bytes).includes(artist), 'nothing of the EXIF in the bytes');
      assert.equal(after.orientation, undefined, 'no orientation tag');
      assert.deepEqual([after.width, after.height], [48, 64], 'turned as the EXIF said');
    });

    test('“keep the original” stores the photo byte for byte, metadata and all, and marks it', async () => {
      const artist = marker('artist');
      const photo = await photoWithGps(artist);
      const id = await added(browsers.caseworker, { part: 'core', kind: 'identity', original: 'yes', name: 'evidence.jpeg', bytes: photo });
      const body = await readAll(await download(browsers.caseworker, id));
      assert.ok(Buffer.from(body.bytes).equals(photo), 'the very bytes uploaded');
      const [row] = await t.db.query<{ original: boolean }>('select original from case_documents where id = $1', [id]);
      assert.equal(row!.original, true, 'marked as original');
      assertShows(await browsers.caseworker.get(`/staff/cases/${caseId}`), 'original, kept as evidence', 'the list says so');
    });

    test('a HEIC photo kept as evidence is taken', async () => {
      await added(browsers.caseworker, { part: 'core', kind: 'identity', original: 'yes', name: 'photo.HEIC', bytes: heic() });
    });
  });

  describe('who may', () => {
    let psychDocument: string;
    const psychName = marker('psych-doc');

    before(async () => {
      psychDocument = await added(browsers.psychologist, { part: 'psych', kind: 'medical', name: `${psychName}.pdf`, bytes: pdf('therapy') });
    });

    test('a lawyer on the case cannot download a psychological document, or see it listed: 404', async () => {
      const response = await download(browsers.lawyer, psychDocument);
      assert.equal(response.status, 404, 'like a missing document');
      assertNotShows(await readAll(response).then((r) => Buffer.from(r.bytes).toString()), 'therapy', 'the 404');
      assertNotShows(await browsers.lawyer.get(`/staff/cases/${caseId}`), psychName, 'the lawyer’s case page');
      const caseworker = await download(browsers.caseworker, psychDocument);
      assert.equal(caseworker.status, 404, 'nor can the caseworker');
    });

    test('the psychologist can', async () => {
      const response = await download(browsers.psychologist, psychDocument);
      assert.equal(response.status, 200, 'the psychologist downloads it');
      await readAll(response);
    });

    test('someone not on the case gets 404 for the download, the upload and a made-up document', async () => {
      assert.equal((await download(browsers.outsider, psychDocument)).status, 404, 'download');
      const before = await stored();
      const page = await upload(browsers.outsider, { part: 'core', kind: 'other', name: 'a.pdf', bytes: pdf('x') });
      assert.equal(page.status, 404, 'upload');
      const refused = await upload(browsers.outsider, { part: 'core', kind: 'other', name: '../a.pdf', bytes: pdf('x') });
      assert.equal(refused.status, 404, 'even a refused upload says nothing about the case');
      const noForm = await upload(browsers.outsider, { name: 'a.pdf', bytes: pdf('x') });
      assert.equal(noForm.status, 404, 'nor a form without fields');
      assert.deepEqual(await stored(), before, 'nothing is left');
      assert.equal((await download(browsers.caseworker, '00000000-0000-4000-8000-000000000000')).status, 404, 'a missing document');
    });

    test('a lawyer cannot upload into the psychological part: 404, nothing kept', async () => {
      const before = await stored();
      const page = await upload(browsers.lawyer, { part: 'psych', kind: 'medical', name: 'a.pdf', bytes: pdf('x') });
      assert.equal(page.status, 404, `like a missing case (${page.location})`);
      assert.deepEqual(await stored(), before, 'nothing is left');
    });

    test('a document of one case is not found under another case’s address', async () => {
      const other = await submitHelp(t, 'en', { needs: ['legal'] });
      const made = await browsers.coordinator.staffPost(`/staff/requests/${other.requestId}/case`, { assignee: users.caseworker.id });
      const otherCase = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
      const [legal] = await t.db.query<{ id: string }>("select id from case_documents where case_id = $1 and part = 'legal'", [caseId]);
      assert.equal((await download(browsers.caseworker, legal!.id, otherCase)).status, 404, 'bound to its own case');
    });
  });

  describe('a changed chunk is never read as the file', () => {
    let id: string;
    let bytes: Uint8Array;
    let fileId: string;

    before(async () => {
      bytes = pdf('tamper', 5 * 65536 + 100);
      id = await added(browsers.caseworker, { part: 'core', kind: 'other', name: 'tamper.pdf', bytes });
      fileId = (await t.db.query<{ file_id: string }>('select file_id from case_documents where id = $1', [id]))[0]!.file_id;
    });

    async function swap(a: number, b: number) {
      const [first] = await t.db.query<{ data: Uint8Array }>('select data from file_chunks where file_id = $1 and idx = $2', [fileId, a]);
      const [second] = await t.db.query<{ data: Uint8Array }>('select data from file_chunks where file_id = $1 and idx = $2', [fileId, b]);
      await t.db.query('update file_chunks set data = $3 where file_id = $1 and idx = $2', [fileId, a, second!.data]);
      await t.db.query('update file_chunks set data = $3 where file_id = $1 and idx = $2', [fileId, b, first!.data]);
    }

    /** The download fails, and whatever came before the failure is the true start of the file. */
    async function assertFails(what: string) {
      const response = await download(browsers.caseworker, id);
      if (response.status !== 200) {
        assert.ok(response.status >= 500, `${what}: an error, not a file (${response.status})`);
        assert.ok(!Buffer.from(await response.arrayBuffer()).includes('tamper'), `${what}: no content in the error`);
        return;
      }
      const body = await readAll(response);
      assert.equal(body.failed, true, `${what}: the download breaks off`);
      assert.ok(body.bytes.length < bytes.length, `${what}: short of the file`);
      assert.ok(Buffer.from(body.bytes).equals(Buffer.from(bytes.subarray(0, body.bytes.length))), `${what}: no wrong byte was given out`);
    }

    test('two chunks swapped in the middle', async () => {
      await swap(2, 3);
      await assertFails('swapped 2 and 3');
      await swap(2, 3);
      assert.equal((await readAll(await download(browsers.caseworker, id))).failed, false, 'put back, it opens again');
    });

    test('the first two chunks swapped', async () => {
      await swap(0, 1);
      await assertFails('swapped 0 and 1');
      await swap(0, 1);
    });

    test('a chunk taken out, and the file cut short', async () => {
      const [middle] = await t.db.query<{ data: Uint8Array }>('select data from file_chunks where file_id = $1 and idx = 2', [fileId]);
      await t.db.query('delete from file_chunks where file_id = $1 and idx = 2', [fileId]);
      await assertFails('chunk 2 taken out');
      await t.db.query('insert into file_chunks (file_id, idx, data) values ($1, 2, $2)', [fileId, middle!.data]);
      const [last] = await t.db.query<{ data: Uint8Array }>('select data from file_chunks where file_id = $1 and idx = 5', [fileId]);
      await t.db.query('delete from file_chunks where file_id = $1 and idx = 5', [fileId]);
      await assertFails('the last chunk taken out');
      await t.db.query('insert into file_chunks (file_id, idx, data) values ($1, 5, $2)', [fileId, last!.data]);
    });

    test('a chunk of another file put in its place', async () => {
      const other = await added(browsers.caseworker, { part: 'core', kind: 'other', name: 'other.pdf', bytes: pdf('other', 3 * 65536) });
      const [otherFile] = await t.db.query<{ file_id: string }>('select file_id from case_documents where id = $1', [other]);
      const [foreign] = await t.db.query<{ data: Uint8Array }>('select data from file_chunks where file_id = $1 and idx = 1', [otherFile!.file_id]);
      const [own] = await t.db.query<{ data: Uint8Array }>('select data from file_chunks where file_id = $1 and idx = 1', [fileId]);
      await t.db.query('update file_chunks set data = $2 where file_id = $1 and idx = 1', [fileId, foreign!.data]);
      await assertFails('a foreign chunk');
      await t.db.query('update file_chunks set data = $2 where file_id = $1 and idx = 1', [fileId, own!.data]);
    });

    test('a changed size or chunk count makes the document unverifiable: 404, and the list says so', async () => {
      await t.db.query('update case_documents set chunks = chunks - 1 where id = $1', [id]);
      assert.equal((await download(browsers.caseworker, id)).status, 404, 'not given out');
      assertShows(await browsers.caseworker.get(`/staff/cases/${caseId}`), 'could not be verified', 'the page still renders');
      await t.db.query('update case_documents set chunks = chunks + 1 where id = $1', [id]);
    });
  });

  describe('the vault of the part moves on', () => {
    test('taken off the case, the lawyer’s key opens no document; the caseworker still downloads it byte for byte', async () => {
      const bytes = pdf('rotation', 2 * 65536 + 3);
      const id = await added(browsers.caseworker, { part: 'legal', kind: 'immigration', name: 'rotation.pdf', bytes });
      assert.equal((await download(browsers.lawyer, id)).status, 200, 'the lawyer could');
      const removed = await browsers.caseworker.staffPost(`/staff/cases/${caseId}/remove`, { user: users.lawyer.id });
      assert.equal(removed.status, 303, 'the lawyer is taken off the case');
      assert.equal((await download(browsers.lawyer, id)).status, 404, 'now the lawyer cannot');
      const [legal] = await t.db.query<{ legal_vault_id: string }>('select legal_vault_id from cases where id = $1', [caseId]);
      const rotated = await t.db.query<{ detail: string }>("select detail from audit_events where kind = 'vault.rotated' and subject_id = $1", [legal!.legal_vault_id]);
      assert.ok(rotated.length > 0 && rotated.some((entry) => JSON.parse(entry.detail).fields > 0), 'the legal vault was rotated, its documents with it');
      const body = await readAll(await download(browsers.caseworker, id));
      assert.ok(Buffer.from(body.bytes).equals(Buffer.from(bytes)), 'the document survived the rotation');
    });

    test('shredding a part’s vault leaves no row, file or chunk of its documents', async () => {
      const { shredVault } = await import('../../src/crypto/vaults.ts');
      const [row] = await t.db.query<{ psych_vault_id: string }>('select psych_vault_id from cases where id = $1', [caseId]);
      const files = (await t.db.query<{ file_id: string }>("select file_id from case_documents where case_id = $1 and part = 'psych'", [caseId])).map((r) => r.file_id);
      assert.ok(files.length > 0, 'the psychological part holds documents');
      await t.db.transaction((tx) => shredVault(tx, null, row!.psych_vault_id));
      assert.equal(await countRows(t.db, 'case_documents', "case_id = $1 and part = 'psych'", [caseId]), 0, 'no document row');
      assert.equal(await countRows(t.db, 'files', 'id = any($1::uuid[])', [files]), 0, 'no file');
      assert.equal(await countRows(t.db, 'file_chunks', 'file_id = any($1::uuid[])', [files]), 0, 'no chunk');
    });
  });
});
