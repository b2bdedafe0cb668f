import type { Context } from 'hono';
import { z } from 'zod';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { staffPage } from '../web/layout.tsx';
import { notFound } from '../web/errors.ts';
import { fieldErrors, formValues, textOf } from '../web/forms.tsx';
import { staffOf } from '../auth/access.ts';
import type { Translate } from '../i18n/index.ts';
import { ENTRY_KINDS, FRIENDLY } from './content.ts';
import { DIRECTORY_EDITORS, DIRECTORY_ROLES } from './directory-vault.ts';
import { DirectoryList, EntryForm, type EntryFormValues } from './directory-views.tsx';
import { listDirectory, readEntryForEdit } from './list-directory.ts';
import { endReferral, referCase, referralTarget } from './refer-case.ts';
import { addEntry, editEntry, retireEntry, type EntryInput } from './save-entry.ts';
import type { DirectoryFilter } from './queries.ts';

const uuid = z.uuid();
const languageCode = z.string().trim().toLowerCase().regex(/^[a-z]{2,3}$/);

/** One form for adding and editing an entry; its output is what the operations take. */
export const entrySchema = z
  .object({
    kind: z.enum(ENTRY_KINDS),
    name: z.string().trim().min(1).max(200),
    languages: z
      .string()
      .max(200)
      .transform((value) => [...new Set(value.split(/[\s,;]+/).map((code) => code.trim().toLowerCase()).filter(Boolean))])
      .pipe(z.array(z.string().regex(/^[a-z]{2,3}$/)).max(20)),
    city: z.string().trim().max(100),
    friendly: z.enum(FRIENDLY),
    capacity: z.coerce.number().int().min(0).max(1000),
    contact: z.string().trim().max(2000),
  })
  .transform((form): EntryInput => ({ ...form, city: form.city || null }));

const referralForm = z.object({ entry: z.uuid(), note: z.string().trim().max(2000).default('') });

/** Filters come from the address; one that does not parse is left out rather than refused. */
function filterOf(c: Context<AppEnv>): DirectoryFilter {
  const pick = <T,>(schema: z.ZodType<T>, value: string | undefined): T | undefined => {
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  };
  return {
    kind: pick(z.enum(ENTRY_KINDS), c.req.query('kind')),
    language: pick(languageCode, c.req.query('language')),
    city: pick(z.string().trim().min(1).max(100), c.req.query('city')),
    friendly: pick(z.enum(FRIENDLY), c.req.query('friendly')),
    hasCapacity: c.req.query('capacity') === 'yes' ? true : undefined,
  };
}

function idParam(c: Context<AppEnv>, name = 'id'): string {
  const parsed = uuid.safeParse(c.req.param(name) ?? '');
  if (!parsed.success) throw notFound();
  return parsed.data;
}

function errorsOf(t: Translate, error: z.ZodError) {
  return fieldErrors(error, {
    kind: t('directory.error.kind'),
    name: t('directory.error.name'),
    languages: t('directory.error.languages'),
    city: t('directory.error.city'),
    friendly: t('directory.error.friendly'),
    capacity: t('directory.error.capacity'),
    contact: t('directory.error.contact'),
  });
}

async function entryForm(c: Context<AppEnv>): Promise<{ values: EntryFormValues; parsed: ReturnType<typeof entrySchema.safeParse> }> {
  const raw = formValues(await c.req.parseBody());
  const values: EntryFormValues = Object.fromEntries(
    (['kind', 'name', 'languages', 'city', 'friendly', 'capacity', 'contact'] as const).map((key) => [key, textOf(raw[key])]),
  );
  return { values, parsed: entrySchema.safeParse(values) };
}

const NOTICES = { saved: 'directory.saved', retired: 'directory.retired' } as const;

