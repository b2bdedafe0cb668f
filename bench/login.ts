// Figures for the password step of a staff login: the argon2id cost of opening a staff private
// key (what a stolen database makes an attacker pay per guess) and the whole check as a login
// pays it. Run with `npm run bench:login`; it prints figures and asserts nothing.
import { PGlite } from '@electric-sql/pglite';
import { fromPglite } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { useInstanceSecret } from '../src/crypto/instance-secret.ts';
import { adoptInstanceSecret } from '../src/crypto/instance.ts';
import { checkPassword, insertUser } from '../src/auth/users.ts';

if (process.env.BESIDE_TEST_CHEAP_KDF === '1') {
  console.error('BESIDE_TEST_CHEAP_KDF=1 lowers the cost being measured: unset it.');
  process.exit(1);
}

const ROUNDS = Number(process.env.ROUNDS ?? 10);
const db = fromPglite(await PGlite.create());
try {
  await migrate(db);
  useInstanceSecret(crypto.getRandomValues(new Uint8Array(32)));
  await db.transaction((tx) => adoptInstanceSecret(tx));
  const password = 'correct horse battery staple';
  let started = performance.now();
  await insertUser(db, { login: 'bench', displayName: 'Bench', roles: ['caseworker'], language: 'en', password });
  const create = performance.now() - started;
  const [row] = await db.query<{ key_kdf: string }>('select key_kdf from users where login = $1', ['bench']);
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    started = performance.now();
    const { keys } = await checkPassword(db, 'bench', password);
    times.push(performance.now() - started);
    if (!keys) throw new Error('the password did not open the key');
  }
  const wrong: number[] = [];
  for (let round = 0; round < 3; round++) {
    started = performance.now();
    await checkPassword(db, 'bench', 'not the password');
    wrong.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(`staff key derivation: ${row!.key_kdf}`);
  console.log(`account creation (key pair + private key sealed under the password): ${create.toFixed(0)} ms`);
  console.log(`password step, right password (derive + open the key), ${ROUNDS} rounds: median ${median.toFixed(0)} ms, min ${times[0]!.toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms`);
  console.log(`password step, wrong password (derive; the key does not open): ${wrong.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  // Beside keeps no other hash of the password: the wrong-password step is what a guess costs.
  console.log(`an offline guess against a stolen database costs one derivation: ≈${Math.min(...wrong).toFixed(0)} ms and the memory in the first line each, on this machine`);
} finally {
  await db.close();
}
