import type { Context } from 'hono';
import { z } from 'zod';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { staffPage } from '../web/layout.tsx';
import { notFound } from '../web/errors.ts';
import { staffOf } from '../auth/access.ts';
import { FORGET_REASONS, askToForget, confirmForget, withdrawForget } from './forget.ts';
import './retention.ts';

const uuid = z.uuid();
const askForm = z.object({ reason: z.enum(FORGET_REASONS) });
/** Erasing needs the box ticked (no JavaScript needed). */
const confirmForm = z.object({ confirm: z.literal('yes').optional() });

function idParam(c: Context<AppEnv>): string {
  const parsed = uuid.safeParse(c.req.param('id') ?? '');
  if (!parsed.success) throw notFound();
  return parsed.data;
}

/** A person's request to be forgotten: one coordinator asks, a second confirms (cases/forget.ts). */
export function registerForget(app: App): void {
  route(app, 'POST', '/staff/cases/:id/forget/ask', staff('coordinator'), async (c) => {
    const id = idParam(c);
    const form = askForm.safeParse(await c.req.parseBody());
    if (!form.success || !(await askToForget(dbOf(c), staffOf(c), id, form.data.reason))) throw notFound();
    return c.redirect(`/staff/cases/${id}?forget=asked#forget-title`, 303);
  });

  route(app, 'POST', '/staff/cases/:id/forget/withdraw', staff('coordinator'), async (c) => {
    const id = idParam(c);
    if (!(await withdrawForget(dbOf(c), staffOf(c), id))) throw notFound();
    return c.redirect(`/staff/cases/${id}?forget=withdrawn#forget-title`, 303);
  });

  route(app, 'POST', '/staff/cases/:id/forget/confirm', staff('coordinator'), async (c) => {
    const id = idParam(c);
    const form = confirmForm.safeParse(await c.req.parseBody());
    if (!form.success) throw notFound();
    // Unticked, nothing happens, and only someone who may confirm learns why.
    const outcome = await confirmForget(dbOf(c), staffOf(c), id, form.data.confirm === 'yes');
    if (outcome === null) throw notFound();
    if (outcome === 'unconfirmed') return c.redirect(`/staff/cases/${id}?forget=unconfirmed#forget-title`, 303);
    if (outcome === 'same_person') return c.redirect(`/staff/cases/${id}?forget=samePerson#forget-title`, 303);
    if (outcome === 'not_asked') return c.redirect(`/staff/cases/${id}?forget=notAsked#forget-title`, 303);
    const t = c.get('t');
    return staffPage(c, t('forget.title'), (
      <>
        <h1>{t('forget.title')}</h1>
        <p class="ok" role="status" data-erased>
          {t('forget.erased')}
        </p>
        <p>
          <a href="/staff/cases">{t('cases.mine')}</a>
        </p>
      </>
    ));
  });
}
