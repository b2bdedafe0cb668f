import type { Context } from 'hono';
import { z } from 'zod';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { Csrf } from '../web/layout.tsx';
import { describedBy, Field } from '../web/forms.tsx';
import { staffOf } from '../auth/access.ts';
import { alertAddress } from '../notify/addresses.ts';
import { MY_WORK_PATH } from './case-mail.ts';
import { setTaskReminders, taskRemindersOf } from './task-reminders.ts';

/** The opt-in form on My work and the one route it posts to. */
const remindersForm = z.object({ on: z.literal('yes').optional(), email: z.string().trim().max(254).optional() });

const NOTICES = { saved: 'reminders.saved', invalid: 'reminders.invalid' } as const;

export async function remindersSection(c: Context<AppEnv>) {
  const t = c.get('t');
  const me = staffOf(c);
  const current = await taskRemindersOf(dbOf(c), me.userId);
  const notice = c.req.query('reminders');
  const error = notice === 'invalid' ? t(NOTICES.invalid) : undefined;
  return (
    <form method="post" action={`${MY_WORK_PATH}/reminders`} class="card" id="reminders" aria-labelledby="reminders-title" data-reminders={current.on ? 'on' : 'off'} novalidate>
      <Csrf staff={me} />
      <h2 id="reminders-title">{t('reminders.title')}</h2>
      {notice === 'saved' && (
        <p class="ok" role="status">
          {t(NOTICES.saved)}
        </p>
      )}
      <p class="meta">{t('reminders.explain')}</p>
      <label>
        <input type="checkbox" name="on" value="yes" checked={current.on} /> {t('reminders.on')}
      </label>
      <Field name="reminder-email" label={t('reminders.email')} hint={t('reminders.emailShared')} error={error}>
        <input
          id="reminder-email"
          name="email"
          type="email"
          autocomplete="email"
          value={current.email ?? ''}
          aria-describedby={describedBy('reminder-email', true, error)}
          aria-invalid={error ? 'true' : undefined}
        />
      </Field>
      <div class="actions">
        <button type="submit" class="secondary">
          {t('reminders.save')}
        </button>
      </div>
    </form>
  );
}

export function registerTaskReminders(app: App): void {
  // Everyone's own setting only: the user id is the session's, never the form's.
  route(app, 'POST', `${MY_WORK_PATH}/reminders`, staff('any'), async (c) => {
    const form = remindersForm.safeParse(await c.req.parseBody());
    const back = (notice: keyof typeof NOTICES) => c.redirect(`${MY_WORK_PATH}?reminders=${notice}#reminders`, 303);
    if (!form.success) return back('invalid');
    const me = staffOf(c).userId;
    if (!form.data.on) {
      await setTaskReminders(dbOf(c), me, { on: false });
      return back('saved');
    }
    const email = alertAddress.safeParse(form.data.email ?? '');
    if (!email.success) return back('invalid');
    await setTaskReminders(dbOf(c), me, { on: true, email: email.data });
    return back('saved');
  });
}
