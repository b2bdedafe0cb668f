import type { Context } from 'hono';
import { z } from 'zod';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { staffPage, type PageStatus } from '../web/layout.tsx';
import { notFound } from '../web/errors.ts';
import { emptyForm, formValues, type FormState } from '../web/forms.tsx';
import { staffOf } from '../auth/access.ts';
import { TRIAGE_ROLES } from '../auth/roles.ts';
import { alertAddress, setAlertAddress } from './addresses.ts';
import { acknowledgeAlert } from './alerts.ts';
import { onCallOverview } from './on-call-overview.ts';
import { OnCallPage, type ShiftFields } from './on-call-page.tsx';
import { addShift, removeShift } from './rota.ts';
import { SHIFT_ZONES, zonedInstant } from './zoned-time.ts';
import { ON_CALL_PATH } from './mail-alert.ts';

const uuid = z.uuid();
const shiftForm = z.object({ user: z.uuid(), start: z.string(), end: z.string(), zone: z.enum(SHIFT_ZONES) });
const addressForm = z.object({ email: z.string().trim().max(254).optional() });

const NOTICES = {
  acked: 'notify.alerts.acked',
  added: 'notify.shifts.added',
  removed: 'notify.shifts.removed',
  address: 'notify.address.saved',
  noaddress: 'notify.address.removed',
} as const;

function idParam(c: Context<AppEnv>): string {
  const parsed = uuid.safeParse(c.req.param('id') ?? '');
  if (!parsed.success) throw notFound();
  return parsed.data;
}

async function renderOnCall(c: Context<AppEnv>, extra: { shiftForm?: FormState<ShiftFields>; addressError?: string } = {}, status: PageStatus = 200) {
  const t = c.get('t');
  const me = staffOf(c);
  const now = new Date();
  const { config } = c.get('deps');
  const overview = await onCallOverview(dbOf(c), me.userId, now);
  const noticeKey = NOTICES[c.req.query('done') as keyof typeof NOTICES];
  return staffPage(
    c,
    t('notify.title'),
    <OnCallPage
      t={t}
      lang={c.get('lang')}
      staff={me}
      overview={overview}
      now={now}
      smtp={config.smtp !== undefined}
      escalateMinutes={config.alertEscalateMinutes}
      notice={status === 200 && noticeKey ? t(noticeKey) : undefined}
      shiftForm={extra.shiftForm ?? emptyForm()}
      addressError={extra.addressError}
    />,
    status,
  );
}

/** The on-call page and its forms: coordinators only (the rota's own rule then asks for a confirmed one). */
export function registerNotify(app: App): void {
  route(app, 'GET', ON_CALL_PATH, staff(...TRIAGE_ROLES), (c) => renderOnCall(c));

  route(app, 'POST', '/staff/on-call/shifts', staff(...TRIAGE_ROLES), async (c) => {
    const t = c.get('t');
    const values = formValues(await c.req.parseBody());
    const form = shiftForm.safeParse(values);
    const errors: FormState<ShiftFields>['errors'] = {};
    const startsAt = form.success ? zonedInstant(form.data.start, form.data.zone) : null;
    const endsAt = form.success ? zonedInstant(form.data.end, form.data.zone) : null;
    if (!form.success && form.error.issues.some((issue) => issue.path[0] === 'user')) errors.user = t('notify.error.person');
    if (!startsAt) errors.start = t('notify.error.start');
    if (!endsAt || (startsAt && endsAt <= startsAt)) errors.end = t('notify.error.end');
    if (form.success && startsAt && endsAt && endsAt > startsAt) {
      const outcome = await addShift(dbOf(c), staffOf(c).userId, { userId: form.data.user, startsAt, endsAt });
      if (outcome === 'forbidden') throw notFound();
      if (outcome === 'added') return c.redirect(`${ON_CALL_PATH}?done=added`, 303);
      if (outcome === 'not_coordinator') errors.user = t('notify.error.person');
      if (outcome === 'past') errors.end = t('notify.error.past');
    }
    return renderOnCall(c, { shiftForm: { values, errors } }, 400);
  });

  route(app, 'POST', '/staff/on-call/shifts/:id/remove', staff(...TRIAGE_ROLES), async (c) => {
    if (!(await removeShift(dbOf(c), staffOf(c).userId, idParam(c)))) throw notFound();
    return c.redirect(`${ON_CALL_PATH}?done=removed`, 303);
  });

  route(app, 'POST', '/staff/on-call/address', staff(...TRIAGE_ROLES), async (c) => {
    const form = addressForm.safeParse(formValues(await c.req.parseBody()));
    const typed = form.success ? (form.data.email ?? '') : null;
    const email = typed ? alertAddress.safeParse(typed) : null;
    if (typed === null || (email && !email.success)) return renderOnCall(c, { addressError: c.get('t')('notify.address.invalid') }, 400);
    await setAlertAddress(dbOf(c), staffOf(c).userId, email ? email.data! : null);
    return c.redirect(`${ON_CALL_PATH}?done=${email ? 'address' : 'noaddress'}`, 303);
  });

  route(app, 'POST', '/staff/alerts/:id/acknowledge', staff(...TRIAGE_ROLES), async (c) => {
    if (!(await acknowledgeAlert(dbOf(c), staffOf(c).userId, idParam(c)))) throw notFound();
    return c.redirect(`${ON_CALL_PATH}?done=acked`, 303);
  });
}