export function registerDirectory(app: App): void {
  route(app, 'GET', '/staff/directory', staff(...DIRECTORY_ROLES), async (c) => {
    const t = c.get('t');
    const me = staffOf(c);
    const caseId = uuid.safeParse(c.req.query('case') ?? '');
    const target = caseId.success ? await referralTarget(dbOf(c), me, caseId.data) : null;
    if (caseId.success && !target) throw notFound();
    const filter = filterOf(c);
    const page = await listDirectory(dbOf(c), me, filter);
    const notice = NOTICES[c.req.query('done') as keyof typeof NOTICES];
    return staffPage(c, t('directory.title'), <DirectoryList t={t} staff={me} page={page} filter={filter} target={target} notice={notice && t(notice)} />);
  });

  route(app, 'GET', '/staff/directory/new', staff(...DIRECTORY_EDITORS), (c) => {
    const t = c.get('t');
    return staffPage(c, t('directory.add'), <><h1>{t('directory.add')}</h1><EntryForm t={t} staff={staffOf(c)} action="/staff/directory/new" values={{}} errors={{}} /></>);
  });

  route(app, 'POST', '/staff/directory/new', staff(...DIRECTORY_EDITORS), async (c) => {
    const t = c.get('t');
    const { values, parsed } = await entryForm(c);
    if (!parsed.success) {
      return staffPage(c, t('directory.add'), <><h1>{t('directory.add')}</h1><EntryForm t={t} staff={staffOf(c)} action="/staff/directory/new" values={values} errors={errorsOf(t, parsed.error)} /></>, 400);
    }
    if (!(await addEntry(dbOf(c), staffOf(c), parsed.data))) throw notFound();
    return c.redirect('/staff/directory?done=saved', 303);
  });

  route(app, 'GET', '/staff/directory/:id/edit', staff(...DIRECTORY_EDITORS), async (c) => {
    const t = c.get('t');
    const id = idParam(c);
    const entry = await readEntryForEdit(dbOf(c), staffOf(c), id);
    if (!entry) throw notFound();
    const values: EntryFormValues = {
      kind: entry.kind,
      name: entry.name,
      languages: entry.languages.join(', '),
      city: entry.city ?? '',
      friendly: entry.friendly,
      capacity: String(entry.capacity),
      contact: entry.contact?.ok ? entry.contact.text : '',
    };
    const base = `/staff/directory/${id}`;
    return staffPage(c, t('directory.edit.title'), <><h1>{t('directory.edit.title')}</h1><EntryForm t={t} staff={staffOf(c)} action={base} values={values} errors={{}} retireAction={`${base}/retire`} /></>);
  });

  route(app, 'POST', '/staff/directory/:id', staff(...DIRECTORY_EDITORS), async (c) => {
    const t = c.get('t');
    const id = idParam(c);
    const { values, parsed } = await entryForm(c);
    if (!parsed.success) {
      // Says nothing of the entry to someone who may not edit it: the same check as the operation's.
      if (!(await readEntryForEdit(dbOf(c), staffOf(c), id))) throw notFound();
      const base = `/staff/directory/${id}`;
      return staffPage(c, t('directory.edit.title'), <><h1>{t('directory.edit.title')}</h1><EntryForm t={t} staff={staffOf(c)} action={base} values={values} errors={errorsOf(t, parsed.error)} retireAction={`${base}/retire`} /></>, 400);
    }
    if (!(await editEntry(dbOf(c), staffOf(c), id, parsed.data))) throw notFound();
    return c.redirect('/staff/directory?done=saved', 303);
  });

  route(app, 'POST', '/staff/directory/:id/retire', staff(...DIRECTORY_EDITORS), async (c) => {
    const id = idParam(c);
    const confirmed = (await c.req.parseBody())['confirm'] === 'yes';
    if (!confirmed) {
      if (!(await readEntryForEdit(dbOf(c), staffOf(c), id))) throw notFound();
      return c.redirect(`/staff/directory/${id}/edit`, 303);
    }
    if (!(await retireEntry(dbOf(c), staffOf(c), id))) throw notFound();
    return c.redirect('/staff/directory?done=retired', 303);
  });

  route(app, 'POST', '/staff/cases/:id/referrals', staff(...DIRECTORY_ROLES), async (c) => {
    const id = idParam(c);
    const form = referralForm.safeParse(await c.req.parseBody());
    if (!form.success || !(await referCase(dbOf(c), staffOf(c), id, form.data.entry, form.data.note))) throw notFound();
    return c.redirect(`/staff/cases/${id}?referral=recorded#referrals`, 303);
  });

  route(app, 'POST', '/staff/cases/:id/referrals/:referral/end', staff(...DIRECTORY_ROLES), async (c) => {
    const id = idParam(c);
    if (!(await endReferral(dbOf(c), staffOf(c), id, idParam(c, 'referral')))) throw notFound();
    return c.redirect(`/staff/cases/${id}?referral=ended#referrals`, 303);
  });
}
