import { ZodError } from 'zod';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { claimDueJob, completeJob, failJob, JobError, pruneFinishedJobs, type Job } from './jobs.ts';
import { createMailer, mailErrorCode, type Mailer } from './mailer.ts';
import { mailAlert, mailGivenUp } from './mail-alert.ts';
import { notifyAlert } from './notify-alert.ts';
import { jobHandlerOf, type JobHandler } from './job-handlers.ts';

export type JobDeps = { db: Db; config: Config; mailer: Mailer | null };

/**
 * Runs every job due at `now`, one at a time, including those the run itself makes due (the
 * e-mails of an alert's first round). Tests call it with an explicit `now` to move time on.
 * Answers how many jobs ran.
 */
export async function runDueJobs(deps: JobDeps, now: Date = new Date(), limit = 100): Promise<number> {
  let ran = 0;
  while (ran < limit) {
    const job = await claimDueJob(deps.db, now);
    if (!job) break;
    ran += 1;
    await runJob(deps, job, now);
  }
  return ran;
}

async function runJob(deps: JobDeps, job: Job, now: Date): Promise<void> {
  try {
    const handler = jobHandlerOf(job.kind);
    if (handler) return await runHandled(deps, handler, job, now);
    if (job.kind === 'alert.notify') {
      // The round's writes and the job's completion commit together: a round is never taken twice.
      await deps.db.transaction(async (tx) => {
        await notifyAlert(tx, job.payload, now, deps.config.alertEscalateMinutes);
        await completeJob(tx, job.id, now);
      });
      return;
    }
    // Sending happens outside any transaction: the embedded database has one connection, and
    // nothing may wait on an SMTP server while holding it.
    const audit = await mailAlert(deps, job.payload);
    await deps.db.transaction(async (tx) => {
      await completeJob(tx, job.id, now);
      if (audit) await audit(tx);
    });
  } catch (error) {
    const malformed = error instanceof ZodError;
    const code = error instanceof JobError ? error.code : malformed ? 'bad_payload' : mailErrorCode(error);
    // The kind and a code only: an SMTP or database error's message may quote an address.
    console.error(`[beside] job ${job.kind} failed (${code}, attempt ${job.attempts})`);
    await deps.db.transaction(async (tx) => {
      const gaveUp = await failJob(tx, job, code, now, malformed || (error instanceof JobError && error.final));
      if (gaveUp && job.kind === 'alert.mail') await mailGivenUp(tx, job.payload, code);
      const handler = jobHandlerOf(job.kind);
      if (gaveUp && handler?.run === 'send' && handler.givenUp) await handler.givenUp(tx, job.payload, code);
    });
  }
}

/** A job another domain registered (job-handlers.ts): the same two shapes as the alerts' jobs. */
async function runHandled(deps: JobDeps, handler: JobHandler, job: Job, now: Date): Promise<void> {
  if (handler.run === 'transaction') {
    await deps.db.transaction(async (tx) => {
      await handler.handle(tx, job.payload, now);
      await completeJob(tx, job.id, now);
    });
    return;
  }
  const audit = await handler.handle(deps, job.payload, now);
  await deps.db.transaction(async (tx) => {
    await completeJob(tx, job.id, now);
    if (audit) await audit(tx);
  });
}

export type JobRunner = { stop(): Promise<void> };

/**
 * The process's own loop: every few seconds it runs the due jobs. Any number of Beside
 * processes may run one; the database's row locks keep them from taking the same job.
 */
export function startJobRunner(deps: { db: Db; config: Config }, everyMs = 10_000): JobRunner {
  const mailer = createMailer(deps.config.smtp);
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    const now = new Date();
    running = runDueJobs({ ...deps, mailer }, now)
      .then(() => pruneFinishedJobs(deps.db, now))
      .catch((error: unknown) => console.error(`[beside] job runner: ${(error as Error).name}`))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      mailer?.close();
    },
  };
}
