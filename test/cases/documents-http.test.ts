import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { serve } from '@hono/node-server';
import { SESSION_COOKIE } from '../../src/auth/cookie.ts';
import { countRows, createStaff, initialiseInstance, loggedIn, startTestApp, submitHelp, type Browser, type TestApp } from '../support/app.ts';

describe('test/cases/documents-http.test.ts', () => {
  /**
   * Documents over a real socket, as the Node server gives the body: a chunked upload with no
   * Content-Length is read as a stream, limited while it flows, and a download streams back.
   */
  let t: TestApp;
  let server: ReturnType<typeof serve>;
  let base: string;
  let caseworker: Browser;
  let caseId: string;

  before(async () => {
    t = await startTestApp({ DOCUMENT_MAX_MB: '1' });
    const { admin } = await initialiseInstance(t.db);
    const coordinator = await loggedIn(t, admin);
    const user = await createStaff(t.db, { login: 'caseworker', roles: ['caseworker'] });
    caseworker = await loggedIn(t, user);
    const submitted = await submitHelp(t, 'en', { needs: ['legal'] });
    const made = await coordinator.staffPost(`/staff/requests/${submitted.requestId}/case`, { assignee: user.id });
    caseId = /\/staff\/cases\/([0-9a-f-]{36})/.exec(made.location ?? '')![1]!;
    server = await new Promise((resolve) => {
      const listening = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(listening));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    await t?.close();
  });

  function headers(extra: Record<string, string> = {}) {
    return { Cookie: `${SESSION_COOKIE}=${caseworker.cookie()}`, 'X-Forwarded-For': caseworker.address, 'Sec-Fetch-Site': 'same-origin', ...extra };
  }

  /** A multipart body sent in pieces, with no Content-Length (Transfer-Encoding: chunked). */
  function streamedUpload(fileBytes: Uint8Array) {
    const boundary = `----beside${randomBytes(8).toString('hex')}`;
    const parts = [
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${caseworker.csrfToken}\r\n--${boundary}\r\nContent-Disposition: form-data; name="part"\r\n\r\ncore\r\n--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nother\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
      fileBytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ];
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        for (const part of parts) for (let at = 0; at < part.length; at += 50_000) controller.enqueue(part.subarray(at, at + 50_000));
        controller.close();
      },
    });
    return fetch(`${base}/staff/cases/${caseId}/documents`, {
      method: 'POST',
      headers: headers({ 'Content-Type': `multipart/form-data; boundary=${boundary}` }),
      body,
      duplex: 'half',
      redirect: 'manual',
    } as RequestInit);
  }

  function pdf(size: number): Uint8Array {
    return new Uint8Array(Buffer.concat([Buffer.from('%PDF-1.5\n'), randomBytes(size - 9)]));
  }

  test('a chunked upload streams in, and the download streams back byte for byte', async () => {
    const bytes = pdf(900_000);
    const response = await streamedUpload(bytes);
    assert.equal(response.status, 303, 'taken');
    assert.match(response.headers.get('location') ?? '', /document=added/, 'added');
    const [row] = await t.db.query<{ id: string }>('select id from case_documents where case_id = $1', [caseId]);
    const download = await fetch(`${base}/staff/cases/${caseId}/documents/${row!.id}`, { headers: headers() });
    assert.equal(download.status, 200, 'downloaded');
    assert.ok(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(bytes)), 'the same bytes');
  });

  test('a chunked body far past the limit is cut off while it flows; nothing is kept', async () => {
    const before = { files: await countRows(t.db, 'files'), chunks: await countRows(t.db, 'file_chunks') };
    let status: number | 'broken';
    try {
      status = (await streamedUpload(pdf(8 * 1024 * 1024))).status;
    } catch {
      status = 'broken'; // the server answered and closed before the client finished sending
    }
    assert.ok(status === 413 || status === 'broken', `refused (${status})`);
    assert.deepEqual({ files: await countRows(t.db, 'files'), chunks: await countRows(t.db, 'file_chunks') }, before, 'nothing is left');
  });
});
