import { availableParallelism } from 'node:os';

/**
 * Every argon2id run costs tens of megabytes and tens to hundreds of milliseconds of a core, and
 * anyone can ask for one (a receipt typed on the status page, a login attempt). Rate limits per
 * client cannot protect the server when one client is many (all of Tor arrives from one address,
 * and an abuser can open new circuits), so the work itself is bounded: a few derivations run at
 * once, a few more wait, and past that the answer is "busy, come back in a moment" at once, which
 * keeps the pages that need no derivation fast for everyone else.
 */
export type KeyDerivationLimits = {
  /** Derivations running at once: about one per core. */
  concurrency: number;
  /** Derivations allowed to wait for a free slot; one more is refused. */
  waiting: number;
};

/** The queue was full: the caller should answer 503 with this Retry-After. */
export class KeyDerivationsBusy extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('key derivations busy');
    this.name = 'KeyDerivationsBusy';
  }
}

export const DEFAULT_KDF_LIMITS: KeyDerivationLimits = { concurrency: availableParallelism(), waiting: 32 };

let limits: KeyDerivationLimits = DEFAULT_KDF_LIMITS;
let running = 0;
const queue: (() => void)[] = [];
/** A moving average of how long a derivation takes, for an honest Retry-After. */
let averageMs = 50;

/** Set once at start from the configuration (and by tests that need a small queue). */
export function limitKeyDerivations(next: KeyDerivationLimits): void {
  if (!(next.concurrency >= 1) || !(next.waiting >= 0)) throw new Error('Key derivation limits must be at least 1 running and 0 waiting.');
  limits = { ...next };
  while (running < limits.concurrency && queue.length > 0) {
    running += 1;
    queue.shift()!();
  }
}

/** How many derivations have run since the process started (for tests: the duress code costs what a receipt costs). */
let ran = 0;
export function keyDerivationsRun(): number {
  return ran;
}

/** How many derivations wait for a slot now (for tests and the bench; carries nothing personal). */
export function keyDerivationsWaiting(): number {
  return queue.length;
}

/**
 * Runs one key derivation when a slot is free. Throws KeyDerivationsBusy at once, before any
 * work, when every slot is taken and the waiting line is full.
 */
export async function inKeyDerivationQueue<T>(derive: () => Promise<T>): Promise<T> {
  if (running < limits.concurrency) running += 1;
  else if (queue.length >= limits.waiting) throw new KeyDerivationsBusy(retryAfterSeconds());
  // A waiter is handed the slot of the derivation that ends (running stays counted), so no
  // newcomer can slip in between and run more than the limit at once.
  else await new Promise<void>((resolve) => queue.push(resolve));
  const started = performance.now();
  ran += 1;
  try {
    return await derive();
  } finally {
    averageMs = averageMs * 0.9 + (performance.now() - started) * 0.1;
    const next = running <= limits.concurrency ? queue.shift() : undefined;
    if (next) next();
    else running -= 1;
  }
}

/** Long enough for the line ahead to drain, at least a second, at most a minute. */
function retryAfterSeconds(): number {
  const drainMs = ((queue.length + running) / limits.concurrency) * averageMs;
  return Math.min(60, Math.max(1, Math.ceil(drainMs / 1000)));
}
