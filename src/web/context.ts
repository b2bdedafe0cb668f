import type { Hono } from 'hono';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Lang, Translate } from '../i18n/index.ts';
import type { Role } from '../auth/roles.ts';
import type { KeyPair } from '../crypto/vaults.ts';
import type { RateLimiter } from './rate-limit.ts';

export type Deps = {
  config: Config;
  db: Db;
  limits: RateLimiter;
};

/** A signed-in staff member, with the private key their session cookie unlocked. */
export type StaffSession = {
  userId: string;
  displayName: string;
  roles: Role[];
  keys: KeyPair;
  csrfToken: string;
};

export type AppEnv = {
  Variables: {
    deps: Deps;
    lang: Lang;
    t: Translate;
    staff: StaffSession | undefined;
  };
};

export type App = Hono<AppEnv>;

export const dbOf = (c: { get(key: 'deps'): Deps }): Db => c.get('deps').db;
