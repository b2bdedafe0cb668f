import type { Context } from 'hono';
import { z } from 'zod';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { notFound } from '../web/errors.ts';
import { staffOf } from '../auth/access.ts';
import { CASE_ROLES, CASE_SHARING_ROLES, type Role } from '../auth/roles.ts';
import { CASE_PARTS } from './case-roles.ts';
import { TRACKS, TRACK_MANAGERS } from './tracks.ts';
import { SESSION_FORMS } from './tracks-content.ts';
import { isCalendarDate } from '../i18n/days.ts';
import { openTrack, setTrackState } from './tracks-state.ts';
import { recordContact, saveEvacuationPlan, shredEvacuationPlan } from './tracks-evacuation.ts';
import { addClothingItem, handOutClothing } from './tracks-clothing.ts';
import { logPsychSession } from './tracks-psych.ts';
import { addDeadline, chooseProcedure, recordStageDate, setDeadlineDone } from './procedure-tracker.ts';
import { addTask, setTaskDone } from './tasks.ts';
import { myWorkPage } from './my-work.tsx';

const uuid = z.uuid();
const day = z.string().refine(isCalendarDate);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((value) => value || undefined);
const yesNo = z.enum(['yes', 'no']).transform((value) => value === 'yes');
/** Euro as typed ("12", "12.5", "12,50") to integer cents; money is never a float here. */
const cents = z
  .string()
  .trim()
  .regex(/^\d{1,6}([.,]\d{1,2})?$/)
  .transform((value) => {
    const [whole, fraction = ''] = value.split(/[.,]/) as [string, string?];
    return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  });

const openForm = z.object({});
const stateForm = z.object({ state: z.string().max(40) });
const contactForm = z.object({ contacted: z.literal('yes').optional(), hours: z.coerce.number().int().min(1).max(720) });
const planForm = z.object({
  route: optionalText(2000),
  dates: optionalText(500),
  documentsHave: optionalText(1000),
  documentsLack: optionalText(1000),
  moneyNeeded: optionalText(500),
  contactPeople: optionalText(1000),
});
const shredForm = z.object({ confirm: z.literal('yes').optional() });
const clothingForm = z.object({ item: z.string().trim().min(1).max(300), size: z.string().trim().max(100).default(''), quantity: z.coerce.number().int().min(1).max(99) });
const handedOutForm = z.object({ item: uuid, cost: cents });
const sessionForm = z.object({ date: day, minutes: z.coerce.number().int().min(1).max(600), form: z.enum(SESSION_FORMS) });
const procedureForm = z.object({ procedure: z.string().max(30) });
const stageDateForm = z.object({ stage: z.string().max(40), date: day });
const deadlineForm = z.object({ kind: z.string().max(40), due: day, detail: optionalText(2000) });
const deadlineDoneForm = z.object({ deadline: uuid, done: yesNo });
const taskForm = z.object({ title: z.string().trim().min(1).max(500), assignee: uuid, due: day, part: z.enum(CASE_PARTS) });
const taskDoneForm = z.object({ task: uuid, done: yesNo });

function idParam(c: Context<AppEnv>): string {
  const parsed = uuid.safeParse(c.req.param('id') ?? '');
  if (!parsed.success) throw notFound();
  return parsed.data;
}

const back = (c: Context<AppEnv>, id: string, notice: string, anchor = 'tracks') => c.redirect(`/staff/cases/${id}?tracks=${notice}#${anchor}`, 303);

type Operation<T> = (c: Context<AppEnv>, id: string, form: T) => Promise<boolean>;

/**
 * A post on a case's tracks: parse the form (a bad one changes nothing and says so), run the
 * operation, and answer "not found" when it refuses, exactly as for a missing case.
 */
