import type { Context, Handler, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { isRole, type Role } from '../auth/roles.ts';
import { requireStaff } from '../auth/access.ts';
import type { App, AppEnv } from './context.ts';
import { AppError } from './errors.ts';
import { checkSameOrigin } from './same-origin.ts';

/**
 * How a machine route knows its caller before its handler runs: a check of the request (a
 * payment webhook's signature, say) that answers true to let it through, or 'open' with the
 * reason the route needs no check (a health check).
 */
export type MachineVerifier = (c: Context<AppEnv>) => boolean | Promise<boolean>;

/** Who may call a route. Every route declares one; nothing is reachable without it. */
export type Access =
  /** anyone; sets and reads no cookie */
  | { kind: 'public' }
  /** machines under /api/: health checks, payment webhooks; each names how it verifies its caller */
  | { kind: 'machine'; verify: MachineVerifier | 'open'; why?: string }
  /** a staff member on the way in: login, second factor, setup and invitation links */
  | { kind: 'signing-in' }
  /** a signed-in staff member holding one of the roles ('any' for every staff member) */
  | { kind: 'staff'; roles: readonly Role[] | 'any' };

export const PUBLIC: Access = { kind: 'public' };
export const SIGNING_IN: Access = { kind: 'signing-in' };

/** A list of roles that is not known to be empty: `staff()` does not compile. */
type NamesARole<R extends readonly Role[]> = R extends readonly [] ? readonly [never] : R;

/**
 * Staff holding one of the roles, or `staff('any')` for every signed-in staff member. Naming no
 * role is refused, here and by the registry: a forgotten list must not open a route to everyone.
 */
export function staff(everyone: 'any'): Access;
export function staff<const R extends readonly Role[]>(...roles: NamesARole<R>): Access;
export function staff(...roles: readonly string[]): Access {
  if (roles.length === 1 && roles[0] === 'any') return { kind: 'staff', roles: 'any' };
  const access: Access = { kind: 'staff', roles: roles as Role[] };
  checkStaffRoles(access.roles);
  return access;
}

/** A machine route and how it verifies its caller; an open one says why it may be. */
export function machine(check: { verify: 'open'; why: string } | { verify: MachineVerifier; why?: string }): Access {
  return { kind: 'machine', ...check };
}

export type RouteRecord = { method: 'GET' | 'POST'; path: string; access: Access };

/** The routes of one app, for the test that walks every route with every role. */
const registry = new WeakMap<App, RouteRecord[]>();

export function routesOf(app: App): RouteRecord[] {
  return registry.get(app) ?? [];
}

/** Forms are small; a larger body is refused before it is read, unless the route says otherwise. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * What a route may declare beyond its access: a larger body for a form that takes long texts, or
 * a body its handler reads as a stream (a file upload, staff only). A streamed body is never
 * buffered: its limit is counted as it flows, and since no guard reads it, the handler checks its
 * CSRF token, the form's first field, before taking the file (readUpload's `verify`).
 */
export type RouteOptions = { maxBodyBytes?: number; streamedBody?: { maxBytes: (c: Context<AppEnv>) => number } };

export function route(app: App, method: 'GET' | 'POST', path: string, access: Access, handler: Handler<AppEnv>, options: RouteOptions = {}): void {
  checkAccess(method, path, access);
  if (options.streamedBody && (method !== 'POST' || access.kind !== 'staff')) throw new Error(`${method} ${path}: only staff posts stream their body.`);
  const records = registry.get(app) ?? [];
  records.push({ method, path, access });
  registry.set(app, records);
  app.on(method, path, ...(guardsFor(method, access, options) as []), handler);
}

const tooLarge = (): never => {
  throw new AppError('payload_too_large');
};

function guardsFor(method: 'GET' | 'POST', access: Access, options: RouteOptions): MiddlewareHandler<AppEnv>[] {
  // Only posts carry a body; GET never asks for one (asking makes the Node adapter build a full Request).
  const streamed = options.streamedBody;
  const limit =
    method !== 'POST' ? [] : streamed ? [limitStream(streamed.maxBytes)] : [bodyLimit({ maxSize: options.maxBodyBytes ?? MAX_BODY_BYTES, onError: tooLarge })];
  if (access.kind === 'machine') return access.verify === 'open' ? limit : [...limit, verifyMachine(access.verify)];
  const guards: MiddlewareHandler<AppEnv>[] = [...limit];
  if (method === 'POST') guards.push(checkSameOrigin, ...(streamed ? [] : [readForm]));
  if (access.kind === 'staff') guards.push(requireStaff(access.roles, streamed ? 'in-stream' : 'in-form'));
  return guards;
}

/**
 * A streamed body's limit, counted as it flows through (Hono's bodyLimit buffers a body that has
 * no Content-Length): a declared length over it is refused at once, a body that runs past it
 * breaks off with payload_too_large.
 */
function limitStream(maxBytes: (c: Context<AppEnv>) => number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const max = maxBytes(c);
    if (Number(c.req.header('content-length') ?? 0) > max) tooLarge();
    const body = c.req.raw.body;
    if (body) {
      let seen = 0;
      const counted = body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            seen += chunk.length;
            if (seen > max) controller.error(new AppError('payload_too_large'));
            else controller.enqueue(chunk);
          },
        }),
      );
      const raw = c.req.raw;
      c.req.raw = new Request(raw.url, { method: raw.method, headers: raw.headers, body: counted, duplex: 'half' } as RequestInit);
    }
    await next();
  };
}

