import type { Queryable } from '../db/client.ts';

/**
 * What other domains do when a colleague is deactivated (leave case teams today; hosts and
 * donors later). Each domain registers its hook when it loads, so auth never reaches into them.
 */
type Hook = (tx: Queryable, actorUserId: string, userId: string) => Promise<void>;

const hooks = new Map<string, Hook>();

export function onDeactivation(domain: string, hook: Hook): void {
  hooks.set(domain, hook);
}

export async function runDeactivationHooks(tx: Queryable, actorUserId: string, userId: string): Promise<void> {
  for (const hook of hooks.values()) await hook(tx, actorUserId, userId);
}
