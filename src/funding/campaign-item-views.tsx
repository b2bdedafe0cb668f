import type { Translate } from '../i18n/index.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { ErrorSummary } from '../web/forms.tsx';
import { Input, LangTexts, type FormState } from './campaign-form-views.tsx';
import type { SupporterView, UpdateView } from './read-campaign.ts';

/** The fields of a supporter, for adding one and for editing it. */
export function SupporterFields({ t, form }: { t: Translate; form: FormState }) {
  return (
    <>
      <LangTexts t={t} name="name" label={t('campaign.staff.supporterName')} form={form} required />
      <LangTexts t={t} name="role" label={t('campaign.staff.supporterRole')} form={form} />
      <LangTexts t={t} name="quote" label={t('campaign.staff.supporterQuote')} hint={t('campaign.staff.text.hint')} form={form} multiline rows={4} />
    </>
  );
}

/** The fields of an update. */
export function UpdateFields({ t, form }: { t: Translate; form: FormState }) {
  return (
    <>
      <Input name="dated" type="date" required label={t('campaign.staff.updateDate')} form={form} />
      <LangTexts t={t} name="title" label={t('campaign.staff.updateTitle')} form={form} required />
      <LangTexts t={t} name="body" label={t('campaign.staff.updateBody')} hint={t('campaign.staff.text.hint')} form={form} multiline required />
    </>
  );
}

export function supporterValues(supporter: SupporterView): Record<string, string> {
  const values: Record<string, string> = {};
  for (const lang of ['ru', 'en', 'nl'] as const) {
    values[`name_${lang}`] = supporter.name[lang];
    values[`role_${lang}`] = supporter.role[lang];
    values[`quote_${lang}`] = supporter.quote[lang];
  }
  return values;
}

export function updateValues(update: UpdateView): Record<string, string> {
  const values: Record<string, string> = { dated: update.dated };
  for (const lang of ['ru', 'en', 'nl'] as const) {
    values[`title_${lang}`] = update.title[lang];
    values[`body_${lang}`] = update.body[lang];
  }
  return values;
}

const back = (t: Translate, anchor: string) => (
  <p>
    <a href={`/staff/campaign#${anchor}`}>{t('campaign.staff.back')}</a>
  </p>
);

/**
 * One supporter: their texts, their logo (a form of its own, multipart: the CSRF token is its
 * first field, checked before the file is read) and, behind a ticked box, removing them.
 */
export function SupporterPage(props: { t: Translate; staff: StaffSession; supporter: SupporterView; form: FormState; notice?: string; problem?: string }) {
  const { t, staff, supporter } = props;
  const base = `/staff/campaign/supporters/${supporter.id}`;
  return (
    <>
      <h1>{t('campaign.staff.editSupporter')}</h1>
      {back(t, 'supporters')}
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      {props.problem && (
        <p class="notice error" role="alert">
          {props.problem}
        </p>
      )}
      <ErrorSummary errors={props.form.errors} title={t('campaign.staff.errors')} />
      <form method="post" action={base}>
        <Csrf staff={staff} />
        <SupporterFields t={t} form={props.form} />
        <div class="actions">
          <button type="submit">{t('campaign.staff.save')}</button>
        </div>
      </form>
      <h2>{t('campaign.staff.logo')}</h2>
      {supporter.logo ? <img class="logo" src={supporter.logo.src} width={supporter.logo.width} height={supporter.logo.height} alt={t('campaign.staff.logo')} /> : <p>{t('campaign.staff.logo.none')}</p>}
      <form method="post" action={`${base}/logo`} enctype="multipart/form-data">
        <Csrf staff={staff} />
        <label for="logo-file">
          {t('campaign.staff.logo.upload')}
          <span class="hint" id="logo-file-hint">
            {t('campaign.staff.logo.hint')}
          </span>
        </label>
        {/* The file comes last: fields after it are not read (src/files/upload.ts). */}
        <input type="file" id="logo-file" name="file" accept="image/png,image/jpeg" required aria-describedby="logo-file-hint" />
        <div class="actions">
          <button type="submit">{t('campaign.staff.logo.upload')}</button>
        </div>
      </form>
      {supporter.logo && (
        <form method="post" action={`${base}/logo/remove`}>
          <Csrf staff={staff} />
          <div class="actions">
            <button type="submit" class="secondary">
              {t('campaign.staff.logo.remove')}
            </button>
          </div>
        </form>
      )}
      <h2>{t('campaign.staff.removeSupporter')}</h2>
      <form method="post" action={`${base}/remove`} class="card">
        <Csrf staff={staff} />
        <label class="choice">
          <input type="checkbox" name="confirm" value="yes" required /> {t('campaign.staff.removeSupporter.confirm')}
        </label>
        <div class="actions">
          <button type="submit" class="danger">
            {t('campaign.staff.removeSupporter')}
          </button>
        </div>
      </form>
    </>
  );
}

export function UpdatePage(props: { t: Translate; staff: StaffSession; update: UpdateView; form: FormState }) {
  const { t, staff, update } = props;
  return (
    <>
      <h1>{t('campaign.staff.editUpdate')}</h1>
      {back(t, 'updates')}
      <p>{update.published ? t('campaign.staff.published') : t('campaign.staff.unpublished')}</p>
      <ErrorSummary errors={props.form.errors} title={t('campaign.staff.errors')} />
      <form method="post" action={`/staff/campaign/updates/${update.id}`}>
        <Csrf staff={staff} />
        <UpdateFields t={t} form={props.form} />
        <div class="actions">
          <button type="submit">{t('campaign.staff.save')}</button>
        </div>
      </form>
    </>
  );
}
