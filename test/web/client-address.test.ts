import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rateLimitKey } from '../../src/web/client-address.ts';
import { ATTEMPTS_PER_ADDRESS } from '../../src/auth/login-throttle.ts';
import { Browser, startTestApp, type TestApp } from '../support/app.ts';

describe('the rate-limit key of an address', () => {
  test('an IPv4 address is itself, with or without a port', () => {
    assert.equal(rateLimitKey('192.0.2.1'), '192.0.2.1', 'plain');
    assert.equal(rateLimitKey(' 192.0.2.1 '), '192.0.2.1', 'spaces');
    assert.equal(rateLimitKey('192.0.2.1:5678'), '192.0.2.1', 'with a port');
    assert.notEqual(rateLimitKey('192.0.2.1'), rateLimitKey('192.0.2.2'), 'neighbours stay apart');
  });

  test('an IPv4-mapped IPv6 address is the IPv4 address it carries', () => {
    for (const mapped of ['::ffff:192.0.2.1', '::FFFF:192.0.2.1', '0:0:0:0:0:ffff:192.0.2.1', '::ffff:c000:201', '[::ffff:192.0.2.1]', '[::ffff:192.0.2.1]:443']) {
      assert.equal(rateLimitKey(mapped), '192.0.2.1', mapped);
    }
  });

  test('an IPv6 address counts by its /64, whatever the notation', () => {
    const key = '2001:db8:1:2::/64';
    for (const address of [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff:ffff:ffff:ffff',
      '2001:0db8:0001:0002:0000:0000:0000:0009',
      '2001:DB8:1:2:A:B:C:D',
      '2001:db8:1:2:3:4:192.0.2.1',
      '[2001:db8:1:2::42]',
      '[2001:db8:1:2::42]:8443',
      '2001:db8:1:2::7%eth0',
    ]) {
      assert.equal(rateLimitKey(address), key, address);
    }
    assert.equal(rateLimitKey('2001:db8::1'), '2001:db8:0:0::/64', 'zeros compressed in the prefix');
    assert.equal(rateLimitKey('2001:db8::'), '2001:db8:0:0::/64', 'the prefix alone');
    assert.equal(rateLimitKey('::1'), '0:0:0:0::/64', 'loopback');
    assert.equal(rateLimitKey('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64', 'NAT64 is not IPv4-mapped');
  });

  test('the next /64 is another caller', () => {
    assert.notEqual(rateLimitKey('2001:db8:1:2::1'), rateLimitKey('2001:db8:1:3::1'));
    assert.notEqual(rateLimitKey('2001:db8:1:2::1'), rateLimitKey('2001:db8:2:2::1'));
    assert.notEqual(rateLimitKey('::ffff:192.0.2.1'), rateLimitKey('::192.0.2.1'), 'IPv4-compatible is not IPv4-mapped');
  });

  test('something that is not an address stays as it is, cut short', () => {
    assert.equal(rateLimitKey('unknown'), 'unknown');
    assert.equal(rateLimitKey('2001:db8:::1'), '2001:db8:::1', 'not valid IPv6');
    assert.equal(rateLimitKey('x'.repeat(500)).length, 64);
  });
});

describe('rate limits by /64 over HTTP', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t?.close());

  test('two IPv6 addresses in one /64 share the login bucket; another /64 does not', async () => {
    const first = new Browser(t, { address: '2001:db8:64:1::a' });
    const sameSubnet = new Browser(t, { address: '2001:db8:64:1:ffff:1234:5678:9abc' });
    const otherSubnet = new Browser(t, { address: '2001:db8:64:2::a' });
    // An empty form counts against the address (before any password is checked) and answers at once.
    for (let attempt = 1; attempt <= ATTEMPTS_PER_ADDRESS; attempt++) {
      const page = await first.post('/staff/login', {});
      assert.equal(page.status, 400, `attempt ${attempt} from the first address`);
    }
    assert.equal((await sameSubnet.post('/staff/login', {})).status, 429, 'the same /64 is refused: it shares the bucket');
    assert.equal((await otherSubnet.post('/staff/login', {})).status, 400, 'the next /64 still may try');
  });
});
