import type { Queryable } from '../db/client.ts';
import { firstResponseTimes, peopleWaiting, requestsPerWeek, urgentRequestsOpen, type FirstResponse, type WaitingBucket } from '../help/overview-figures.ts';
import { emergencies, openNeedsByKind } from '../cases/overview-figures.ts';
import type { Need } from '../help/needs.ts';

export const OVERVIEW_WEEKS = 12;

/** The coordinators' overview: aggregates of plain metadata only, never a person's details. */
export type Overview = {
  perWeek: { weekStart: string; startsAt: Date; count: number }[];
  firstResponse: FirstResponse;
  openNeeds: { need: Need; count: number }[];
  waiting: Record<WaitingBucket, number>;
  emergencies: { urgentRequests: number; liveEvacuations: number; overdueContact: number };
};

export async function readOverview(db: Queryable, now: Date = new Date()): Promise<Overview> {
  const perWeek = await requestsPerWeek(db, now, OVERVIEW_WEEKS);
  // First responses over the same weeks the chart shows.
  const since = perWeek[0]?.startsAt ?? now;
  const evacuations = await emergencies(db, now);
  return {
    perWeek,
    firstResponse: await firstResponseTimes(db, since, now),
    openNeeds: await openNeedsByKind(db),
    waiting: await peopleWaiting(db, now),
    emergencies: { urgentRequests: await urgentRequestsOpen(db), liveEvacuations: evacuations.live, overdueContact: evacuations.overdue },
  };
}
