import type { Handler } from 'hono';
import type { Role } from '../auth/roles.ts';
import { requireStaff } from '../auth/access.ts';
import type { App, AppEnv } from './context.ts';
import { checkSameOrigin } from './same-origin.ts';

/** Who may call a route. Every route declares one; nothing is reachable without it. */
export type Access =
  /** anyone; sets and reads no cookie */
  | { kind: 'public' }
  /** machines: health checks, payment webhooks */
  | { kind: 'machine' }
  /** a staff member on the way in: login, second factor, setup and invitation links */
  | { kind: 'signing-in' }
  /** a signed-in staff member holding one of the roles ('any' for every staff member) */
  | { kind: 'staff'; roles: readonly Role[] | 'any' };

export const PUBLIC: Access = { kind: 'public' };
export const MACHINE: Access = { kind: 'machine' };
export const SIGNING_IN: Access = { kind: 'signing-in' };
export const staff = (...roles: Role[]): Access => ({ kind: 'staff', roles: roles.length ? roles : 'any' });

export type RouteRecord = { method: 'GET' | 'POST'; path: string; access: Access };

/** The routes of one app, for the test that walks every route with every role. */
const registry = new WeakMap<App, RouteRecord[]>();

export function routesOf(app: App): RouteRecord[] {
  return registry.get(app) ?? [];
}

export function route(app: App, method: 'GET' | 'POST', path: string, access: Access, handler: Handler<AppEnv>): void {
  const records = registry.get(app) ?? [];
  records.push({ method, path, access });
  registry.set(app, records);
  const guards: Handler<AppEnv>[] = [];
  if (method === 'POST' && access.kind !== 'machine') guards.push(checkSameOrigin);
  if (access.kind === 'staff') guards.push(requireStaff(access.roles));
  app.on(method, path, ...(guards as []), handler);
}