/** The registry's rules: a route whose access is incomplete or at the wrong address does not exist. */
function checkAccess(method: string, path: string, access: Access): void {
  const where = `${method} ${path}`;
  const underApi = path === '/api' || path.startsWith('/api/');
  if (access.kind === 'machine') {
    if (!underApi) throw new Error(`${where}: machine routes live under /api/.`);
    const { verify, why } = access as { verify?: unknown; why?: unknown };
    if (typeof verify !== 'function' && verify !== 'open') {
      throw new Error(`${where}: a machine route declares how it verifies its caller: machine({ verify: check }) or machine({ verify: 'open', why }).`);
    }
    if (verify === 'open' && (typeof why !== 'string' || why.trim() === '')) throw new Error(`${where}: an open machine route says why it may be open.`);
    return;
  }
  if (underApi) throw new Error(`${where}: only machine routes live under /api/.`);
  if (access.kind === 'staff') checkStaffRoles(access.roles, where);
  else if (access.kind !== 'public' && access.kind !== 'signing-in') throw new Error(`${where}: unknown access ${JSON.stringify(access)}.`);
}

function checkStaffRoles(roles: readonly Role[] | 'any', where = 'staff()'): void {
  if (roles === 'any') return;
  if (!Array.isArray(roles) || roles.length === 0) {
    throw new Error(`${where}: a staff route names the roles that may call it, or says staff('any') for every staff member.`);
  }
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) throw new Error(`${where}: unknown roles ${unknown.join(', ')}.`);
}

/** Runs a machine route's verifier before its handler; a caller it refuses gets 401 and nothing else. */
function verifyMachine(verify: MachineVerifier): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!(await verify(c))) throw new AppError('unauthorized');
    await next();
  };
}

/**
 * Parses a form post once, before any guard or handler reads it (Hono keeps the result, a
 * failure included): a body that is not a well-formed form is the caller's mistake, a 400, and
 * never reaches a handler. Browsers never send broken percent-encoding or invalid UTF-8, so
 * those are refused too rather than read as replacement characters.
 */
const readForm: MiddlewareHandler<AppEnv> = async (c, next) => {
  await formBody(c);
  await next();
};

/** A posted form, read as strictly as readForm reads it: for a machine route that takes a form (Mollie's webhook). */
export async function formBody(c: Context<AppEnv>): Promise<Record<string, string | File | (string | File)[]>> {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  try {
    if (type === 'application/x-www-form-urlencoded') checkUrlEncoded(new Uint8Array(await c.req.arrayBuffer()));
    return await c.req.parseBody();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('bad_request');
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function checkUrlEncoded(bytes: Uint8Array): void {
  // Both throw on what a browser never sends: bytes that are not UTF-8, a stray or broken %.
  for (const part of strictUtf8.decode(bytes).split(/[&=]/)) decodeURIComponent(part.replace(/\+/g, ' '));
}

/** A machine route's JSON body; what does not parse is the caller's mistake, a 400. */
export async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new AppError('bad_request');
  }
}
