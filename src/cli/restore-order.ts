import type { ForeignKey } from './schema.ts';

/**
 * In which order to insert tables so every foreign key finds its row. A cycle (help_requests.case_id
 * ↔ cases.request_id) is broken at a nullable key: those columns are inserted empty and filled in
 * once every table is in. Self-references are handled the same way.
 */
export type RestorePlan = { order: string[]; deferred: Map<string, string[]> };

export function planRestore(tables: readonly string[], keys: readonly ForeignKey[]): RestorePlan {
  const deferred = new Map<string, string[]>();
  const defer = (key: ForeignKey) => {
    if (!key.nullable) throw new Error(`Cannot restore ${key.table}: it requires a row of itself.`);
    deferred.set(key.table, [...new Set([...(deferred.get(key.table) ?? []), ...key.columns])]);
  };
  const inside = keys.filter((key) => tables.includes(key.table) && tables.includes(key.references));
  inside.filter((key) => key.table === key.references).forEach(defer);
  let waiting = inside.filter((key) => key.table !== key.references);
  const pending = [...tables];
  const order: string[] = [];
  while (pending.length > 0) {
    const ready = pending.find((table) => !waiting.some((key) => key.table === table && pending.includes(key.references)));
    if (ready !== undefined) {
      order.push(ready);
      pending.splice(pending.indexOf(ready), 1);
      continue;
    }
    const breakable = waiting.find((key) => key.nullable && pending.includes(key.table) && pending.includes(key.references));
    if (!breakable) throw new Error(`Cannot order ${pending.join(', ')}: their required foreign keys form a cycle.`);
    defer(breakable);
    waiting = waiting.filter((key) => key !== breakable);
  }
  return { order, deferred };
}