function post<T>(app: App, path: string, roles: readonly Role[], schema: z.ZodType<T>, operation: Operation<T>, anchor?: (form: T) => string): void {
  route(app, 'POST', `/staff/cases/:id/${path}`, staff(...(roles as [Role, ...Role[]])), async (c) => {
    const id = idParam(c);
    const form = schema.safeParse(await c.req.parseBody());
    if (!form.success) return back(c, id, 'invalid');
    if (!(await operation(c, id, form.data))) throw notFound();
    return back(c, id, 'saved', anchor?.(form.data));
  });
}

export function registerTracks(app: App): void {
  // Everyone's own work: it lists only what the user is on or assigned to.
  route(app, 'GET', '/staff/my-work', staff('any'), myWorkPage);

  // One address per track, so each declares exactly who may work on it.
  for (const track of TRACKS) {
    const roles = TRACK_MANAGERS[track];
    post(app, `tracks/${track}`, roles, openForm, (c, id) => openTrack(dbOf(c), staffOf(c), id, track), () => `track-${track}`);
    post(app, `tracks/${track}/state`, roles, stateForm, (c, id, form) => setTrackState(dbOf(c), staffOf(c), id, track, form.state), () => `track-${track}`);
  }
  const managers = CASE_SHARING_ROLES;
  post(app, 'evacuation/contact', managers, contactForm, (c, id, form) => recordContact(dbOf(c), staffOf(c), id, { contacted: form.contacted === 'yes', hours: form.hours }), () => 'track-evacuation');
  post(app, 'evacuation/plan', managers, planForm, (c, id, form) => saveEvacuationPlan(dbOf(c), staffOf(c), id, form), () => 'track-evacuation');
  post(app, 'clothing', managers, clothingForm, (c, id, form) => addClothingItem(dbOf(c), staffOf(c), id, form), () => 'track-clothing');
  post(app, 'clothing/handed-out', managers, handedOutForm, (c, id, form) => handOutClothing(dbOf(c), staffOf(c), id, form.item, form.cost), () => 'track-clothing');
  post(app, 'psych/sessions', ['psychologist'], sessionForm, (c, id, form) => logPsychSession(dbOf(c), staffOf(c), id, form), () => 'track-psych');
  // Who may read the legal part on a case (a coordinator who took a case as its caseworker, too); the vault decides.
  const legal = ['lawyer', 'caseworker', 'coordinator'] as const;
  post(app, 'procedure', legal, procedureForm, (c, id, form) => chooseProcedure(dbOf(c), staffOf(c), id, form.procedure), () => 'track-legal');
  post(app, 'procedure/stage', legal, stageDateForm, (c, id, form) => recordStageDate(dbOf(c), staffOf(c), id, form.stage, form.date), () => 'track-legal');
  post(app, 'deadlines', legal, deadlineForm, (c, id, form) => addDeadline(dbOf(c), staffOf(c), id, form), () => 'track-legal');
  post(app, 'deadlines/done', legal, deadlineDoneForm, (c, id, form) => setDeadlineDone(dbOf(c), staffOf(c), id, form.deadline, form.done), () => 'track-legal');
  post(app, 'tasks', CASE_ROLES, taskForm, (c, id, form) => addTask(dbOf(c), staffOf(c), id, { title: form.title, assigneeId: form.assignee, due: form.due, part: form.part }), () => 'tasks');
  post(app, 'tasks/done', CASE_ROLES, taskDoneForm, (c, id, form) => setTaskDone(dbOf(c), staffOf(c), id, form.task, form.done), () => 'tasks');
  // Destroying the plan asks for a ticked box; unticked or too early, nothing changes and the page says why.
  route(app, 'POST', '/staff/cases/:id/evacuation/shred', staff(...CASE_SHARING_ROLES), async (c) => {
    const id = idParam(c);
    const form = shredForm.safeParse(await c.req.parseBody());
    if (!form.success) return back(c, id, 'invalid');
    const outcome = await shredEvacuationPlan(dbOf(c), staffOf(c), id, form.data.confirm === 'yes');
    if (outcome === 'refused') throw notFound();
    return back(c, id, { shredded: 'shredded', unconfirmed: 'unconfirmed', not_arrived: 'notArrived' }[outcome], 'track-evacuation');
  });
}
