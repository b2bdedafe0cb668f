import type { Context } from 'hono';
import { z } from 'zod';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { notFound } from '../web/errors.ts';
import { staffOf } from '../auth/access.ts';
import { CASE_SHARING_ROLES, TRIAGE_ROLES } from '../auth/roles.ts';
import { CHECKIN_HOURS, maySetCheckins, recordCheckin, setCheckinInterval } from './checkins.ts';
import { approveBreakGlass, reasonSchema, requestBreakGlass } from './break-glass.ts';
import { openBreakGlassView } from './break-glass-open.ts';
import { breakGlassPage } from './safety-views.tsx';
import { COERCION_CLEAR_REASONS, clearCaseCoercion, mayClearCoercion } from './coercion.ts';
import './checkin-jobs.ts';

const uuid = z.uuid();
/** 0 stops the check-ins; otherwise whole hours within the agreed range. */
const hoursForm = z.object({ hours: z.coerce.number().int().refine((n) => n === 0 || (n >= CHECKIN_HOURS.min && n <= CHECKIN_HOURS.max)) });
const reasonForm = z.object({ reason: reasonSchema });
/** A reason from the list, and the time of the flag the page showed (cases/coercion.ts). */
const coercionForm = z.object({ reason: z.enum(COERCION_CLEAR_REASONS), seen: z.iso.datetime() });

function idParam(c: Context<AppEnv>, name = 'id'): string {
  const parsed = uuid.safeParse(c.req.param(name) ?? '');
  if (!parsed.success) throw notFound();
  return parsed.data;
}

/** Check-ins on a case, break-glass access to a case, and clearing its "under coercion" flag (cases/checkins.ts, break-glass.ts, coercion.ts). */
export function registerSafety(app: App): void {
  route(app, 'POST', '/staff/cases/:id/checkins', staff(...CASE_SHARING_ROLES), async (c) => {
    const id = idParam(c);
    const form = hoursForm.safeParse(await c.req.parseBody());
    if (!form.success) {
      // A wrong number changes nothing; the page says why (only to someone who may set it).
      if (!(await maySetCheckins(dbOf(c), staffOf(c).userId, id))) throw notFound();
      return c.redirect(`/staff/cases/${id}?safety=badHours#checkins-title`, 303);
    }
    if (!(await setCheckinInterval(dbOf(c), staffOf(c), id, form.data.hours === 0 ? null : form.data.hours))) throw notFound();
    return c.redirect(`/staff/cases/${id}?safety=${form.data.hours === 0 ? 'stopped' : 'set'}#checkins-title`, 303);
  });

  route(app, 'POST', '/staff/cases/:id/checkin', staff(...CASE_SHARING_ROLES), async (c) => {
    const id = idParam(c);
    if (!(await recordCheckin(dbOf(c), staffOf(c), id))) throw notFound();
    return c.redirect(`/staff/cases/${id}?safety=recorded#checkins-title`, 303);
  });

  route(app, 'POST', '/staff/cases/:id/coercion/clear', staff(...CASE_SHARING_ROLES), async (c) => {
    const id = idParam(c);
    const form = coercionForm.safeParse(await c.req.parseBody());
    if (!form.success) {
      // No reason changes nothing; the page says why (only to someone who may clear it).
      if (!(await mayClearCoercion(dbOf(c), staffOf(c).userId, id))) throw notFound();
      return c.redirect(`/staff/cases/${id}?coercion=noReason#coercion`, 303);
    }
    const outcome = await clearCaseCoercion(dbOf(c), staffOf(c), id, form.data.reason, new Date(form.data.seen));
    if (!outcome) throw notFound();
    return c.redirect(`/staff/cases/${id}?coercion=${outcome}#coercion`, 303);
  });

  route(app, 'GET', '/staff/cases/:id/break-glass', staff(...TRIAGE_ROLES), async (c) => {
    const view = await openBreakGlassView(dbOf(c), staffOf(c), idParam(c));
    if (!view) throw notFound();
    if (view.onTeam) return c.redirect(`/staff/cases/${view.caseId}`, 303);
    return breakGlassPage(c, view);
  });

  route(app, 'POST', '/staff/cases/:id/break-glass', staff(...TRIAGE_ROLES), async (c) => {
    const id = idParam(c);
    const form = reasonForm.safeParse(await c.req.parseBody());
    const view = await openBreakGlassView(dbOf(c), staffOf(c), id);
    if (!view) throw notFound();
    // Someone on the team opens the case itself; nothing is asked for them.
    if (view.onTeam) return c.redirect(`/staff/cases/${id}`, 303);
    if (!form.success) return breakGlassPage(c, view, true);
    if ((await requestBreakGlass(dbOf(c), staffOf(c), id, form.data.reason, c.get('deps').config.breakGlassPendingMinutes)) !== 'requested') throw notFound();
    return c.redirect(`/staff/cases/${id}/break-glass`, 303);
  });

  route(app, 'POST', '/staff/break-glass/:id/approve', staff(...CASE_SHARING_ROLES), async (c) => {
    const id = idParam(c);
    const approval = await approveBreakGlass(dbOf(c), staffOf(c), id);
    if (!approval) throw notFound();
    return c.redirect(`/staff/cases/${approval.caseId}?safety=${approval.outcome}#break-glass-title`, 303);
  });
}
