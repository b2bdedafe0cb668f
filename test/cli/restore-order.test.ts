import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { planRestore } from '../../src/cli/restore-order.ts';
import type { ForeignKey } from '../../src/cli/schema.ts';

describe('test/cli/restore-order.test.ts', () => {
  const fk = (table: string, references: string, columns: string[], nullable = false): ForeignKey => ({ table, references, columns, nullable });

  test('parents come before children, otherwise the given order is kept', () => {
    const plan = planRestore(['audit_events', 'cases', 'users', 'vaults'], [fk('cases', 'users', ['created_by']), fk('cases', 'vaults', ['core_vault_id'])]);
    assert.deepEqual(plan.order, ['audit_events', 'users', 'vaults', 'cases']);
    assert.equal(plan.deferred.size, 0);
  });

  test('the request ↔ case cycle is broken at the nullable help_requests.case_id', () => {
    const plan = planRestore(
      ['cases', 'help_requests', 'vaults'],
      [
        fk('help_requests', 'vaults', ['vault_id']),
        fk('help_requests', 'cases', ['case_id'], true),
        fk('cases', 'help_requests', ['request_id']),
        fk('cases', 'vaults', ['core_vault_id']),
      ],
    );
    assert.deepEqual(plan.order, ['vaults', 'help_requests', 'cases']);
    assert.deepEqual([...plan.deferred], [['help_requests', ['case_id']]]);
  });

  test('a nullable self-reference is filled in afterwards; keys to tables not restored are ignored', () => {
    const plan = planRestore(['notes'], [fk('notes', 'notes', ['reply_to'], true), fk('notes', 'sessions', ['session_id'])]);
    assert.deepEqual(plan.order, ['notes']);
    assert.deepEqual([...plan.deferred], [['notes', ['reply_to']]]);
  });

  test('a cycle of required keys cannot be ordered', () => {
    assert.throws(() => planRestore(['a', 'b'], [fk('a', 'b', ['b_id']), fk('b', 'a', ['a_id'])]), /cycle/);
  });
});
