import type { Context } from 'hono';
import { z } from 'zod';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, type Access } from '../web/route.ts';
import { staffPage } from '../web/layout.tsx';
import { notFound } from '../web/errors.ts';
import { staffOf } from '../auth/access.ts';
import type { MessageKey } from '../i18n/index.ts';
import { supporterForm, supporterInput, updateForm, updateInput } from './campaign-content.ts';
import { blankForm, errorsOf, type FormState } from './campaign-form-views.tsx';
import { SupporterPage, UpdatePage, supporterValues, updateValues } from './campaign-item-views.tsx';
import { readCampaign } from './read-campaign.ts';
import { editSupporter, moveSupporter, removeSupporter } from './save-supporter.ts';
import { editUpdate, publishUpdate } from './save-update.ts';
import { LOGO_REFUSALS } from './supporter-logo.ts';
import { idParam, typedValues } from './campaign-route-helpers.ts';

/** Editors' lists are short: one supporter or update is found among all of them. */
async function findSupporter(c: Context<AppEnv>, id: string) {
  const content = await readCampaign(dbOf(c), { publishedOnly: false, updates: 0 });
  return content.supporters.find((supporter) => supporter.id === id) ?? null;
}

async function findUpdate(c: Context<AppEnv>, id: string) {
  const content = await readCampaign(dbOf(c), { publishedOnly: false, updates: 10_000 });
  return content.updates.find((update) => update.id === id) ?? null;
}

/** What the supporter's page says after a logo was sent: saved, removed, or why it was refused. */
function logoOutcome(c: Context<AppEnv>): { notice?: string; problem?: string } {
  const t = c.get('t');
  const said = c.req.query('logo') ?? '';
  if (said === 'saved' || said === 'removed') return { notice: t(`campaign.staff.logo.${said}`) };
  if ((LOGO_REFUSALS as readonly string[]).includes(said)) return { problem: t(`campaign.staff.logo.refused.${said}` as MessageKey & `campaign.staff.logo.refused.${string}`) };
  return c.req.query('done') === 'saved' ? { notice: t('campaign.staff.saved') } : {};
}

const moveForm = z.object({ direction: z.enum(['up', 'down']) });
const publishForm = z.object({ published: z.enum(['yes', 'no']) });

export function registerCampaignItems(app: App, editors: Access): void {
  const supporterPage = async (c: Context<AppEnv>, id: string, form?: FormState) => {
    const supporter = await findSupporter(c, id);
    if (!supporter) throw notFound();
    const t = c.get('t');
    const page = <SupporterPage t={t} staff={staffOf(c)} supporter={supporter} form={form ?? blankForm(supporterValues(supporter))} {...logoOutcome(c)} />;
    return staffPage(c, t('campaign.staff.editSupporter'), page, form ? 400 : 200);
  };

  route(app, 'GET', '/staff/campaign/supporters/:id', editors, (c) => supporterPage(c, idParam(c)));

  route(app, 'POST', '/staff/campaign/supporters/:id', editors, async (c) => {
    const id = idParam(c);
    const values = await typedValues(c);
    const parsed = supporterForm.safeParse(values);
    if (!parsed.success) return supporterPage(c, id, { values, errors: errorsOf(c.get('t'), parsed.error, values) });
    if (!(await editSupporter(dbOf(c), staffOf(c).userId, id, supporterInput(parsed.data)))) throw notFound();
    return c.redirect(`/staff/campaign/supporters/${id}?done=saved`, 303);
  });

  route(app, 'POST', '/staff/campaign/supporters/:id/move', editors, async (c) => {
    const id = idParam(c);
    const form = moveForm.safeParse(await typedValues(c));
    if (!form.success || !(await moveSupporter(dbOf(c), staffOf(c).userId, id, form.data.direction))) throw notFound();
    return c.redirect('/staff/campaign?done=saved#supporters', 303);
  });

  route(app, 'POST', '/staff/campaign/supporters/:id/remove', editors, async (c) => {
    const id = idParam(c);
    if ((await typedValues(c))['confirm'] !== 'yes') {
      // Without the ticked box nothing is removed: back to the supporter, if there is one.
      if (!(await findSupporter(c, id))) throw notFound();
      return c.redirect(`/staff/campaign/supporters/${id}`, 303);
    }
    if (!(await removeSupporter(dbOf(c), staffOf(c).userId, id))) throw notFound();
    return c.redirect('/staff/campaign?done=removed#supporters', 303);
  });

  const updatePage = async (c: Context<AppEnv>, id: string, form?: FormState) => {
    const update = await findUpdate(c, id);
    if (!update) throw notFound();
    const t = c.get('t');
    return staffPage(c, t('campaign.staff.editUpdate'), <UpdatePage t={t} staff={staffOf(c)} update={update} form={form ?? blankForm(updateValues(update))} />, form ? 400 : 200);
  };

  route(app, 'GET', '/staff/campaign/updates/:id', editors, (c) => updatePage(c, idParam(c)));

  route(app, 'POST', '/staff/campaign/updates/:id', editors, async (c) => {
    const id = idParam(c);
    const values = await typedValues(c);
    const parsed = updateForm.safeParse(values);
    if (!parsed.success) return updatePage(c, id, { values, errors: errorsOf(c.get('t'), parsed.error, values) });
    if (!(await editUpdate(dbOf(c), staffOf(c).userId, id, updateInput(parsed.data)))) throw notFound();
    return c.redirect('/staff/campaign?done=saved#updates', 303);
  });

  route(app, 'POST', '/staff/campaign/updates/:id/publish', editors, async (c) => {
    const id = idParam(c);
    const form = publishForm.safeParse(await typedValues(c));
    if (!form.success || !(await publishUpdate(dbOf(c), staffOf(c).userId, id, form.data.published === 'yes'))) throw notFound();
    return c.redirect('/staff/campaign?done=saved#updates', 303);
  });
}
