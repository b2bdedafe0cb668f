import type { Queryable } from '../db/client.ts';
import type { JobKind } from './jobs.ts';
import type { JobDeps } from './run-jobs.ts';

/**
 * Jobs of other domains (a missed check-in, the end of break-glass access, their e-mails), run by
 * the same runner as the alerts. A domain registers its handler when its module loads, as auth's
 * deactivation hooks do, so notify never imports the domains whose jobs it runs.
 *
 * - `transaction`: the handler's writes and the job's completion commit together (never twice).
 * - `send`: runs outside any transaction (an e-mail), then answers the audit entry to write
 *   when the job is marked done, or null when nothing was sent.
 */
export type JobHandler =
  | { run: 'transaction'; handle(tx: Queryable, payload: unknown, now: Date): Promise<void> }
  | {
      run: 'send';
      handle(deps: JobDeps, payload: unknown, now: Date): Promise<((tx: Queryable) => Promise<void>) | null>;
      /** After the last failed attempt, in the transaction that marks the job failed (to forget what it would have sent). */
      givenUp?(tx: Queryable, payload: unknown, code: string): Promise<void>;
    };

const handlers = new Map<JobKind, JobHandler>();

export function onJob(kind: JobKind, handler: JobHandler): void {
  handlers.set(kind, handler);
}

export function jobHandlerOf(kind: JobKind): JobHandler | undefined {
  return handlers.get(kind);
}
