import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTorProxyHeader } from '../../src/web/proxy-protocol.ts';

describe('the PROXY header Tor sends for HiddenServiceExportCircuitID haproxy', () => {
  test('the circuit is the low 32 bits of the source address', () => {
    assert.deepEqual(parseTorProxyHeader('PROXY TCP6 fc00:dead:beef:4dad::ffff:ffff ::1 65535 42\r\n'), { circuitId: 4294967295 }, 'the example in Tor’s manual');
    assert.deepEqual(parseTorProxyHeader('PROXY TCP6 fc00:dead:beef:4dad::aabb:ccdd ::1 65535 80\r\n'), { circuitId: 0xaabbccdd });
    assert.deepEqual(parseTorProxyHeader('PROXY TCP6 fc00:dead:beef:4dad::0:1 ::1 65535 80\r\n'), { circuitId: 1 });
    assert.deepEqual(parseTorProxyHeader('PROXY TCP6 FC00:DEAD:BEEF:4DAD::1:0 ::1 0 80\r\n'), { circuitId: 0x10000 }, 'upper-case hex, port 0');
    // The upper 96 bits are to be ignored (Tor's spec): another prefix names the same circuit.
    assert.deepEqual(parseTorProxyHeader('PROXY TCP6 fd12:3456::aabb:ccdd ::1 65535 80\r\n'), { circuitId: 0xaabbccdd });
  });

  test('anything else is refused', () => {
    for (const line of [
      '',
      '\r\n',
      'PROXY TCP6 fc00::1 ::1 65535 80',
      'PROXY TCP6 fc00::1 ::1 65535 80\n',
      'PROXY TCP6 fc00::1 ::1 65535 80 \r\n',
      ' PROXY TCP6 fc00::1 ::1 65535 80\r\n',
      'PROXY TCP4 192.0.2.1 192.0.2.2 1 2\r\n',
      'PROXY UNKNOWN\r\n',
      'PROXY UNKNOWN fc00::1 ::1 65535 80\r\n',
      'PROXY TCP6 fc00::1 ::1 65536 80\r\n',
      'PROXY TCP6 fc00::1 ::1 65535 -1\r\n',
      'PROXY TCP6 fc00::1 ::1 00 80\r\n',
      'PROXY TCP6 fc00::1 ::1 1e3 80\r\n',
      'PROXY TCP6 fc00:::1 ::1 65535 80\r\n',
      'PROXY TCP6 ::ffff:192.0.2.1 ::1 65535 80\r\n',
      'PROXY TCP6 [fc00::1] ::1 65535 80\r\n',
      'PROXY TCP6 fc00::1%lo ::1 65535 80\r\n',
      'PROXY TCP6 fc00::1 localhost 65535 80\r\n',
      'PROXY\tTCP6 fc00::1 ::1 65535 80\r\n',
      `PROXY TCP6 fc00::1 ::1 65535 80${' '.repeat(80)}\r\n`,
    ]) {
      assert.equal(parseTorProxyHeader(line), null, JSON.stringify(line));
    }
  });
});
