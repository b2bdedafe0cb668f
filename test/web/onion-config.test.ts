import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';

const ADDRESS = 'duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad.onion';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuring the onion service and the key-derivation queue', () => {
  test('an onion address with its listener is one typed setting; without them there is none', () => {
    assert.deepEqual(loadConfig({ ONION_ADDRESS: ` ${ADDRESS.toUpperCase()} `, ONION_PORT: '3001' }).onion, { address: ADDRESS, port: 3001, host: '127.0.0.1' });
    assert.equal(loadConfig({}).onion, undefined);
    assert.equal(loadConfig({ ONION_ADDRESS: '', ONION_PORT: '' }).onion, undefined, 'empty values are unset');
  });

  test('an address with a typo is refused: its checksum does not match', () => {
    const typo = `${ADDRESS.slice(0, 10)}x${ADDRESS.slice(11)}`;
    const [problem] = problemsOf({ ONION_ADDRESS: typo, ONION_PORT: '3001' });
    assert.match(problem ?? '', /^ONION_ADDRESS: expected a v3 onion address/);
    assert.match(problemsOf({ ONION_ADDRESS: 'example.onion', ONION_PORT: '3001' })[0] ?? '', /^ONION_ADDRESS/);
  });

  test('the address and the listener go together, on a port of their own; every problem is listed at once', () => {
    assert.deepEqual(problemsOf({ ONION_ADDRESS: ADDRESS }), ['ONION_PORT: required with ONION_ADDRESS (the port HiddenServicePort forwards to)']);
    const problems = problemsOf({ ONION_PORT: '3000' });
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.ok(problems.some((problem) => problem.startsWith('ONION_ADDRESS: required')));
    assert.ok(problems.some((problem) => problem.startsWith('ONION_PORT: must differ from PORT')));
    assert.ok(problemsOf({ ONION_ADDRESS: ADDRESS, ONION_PORT: 'tor', KDF_QUEUE_LENGTH: '-1' }).length === 2, 'field errors together');
  });

  test('the queue of key derivations is sized from the configuration', () => {
    assert.deepEqual(loadConfig({ KDF_CONCURRENCY: '3', KDF_QUEUE_LENGTH: '0' }).kdf, { concurrency: 3, waiting: 0 });
    assert.match(problemsOf({ KDF_CONCURRENCY: '0' })[0] ?? '', /^KDF_CONCURRENCY/);
  });
});
