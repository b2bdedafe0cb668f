import type { Context } from 'hono';
import { z } from 'zod';
import { LANGUAGES, LANGUAGE_NAMES } from '../i18n/index.ts';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { Csrf, staffPage } from '../web/layout.tsx';
import { notFound } from '../web/errors.ts';
import { PublicBlock, PublicText } from '../web/public-text.tsx';
import { staffOf } from '../auth/access.ts';
import { CASE_ROLES, TRIAGE_ROLES, mayTriage } from '../auth/roles.ts';
import { claimRequest, releaseRequest } from './claim-request.ts';
import { deleteTemplate, findTemplate, listTemplates, saveTemplate, templateSchema, type ReplyTemplate } from './reply-templates.ts';

const uuid = z.uuid();

function idParam(c: Context<AppEnv>): string {
  const parsed = uuid.safeParse(c.req.param('id') ?? '');
  if (!parsed.success) throw notFound();
  return parsed.data;
}

const TEMPLATE_NOTICES = { saved: 'queue.templates.saved', deleted: 'queue.templates.deleted' } as const;

/** One form for a new template or a change to one; a refused form comes back with what was typed. */
function TemplateForm({ c, template, invalid }: { c: Context<AppEnv>; template: Partial<ReplyTemplate>; invalid: boolean }) {
  const t = c.get('t');
  const prefix = template.id ? `tpl-${template.id}` : 'tpl-new';
  return (
    <form method="post" action={template.id ? `/staff/templates/${template.id}` : '/staff/templates'} class="card" data-template-form={template.id ?? 'new'}>
      <Csrf staff={staffOf(c)} />
      <h2>{template.id ? t('queue.templates.edit') : t('queue.templates.new')}</h2>
      {invalid && (
        <p class="error" role="alert">
          {t('queue.templates.invalid')}
        </p>
      )}
      <label for={`${prefix}-lang`}>{t('queue.templates.lang')}</label>
      <select id={`${prefix}-lang`} name="lang">
        {LANGUAGES.map((lang) => (
          <option value={lang} selected={lang === (template.lang ?? c.get('lang'))}>
            {LANGUAGE_NAMES[lang]}
          </option>
        ))}
      </select>
      <label for={`${prefix}-title`}>{t('queue.templates.name')}</label>
      <input id={`${prefix}-title`} name="title" required maxlength={200} value={template.title ?? ''} />
      <label for={`${prefix}-body`}>{t('queue.templates.body')}</label>
      <textarea id={`${prefix}-body`} name="body" rows={6} required maxlength={5000}>
        {template.body ?? ''}
      </textarea>
      <div class="actions">
        <button type="submit">{t('queue.templates.save')}</button>
      </div>
    </form>
  );
}

async function templatesPage(c: Context<AppEnv>, invalid?: { template: Partial<ReplyTemplate> }) {
  const t = c.get('t');
  const me = staffOf(c);
  const edits = mayTriage(me.roles);
  const templates = await listTemplates(dbOf(c), c.get('lang'));
  const editing = edits && !invalid ? templates.find((template) => template.id === c.req.query('edit')) : undefined;
  const notice = TEMPLATE_NOTICES[c.req.query('done') as keyof typeof TEMPLATE_NOTICES];
  return staffPage(c,
    t('queue.templates.title'),
    <>
      <h1>{t('queue.templates.title')}</h1>
      <p class="hint">{t('queue.templates.intro')}</p>
      {notice && (
        <p class="ok" role="status">
          {t(notice)}
        </p>
      )}
      {templates.length === 0 ? (
        <p>{t('queue.templates.none')}</p>
      ) : (
        templates.map((template) => (
          <section data-template={template.id} lang={template.lang}>
            <h2>
              <PublicText text={template.title} /> <span class="meta">{LANGUAGE_NAMES[template.lang]}</span>
            </h2>
            <PublicBlock text={template.body} />
            {edits && (
              <div class="actions">
                <a class="button secondary" href={`/staff/templates?edit=${template.id}#tpl-${template.id}-title`}>
                  {t('queue.templates.edit')}
                </a>
                <form method="post" action={`/staff/templates/${template.id}/delete`} class="inline">
                  <Csrf staff={me} />
                  <button type="submit" class="secondary">
                    {t('queue.templates.delete')}
                  </button>
                </form>
              </div>
            )}
          </section>
        ))
      )}
      {editing && <TemplateForm c={c} template={editing} invalid={false} />}
      {edits && <TemplateForm c={c} template={invalid?.template ?? {}} invalid={!!invalid} />}
    </>,
    invalid ? 400 : 200,
  );
}

export function registerQueue(app: App): void {
  route(app, 'POST', '/staff/requests/:id/claim', staff(...TRIAGE_ROLES), async (c) => {
    const id = idParam(c);
    const outcome = await claimRequest(dbOf(c), staffOf(c).userId, id, c.get('deps').config.claimMinutes);
    if (!outcome) throw notFound();
    return c.redirect(`/staff/requests/${id}?done=${outcome.held ? 'claimed' : 'held'}`, 303);
  });

  route(app, 'POST', '/staff/requests/:id/release', staff(...TRIAGE_ROLES), async (c) => {
    const id = idParam(c);
    const released = await releaseRequest(dbOf(c), staffOf(c).userId, id);
    if (released === null) throw notFound();
    // Letting go of a claim one does not hold changes nothing, and says nothing.
    return c.redirect(released ? `/staff/requests/${id}?done=released` : `/staff/requests/${id}`, 303);
  });

  // Everyone who answers people may read the templates; coordinators keep them.
  route(app, 'GET', '/staff/templates', staff(...CASE_ROLES), (c) => templatesPage(c));

  route(app, 'POST', '/staff/templates', staff(...TRIAGE_ROLES), async (c) => {
    const body = await c.req.parseBody();
    const form = templateSchema.safeParse(body);
    if (!form.success) return templatesPage(c, { template: { title: String(body.title ?? ''), body: String(body.body ?? '') } });
    await saveTemplate(dbOf(c), staffOf(c).userId, form.data);
    return c.redirect('/staff/templates?done=saved', 303);
  });

  route(app, 'POST', '/staff/templates/:id', staff(...TRIAGE_ROLES), async (c) => {
    const id = idParam(c);
    const body = await c.req.parseBody();
    const form = templateSchema.safeParse(body);
    if (!form.success) {
      if (!(await findTemplate(dbOf(c), id))) throw notFound();
      return templatesPage(c, { template: { id, title: String(body.title ?? ''), body: String(body.body ?? '') } });
    }
    if (!(await saveTemplate(dbOf(c), staffOf(c).userId, form.data, id))) throw notFound();
    return c.redirect('/staff/templates?done=saved', 303);
  });

  route(app, 'POST', '/staff/templates/:id/delete', staff(...TRIAGE_ROLES), async (c) => {
    if (!(await deleteTemplate(dbOf(c), staffOf(c).userId, idParam(c)))) throw notFound();
    return c.redirect('/staff/templates?done=deleted', 303);
  });
}
