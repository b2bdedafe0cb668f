import assert from 'node:assert/strict';
import { test } from 'node:test';
import { verifyAudit } from '../../src/audit/log.ts';
import { describeVerdict } from '../../src/cli/audit-verify.ts';
import { createStaffUser } from '../../src/cli/user-create.ts';
import { initialised, useResources } from './helpers.ts';

const resources = useResources();

async function fourEntries() {
  const db = await resources.db();
  await initialised(db);
  for (const login of ['one', 'two']) {
    await createStaffUser(db, { login, displayName: login, roles: ['caseworker'], language: 'en', password: 'a long enough password' });
  }
  return db;
}

test('an untouched log is reported intact with its number of entries', async () => {
  const db = await fourEntries();
  const verdict = await verifyAudit(db);
  assert.deepEqual(describeVerdict(verdict), ['audit log intact: 4 entries']);
  await resources.close(db);
});

test('an edited entry is reported by its number', async () => {
  const db = await fourEntries();
  await db.query(`update audit_events set detail = '{"userId":"someone-else","roles":["administrator"]}' where seq = 3`);
  const verdict = await verifyAudit(db);
  assert.deepEqual(verdict.problems, [{ seq: 3, problem: 'edited' }]);
  assert.deepEqual(describeVerdict(verdict), ['entry #3: edited']);
  await resources.close(db);
});

test('a deleted entry breaks the chain where it was', async () => {
  const db = await fourEntries();
  await db.query('delete from audit_events where seq = 2');
  const lines = describeVerdict(await verifyAudit(db));
  assert.deepEqual(lines, ['entry #3: sequence_gap', 'entry #3: chain_broken']);
  await resources.close(db);
});
