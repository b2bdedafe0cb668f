import type { Context } from 'hono';
import { z } from 'zod';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { staffPage } from '../web/layout.tsx';
import { notFound } from '../web/errors.ts';
import { staffOf } from '../auth/access.ts';
import { formValues } from '../web/forms.tsx';
import { CASE_ROLES, CASE_SHARING_ROLES, TRIAGE_ROLES } from '../auth/roles.ts';
import { listUsers } from '../auth/users.ts';
import { NEEDS } from '../help/needs.ts';
import { createCaseFromRequest, openDirectCase } from './create-case.ts';
import { NEED_STATUSES, addNote, joinRequestToCase, mayChangeCaseStatus, setCaseStatus, setNeedStatus } from './case-file.ts';
import { CASE_MEMBER_ROLES, CASE_PARTS } from './case-roles.ts';
import { addMember, removeMember } from './team.ts';
import { NewCasePage, newCaseSchema } from './case-views.tsx';
import { caseListPage } from './case-list.tsx';
import { casePage } from './case-page.tsx';
import { registerDocuments } from './documents-routes.tsx';
import { registerTracks } from './tracks-routes.tsx';
import { registerTimeline } from './timeline-page.tsx';
import { registerSafety } from './safety-routes.tsx';
import { registerForget } from './forget-routes.tsx';
import { registerCaseSearch } from './case-search.tsx';
import { registerTaskReminders } from './task-reminders-routes.tsx';

const uuid = z.uuid();
const makeCaseForm = z.object({ assignee: z.uuid() });
const noteForm = z.object({ body: z.string().trim().min(1).max(20_000), part: z.enum(CASE_PARTS) });
const needForm = z.object({ need: z.enum(NEEDS), status: z.enum(NEED_STATUSES) });
const assignForm = z.object({ user: z.uuid(), role: z.enum(CASE_MEMBER_ROLES) });
const removeForm = z.object({ user: z.uuid() });
/** Closing needs the box ticked (no JavaScript needed); reopening does not. */
const caseStatusForm = z.discriminatedUnion('status', [
  z.object({ status: z.literal('open') }),
  z.object({ status: z.literal('closed'), confirm: z.literal('yes').optional() }),
]);
const joinForm = z.object({ case: z.uuid() });

function idParam(c: Context<AppEnv>): string {
  const parsed = uuid.safeParse(c.req.param('id') ?? '');
  if (!parsed.success) throw notFound();
  return parsed.data;
}

/** Colleagues a coordinator can name as a new case's caseworker. */
async function caseworkers(c: Context<AppEnv>) {
  return (await listUsers(dbOf(c))).filter((user) => user.active && (user.roles.includes('caseworker') || user.roles.includes('coordinator')));
}

export function registerCases(app: App): void {
  registerDocuments(app);
  registerTracks(app);
  registerTimeline(app);
  registerSafety(app);
  registerForget(app);
  registerCaseSearch(app);
  registerTaskReminders(app);
  route(app, 'POST', '/staff/requests/:id/case', staff(...TRIAGE_ROLES), async (c) => {
    const form = makeCaseForm.safeParse(await c.req.parseBody());
    if (!form.success) throw notFound();
    const caseId = await createCaseFromRequest(dbOf(c), staffOf(c), idParam(c), form.data.assignee);
    if (!caseId) throw notFound();
    return c.redirect(`/staff/cases/${caseId}?done=created`, 303);
  });

  route(app, 'POST', '/staff/requests/:id/join', staff(...TRIAGE_ROLES), async (c) => {
    const form = joinForm.safeParse(await c.req.parseBody());
    if (!form.success || !(await joinRequestToCase(dbOf(c), staffOf(c), idParam(c), form.data.case))) throw notFound();
    return c.redirect(`/staff/cases/${form.data.case}?done=joined`, 303);
  });

  route(app, 'GET', '/staff/cases', staff('any'), caseListPage);

  route(app, 'GET', '/staff/cases/new', staff(...TRIAGE_ROLES), async (c) =>
    staffPage(c, c.get('t')('cases.new'), <NewCasePage c={c} caseworkers={await caseworkers(c)} values={{}} errors={{}} />),
  );

  route(app, 'POST', '/staff/cases/new', staff(...TRIAGE_ROLES), async (c) => {
    const values = formValues(await c.req.parseBody({ all: true }));
    const parsed = newCaseSchema.safeParse({ ...values, needs: [values.needs ?? []].flat() });
    if (!parsed.success) {
      const errors = Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), true]));
      return staffPage(c, c.get('t')('cases.new'), <NewCasePage c={c} caseworkers={await caseworkers(c)} values={values} errors={errors} />, 400);
    }
    const caseId = await openDirectCase(dbOf(c), staffOf(c), parsed.data);
    if (!caseId) throw notFound();
    return c.redirect(`/staff/cases/${caseId}?done=created`, 303);
  });

  route(app, 'GET', '/staff/cases/:id', staff(...CASE_ROLES), (c) => casePage(c, idParam(c)));

  route(app, 'POST', '/staff/cases/:id/notes', staff(...CASE_ROLES), async (c) => {
    const id = idParam(c);
    const form = noteForm.safeParse(await c.req.parseBody());
    if (!form.success) return c.redirect(`/staff/cases/${id}?done=empty`, 303);
    if (!(await addNote(dbOf(c), staffOf(c), id, form.data.part, form.data.body))) throw notFound();
    return c.redirect(`/staff/cases/${id}?done=note`, 303);
  });

  route(app, 'POST', '/staff/cases/:id/needs', staff(...CASE_ROLES), async (c) => {
    const id = idParam(c);
    const form = needForm.safeParse(await c.req.parseBody());
    if (!form.success || !(await setNeedStatus(dbOf(c), staffOf(c), id, form.data.need, form.data.status))) throw notFound();
    return c.redirect(`/staff/cases/${id}?done=need`, 303);
  });

  route(app, 'POST', '/staff/cases/:id/status', staff(...CASE_SHARING_ROLES), async (c) => {
    const id = idParam(c);
    const form = caseStatusForm.safeParse(await c.req.parseBody());
    if (!form.success) throw notFound();
    // Unconfirmed, nothing changes; the page says why (and only to someone who may open the case).
    if (form.data.status === 'closed' && form.data.confirm !== 'yes') {
      if (!(await mayChangeCaseStatus(dbOf(c), staffOf(c).userId, id))) throw notFound();
      return c.redirect(`/staff/cases/${id}?done=confirm`, 303);
    }
    if (!(await setCaseStatus(dbOf(c), staffOf(c), id, form.data.status))) throw notFound();
    return c.redirect(`/staff/cases/${id}?done=${form.data.status === 'closed' ? 'closed' : 'reopened'}`, 303);
  });

  route(app, 'POST', '/staff/cases/:id/assign', staff(...CASE_SHARING_ROLES), async (c) => {
    const id = idParam(c);
    const form = assignForm.safeParse(await c.req.parseBody());
    if (!form.success || (await addMember(dbOf(c), staffOf(c), id, form.data.user, form.data.role)) !== 'added') throw notFound();
    return c.redirect(`/staff/cases/${id}?done=assigned`, 303);
  });

  route(app, 'POST', '/staff/cases/:id/remove', staff(...CASE_SHARING_ROLES), async (c) => {
    const id = idParam(c);
    const form = removeForm.safeParse(await c.req.parseBody());
    if (!form.success || !(await removeMember(dbOf(c), staffOf(c), id, form.data.user))) throw notFound();
    return c.redirect(`/staff/cases/${id}?done=removed`, 303);
  });
}
