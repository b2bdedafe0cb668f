import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { translator } from '../../src/i18n/index.ts';
import { listenForTor, type OnionListener } from '../../src/web/onion.ts';
import { Browser, assertShows, personPost, startTestApp, type TestApp } from '../support/app.ts';
import { rawExchange, torHeader, torRequest } from './tor-client.ts';

describe('test/web/onion.test.ts', () => {
  const ONION = 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion';
  const ru = translator('ru');

  let t: TestApp;
  let tor: OnionListener;

  before(async () => {
    t = await startTestApp({ ONION_ADDRESS: ONION, ONION_PORT: '9' });
    tor = await listenForTor(t.app, { port: 0, host: '127.0.0.1' });
  });

  after(async () => {
    await tor?.close();
    await t?.close();
  });

  /** A wrong receipt sent to the status form from a Tor circuit; each guess differs. */
  let guesses = 0;
  function guessFromCircuit(circuitId: number, headers: Record<string, string> = {}) {
    guesses += 1;
    return torRequest(tor.port, circuitId, 'POST', '/ru/help/status', { action: 'open', receipt: `${String(guesses).padStart(4, '0')}-9999-9999-9999-9999` }, headers);
  }

  /** Ten wrong receipts (the limit per client); the eleventh from the same client is refused. */
  const RECEIPT_MISSES = 10;

  describe('the onion listener accepts only Tor', () => {
    test('a connection with Tor’s PROXY header is served, in one packet or in pieces', async () => {
      const page = await torRequest(tor.port, 7, 'GET', '/ru/help');
      assert.equal(page.status, 200);
      const pieces = await rawExchange(tor.port, 'PROXY TCP6 fc00:dead:be', 'ef:4dad::0:7 ::1 65535 80\r\nGET /api/health HT', 'TP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      assert.match(pieces, /^HTTP\/1\.1 200 /, 'the header split across packets');
    });

    test('a connection without a PROXY header is closed without an answer', async () => {
      assert.equal(await rawExchange(tor.port, 'GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), '');
    });

    test('a malformed PROXY header is refused before any HTTP is read', async () => {
      const request = 'GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
      const malformed = {
        'TCP4 (Tor always sends TCP6)': 'PROXY TCP4 192.0.2.1 192.0.2.2 1234 80\r\n',
        UNKNOWN: 'PROXY UNKNOWN\r\n',
        'version 2 signature': '\r\n\r\n\0\r\nQUIT\n',
        'lower-case signature': 'proxy TCP6 fc00::1 ::1 65535 80\r\n',
        'not an address': 'PROXY TCP6 fc00:dead:beef:4dad::zz ::1 65535 80\r\n',
        'IPv4 where IPv6 is due': 'PROXY TCP6 192.0.2.1 ::1 65535 80\r\n',
        'a zone index': 'PROXY TCP6 fe80::1%eth0 ::1 65535 80\r\n',
        'port out of range': 'PROXY TCP6 fc00::1 ::1 65536 80\r\n',
        'port with a leading zero': 'PROXY TCP6 fc00::1 ::1 065535 80\r\n',
        'a missing field': 'PROXY TCP6 fc00::1 ::1 65535\r\n',
        'two spaces': 'PROXY TCP6  fc00::1 ::1 65535 80\r\n',
        'a bare line feed': 'PROXY TCP6 fc00::1 ::1 65535 80\n',
        'longer than 107 bytes': `PROXY TCP6 ${'f'.repeat(120)}\r\n`,
      };
      for (const [what, header] of Object.entries(malformed)) {
        assert.equal(await rawExchange(tor.port, header + request), '', what);
      }
      // The same request behind a well-formed header is answered: the refusals above are the header's.
      assert.match(await rawExchange(tor.port, torHeader(1) + request), /^HTTP\/1\.1 200 /);
    });
  });

  describe('each Tor circuit has budgets of its own', () => {
    test('one circuit that uses up its wrong receipts does not block another circuit', async () => {
      for (let guess = 1; guess <= RECEIPT_MISSES; guess++) assert.equal((await guessFromCircuit(101)).status, 404, `guess ${guess} from circuit 101`);
      const refused = await guessFromCircuit(101);
      assert.equal(refused.status, 429, 'circuit 101 is refused');
      assertShows(refused, ru('web.error.rate_limited'), 'the refusal');
      assert.equal((await guessFromCircuit(102)).status, 404, 'circuit 102 may still look up its receipt');
    });

    test('X-Forwarded-For is not believed on the onion listener: a caller cannot pick a fresh budget', async () => {
      for (let guess = 1; guess <= RECEIPT_MISSES; guess++) await guessFromCircuit(201);
      assert.equal((await guessFromCircuit(201, { 'X-Forwarded-For': '192.0.2.201' })).status, 429);
    });

    test('Tor circuits and clearnet addresses never share a budget, even the loopback address Tor uses', async () => {
      const local = new Browser(t, { address: '127.0.0.1' });
      for (let guess = 1; guess <= RECEIPT_MISSES; guess++) await personPost(local, 'ru', { action: 'open', receipt: `${String(guess).padStart(4, '0')}-8888-8888-8888-8888` });
      assert.equal((await personPost(local, 'ru', { action: 'open', receipt: '9999-8888-8888-8888-8888' })).status, 429, 'the clearnet caller is refused');
      assert.equal((await guessFromCircuit(301)).status, 404, 'a Tor circuit is not');

      for (let guess = 1; guess <= RECEIPT_MISSES; guess++) await guessFromCircuit(302);
      assert.equal((await guessFromCircuit(302)).status, 429, 'the Tor circuit is refused');
      assert.equal((await personPost(new Browser(t), 'ru', { action: 'open', receipt: '9998-8888-8888-8888-8888' })).status, 404, 'a clearnet caller is not');
    });
  });

  describe('the onion address', () => {
    test('answers on the clearnet listener carry Onion-Location with the same path', async () => {
      const page = await new Browser(t).get('/ru/help/status?lang=ru');
      assert.equal(page.headers.get('onion-location'), `http://${ONION}/ru/help/status?lang=ru`);
      const error = await new Browser(t).get('/ru/no-such-page');
      assert.equal(error.headers.get('onion-location'), `http://${ONION}/ru/no-such-page`, 'error pages too');
    });

    test('answers on the onion listener do not', async () => {
      const page = await torRequest(tor.port, 401, 'GET', '/ru/help/status');
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('onion-location'), null);
    });

    test('without an onion address configured, no answer carries Onion-Location', async () => {
      const plain = await startTestApp({}, { db: t.db });
      assert.equal((await new Browser(plain).get('/ru/help')).headers.get('onion-location'), null);
    });

    test('a form posted from the onion origin is accepted there, one posted from the clearnet origin is not', async () => {
      // A browser that sends Origin but not Sec-Fetch-Site: the origin decides.
      const fromOnion = await guessFromCircuit(501, { 'Sec-Fetch-Site': '', Origin: `http://${ONION}` });
      assert.equal(fromOnion.status, 404, 'our own onion page');
      const fromClearnet = await guessFromCircuit(502, { 'Sec-Fetch-Site': '', Origin: 'http://beside.test' });
      assert.equal(fromClearnet.status, 403, 'a page of another origin');
    });
  });
});
