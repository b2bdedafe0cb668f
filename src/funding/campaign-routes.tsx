import type { Context } from 'hono';
import { z } from 'zod';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { staffPage } from '../web/layout.tsx';
import { staffOf } from '../auth/access.ts';
import { CAMPAIGN_EDITORS, campaignForm, campaignInput, purposeInputs, purposesForm, supporterForm, supporterInput, updateForm, updateInput } from './campaign-content.ts';
import { CampaignEditor, savedForms, type EditorForms } from './campaign-editor-views.tsx';
import { errorsOf, type Values } from './campaign-form-views.tsx';
import { readCampaign } from './read-campaign.ts';
import { saveCampaign, savePurposes } from './save-campaign.ts';
import { addSupporter } from './save-supporter.ts';
import { addUpdate } from './save-update.ts';
import { registerCampaignItems } from './campaign-item-routes.tsx';
import { registerLogos } from './logo-routes.ts';
import { typedValues } from './campaign-route-helpers.ts';

/** How many updates the editors' page lists, newest first. */
const UPDATES_LISTED = 200;

const NOTICES = { saved: 'campaign.staff.saved', removed: 'campaign.staff.removed' } as const;

/** The editors' page, with one form coming back as typed and refused when `failed` is given. */
async function editorPage(c: Context<AppEnv>, failed?: { form: keyof EditorForms; values: Values; error: z.ZodError }) {
  const t = c.get('t');
  const content = await readCampaign(dbOf(c), { publishedOnly: false, updates: UPDATES_LISTED });
  const forms = savedForms(content);
  if (failed) forms[failed.form] = { values: failed.values, errors: errorsOf(t, failed.error, failed.values) };
  const notice = NOTICES[c.req.query('done') as keyof typeof NOTICES];
  const page = <CampaignEditor t={t} lang={c.get('lang')} staff={staffOf(c)} content={content} forms={forms} notice={notice && t(notice)} />;
  return staffPage(c, t('campaign.staff.title'), page, failed ? 400 : 200);
}

export function registerCampaign(app: App): void {
  const editors = staff(...CAMPAIGN_EDITORS);

  route(app, 'GET', '/staff/campaign', editors, (c) => editorPage(c));

  route(app, 'POST', '/staff/campaign', editors, async (c) => {
    const values = await typedValues(c);
    const parsed = campaignForm.safeParse(values);
    if (!parsed.success) return editorPage(c, { form: 'campaign', values, error: parsed.error });
    await saveCampaign(dbOf(c), staffOf(c).userId, campaignInput(parsed.data));
    return c.redirect('/staff/campaign?done=saved#campaign', 303);
  });

  route(app, 'POST', '/staff/campaign/purposes', editors, async (c) => {
    const values = await typedValues(c);
    const parsed = purposesForm.safeParse(values);
    if (!parsed.success) return editorPage(c, { form: 'purposes', values, error: parsed.error });
    await savePurposes(dbOf(c), staffOf(c).userId, purposeInputs(parsed.data));
    return c.redirect('/staff/campaign?done=saved#purposes', 303);
  });

  route(app, 'POST', '/staff/campaign/supporters', editors, async (c) => {
    const values = await typedValues(c);
    const parsed = supporterForm.safeParse(values);
    if (!parsed.success) return editorPage(c, { form: 'supporter', values, error: parsed.error });
    await addSupporter(dbOf(c), staffOf(c).userId, supporterInput(parsed.data));
    return c.redirect('/staff/campaign?done=saved#supporters', 303);
  });

  route(app, 'POST', '/staff/campaign/updates', editors, async (c) => {
    const values = await typedValues(c);
    const parsed = updateForm.safeParse(values);
    if (!parsed.success) return editorPage(c, { form: 'update', values, error: parsed.error });
    await addUpdate(dbOf(c), staffOf(c).userId, updateInput(parsed.data));
    return c.redirect('/staff/campaign?done=saved#updates', 303);
  });

  registerCampaignItems(app, editors);
  registerLogos(app, editors);
}
