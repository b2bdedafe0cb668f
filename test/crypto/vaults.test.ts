import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decryptBytes,
  encryptBytes,
  generateKeyPair,
  newDataKey,
  openSealed,
  publicKeyOf,
  seal,
} from '../../src/crypto/primitives.ts';
import { combineShares, createRecoveryKey, parseShare } from '../../src/crypto/recovery.ts';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (value: string) => new TextEncoder().encode(value);

describe('field encryption is bound to its place', () => {
  const key = newDataKey();
  const place = { table: 'help_requests', row: 'row-a', field: 'content' };
  const box = encryptBytes(key, bytes('Где ты сейчас?'), place);

  test('it opens where it was written', () => {
    assert.equal(text(decryptBytes(key, box, place)), 'Где ты сейчас?');
  });

  test('moved to another row, field or table, it does not open', () => {
    assert.throws(() => decryptBytes(key, box, { ...place, row: 'row-b' }));
    assert.throws(() => decryptBytes(key, box, { ...place, field: 'story' }));
    assert.throws(() => decryptBytes(key, box, { ...place, table: 'cases' }));
  });

  test('changed by one bit, or opened with another vault\'s key, it does not open', () => {
    for (const index of [0, 30, box.length - 1]) {
      const tampered = box.slice();
      tampered[index]! ^= 1;
      assert.throws(() => decryptBytes(key, tampered, place), `bit flipped at ${index}`);
    }
    assert.throws(() => decryptBytes(newDataKey(), box, place));
  });

  test('the same text encrypts differently each time', () => {
    const again = encryptBytes(key, bytes('Где ты сейчас?'), place);
    assert.notDeepEqual(again, box);
  });

});

describe('sealed data keys', () => {
  test('a key sealed to a user opens only with that user\'s private key', () => {
    const dataKey = newDataKey();
    const alice = generateKeyPair();
    const bob = generateKeyPair();
    const sealed = seal(dataKey, alice.publicKey);
    assert.deepEqual(openSealed(sealed, alice), dataKey);
    assert.throws(() => openSealed(sealed, bob));
    // Bob's private key presented as if it belonged to Alice's public key does not help either.
    assert.throws(() => openSealed(sealed, { publicKey: alice.publicKey, privateKey: bob.privateKey }));
    assert.deepEqual(publicKeyOf(alice.privateKey), alice.publicKey);
  });
});

describe('recovery shares', () => {
  test('any two of three rebuild the recovery key, which opens what was sealed to it', async () => {
    const recovery = await createRecoveryKey(3, 2);
    assert.equal(recovery.shares.length, 3);
    const dataKey = newDataKey();
    const sealed = seal(dataKey, recovery.publicKey);
    for (const pair of [
      [0, 1],
      [0, 2],
      [1, 2],
      [2, 0],
    ]) {
      const keys = await combineShares(pair.map((i) => recovery.shares[i]!), recovery.publicKey);
      assert.deepEqual(keys.publicKey, recovery.publicKey);
      assert.deepEqual(openSealed(sealed, keys), dataKey, `shares ${pair.join('+')}`);
    }
    const all = await combineShares(recovery.shares, recovery.publicKey);
    assert.deepEqual(openSealed(sealed, all), dataKey);
  });

  test('one share alone rebuilds nothing', async () => {
    const recovery = await createRecoveryKey(3, 2);
    for (const share of recovery.shares) {
      await assert.rejects(combineShares([share], recovery.publicKey));
      await assert.rejects(combineShares([share, share], recovery.publicKey));
    }
  });

  test('shares of two different recovery keys do not combine', async () => {
    const first = await createRecoveryKey(3, 2);
    const second = await createRecoveryKey(3, 2);
    await assert.rejects(combineShares([first.shares[0]!, second.shares[1]!], first.publicKey));
    await assert.rejects(combineShares([second.shares[0]!, second.shares[1]!], first.publicKey));
  });

  test('a share is printed as groups of hex digits and read back whatever the separators', async () => {
    const { shares } = await createRecoveryKey(3, 2);
    for (const share of shares) {
      assert.match(share, /^[0-9a-f]{4}(-[0-9a-f]{1,4})+$/);
      assert.deepEqual(parseShare(share.toUpperCase().replace(/-/g, ' ')), parseShare(share));
    }
    assert.throws(() => parseShare(shares[0]!.slice(0, -2)));
  });
});
