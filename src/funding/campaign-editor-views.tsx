import type { Translate } from '../i18n/index.ts';
import type { Lang } from '../i18n/lang.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { ErrorSummary } from '../web/forms.tsx';
import { PURPOSES } from './purposes.ts';
import type { CampaignContent } from './read-campaign.ts';
import { Input, LangTexts, euroInput, type FormState } from './campaign-form-views.tsx';
import { SupporterFields, UpdateFields } from './campaign-item-views.tsx';

/** The forms of the editors' page; the ones not being corrected show what is saved. */
export type EditorForms = { campaign: FormState; purposes: FormState; supporter: FormState; update: FormState };

export function savedForms(content: CampaignContent): EditorForms {
  const values: Record<string, string> = {
    goal: euroInput(content.goalCents),
    starts_on: content.startsOn ?? '',
    ends_on: content.endsOn ?? '',
    story_ru: content.story.ru,
    story_en: content.story.en,
    story_nl: content.story.nl,
  };
  const purposes: Record<string, string> = {};
  for (const item of content.purposes) {
    purposes[`goal_${item.purpose}`] = euroInput(item.goalCents);
    for (const lang of ['ru', 'en', 'nl'] as const) purposes[`text_${item.purpose}_${lang}`] = item.text[lang];
  }
  return { campaign: { values, errors: {} }, purposes: { values: purposes, errors: {} }, supporter: { values: {}, errors: {} }, update: { values: {}, errors: {} } };
}

type Props = { t: Translate; lang: Lang; staff: StaffSession; content: CampaignContent; forms: EditorForms; notice?: string };

/** /staff/campaign: every part of the campaign page, one form each, one click from the list. */
export function CampaignEditor(props: Props) {
  const { t, lang, staff, content, forms } = props;
  const errors = { ...forms.campaign.errors, ...forms.purposes.errors, ...forms.supporter.errors, ...forms.update.errors };
  return (
    <>
      <h1>{t('campaign.staff.title')}</h1>
      <p>{t('campaign.staff.intro')}</p>
      <p>
        <a href={`/${lang}/`}>{t('campaign.staff.viewHome')}</a>
      </p>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <ErrorSummary errors={errors} title={t('campaign.staff.errors')} />

      <h2 id="campaign">{t('campaign.staff.campaign')}</h2>
      <form method="post" action="/staff/campaign">
        <Csrf staff={staff} />
        <Input name="goal" label={t('campaign.staff.goal')} hint={t('campaign.staff.goal.hint')} form={forms.campaign} />
        <Input name="starts_on" type="date" required label={t('campaign.staff.startsOn')} form={forms.campaign} />
        <Input name="ends_on" type="date" required label={t('campaign.staff.endsOn')} form={forms.campaign} />
        <LangTexts t={t} name="story" label={t('campaign.staff.story')} hint={t('campaign.staff.text.hint')} form={forms.campaign} multiline rows={10} />
        <div class="actions">
          <button type="submit">{t('campaign.staff.save')}</button>
        </div>
      </form>

      <h2 id="purposes">{t('campaign.staff.purposes')}</h2>
      <form method="post" action="/staff/campaign/purposes">
        <Csrf staff={staff} />
        {PURPOSES.map((purpose) => (
          <fieldset>
            <legend>{t(`purpose.${purpose}`)}</legend>
            <Input name={`goal_${purpose}`} label={t('campaign.staff.goal')} hint={t('campaign.staff.goal.hint')} form={forms.purposes} />
            <LangTexts t={t} name={`text_${purpose}`} label={t('campaign.staff.purposeText')} form={forms.purposes} multiline rows={3} />
          </fieldset>
        ))}
        <div class="actions">
          <button type="submit">{t('campaign.staff.save')}</button>
        </div>
      </form>

      <h2 id="supporters">{t('campaign.staff.supporters')}</h2>
      {content.supporters.length === 0 ? (
        <p>{t('campaign.staff.none')}</p>
      ) : (
        <ol class="thread">
          {content.supporters.map((supporter, i) => (
            <li data-supporter={supporter.id}>
              <strong>{supporter.name[lang]}</strong> · {supporter.logo ? t('campaign.staff.logo.has') : t('campaign.staff.logo.none')}
              <div class="actions">
                <a href={`/staff/campaign/supporters/${supporter.id}`}>
                  {t('campaign.staff.edit')}
                  <span class="visually-hidden"> {supporter.name[lang]}</span>
                </a>
                {i > 0 && <MoveButton staff={staff} id={supporter.id} name={supporter.name[lang]} direction="up" label={t('campaign.staff.moveUp')} />}
                {i < content.supporters.length - 1 && <MoveButton staff={staff} id={supporter.id} name={supporter.name[lang]} direction="down" label={t('campaign.staff.moveDown')} />}
              </div>
            </li>
          ))}
        </ol>
      )}
      <h3>{t('campaign.staff.addSupporter')}</h3>
      <form method="post" action="/staff/campaign/supporters">
        <Csrf staff={staff} />
        <SupporterFields t={t} form={forms.supporter} />
        <div class="actions">
          <button type="submit">{t('campaign.staff.addSupporter')}</button>
        </div>
      </form>

      <h2 id="updates">{t('campaign.staff.updates')}</h2>
      {content.updates.length === 0 ? (
        <p>{t('campaign.staff.none')}</p>
      ) : (
        <ul class="thread">
          {content.updates.map((update) => (
            <li data-update={update.id}>
              <strong>{update.title[lang]}</strong> · <time datetime={update.dated}>{update.dated}</time> ·{' '}
              {update.published ? t('campaign.staff.published') : t('campaign.staff.unpublished')}
              <div class="actions">
                <a href={`/staff/campaign/updates/${update.id}`}>
                  {t('campaign.staff.edit')}
                  <span class="visually-hidden"> {update.title[lang]}</span>
                </a>
                <form method="post" action={`/staff/campaign/updates/${update.id}/publish`} class="inline">
                  <Csrf staff={staff} />
                  <input type="hidden" name="published" value={update.published ? 'no' : 'yes'} />
                  <button type="submit" class="secondary">
                    {update.published ? t('campaign.staff.unpublish') : t('campaign.staff.publish')}
                  </button>
                </form>
              </div>
            </li>
          ))}
        </ul>
      )}
      <h3>{t('campaign.staff.addUpdate')}</h3>
      <form method="post" action="/staff/campaign/updates">
        <Csrf staff={staff} />
        <UpdateFields t={t} form={forms.update} />
        <div class="actions">
          <button type="submit">{t('campaign.staff.addUpdate')}</button>
        </div>
      </form>
    </>
  );
}

/** A button per supporter: its name is said to a screen reader, which hears the buttons out of their row. */
function MoveButton(props: { staff: StaffSession; id: string; name: string; direction: 'up' | 'down'; label: string }) {
  return (
    <form method="post" action={`/staff/campaign/supporters/${props.id}/move`} class="inline">
      <Csrf staff={props.staff} />
      <input type="hidden" name="direction" value={props.direction} />
      <button type="submit" class="secondary">
        {props.label}
        <span class="visually-hidden"> {props.name}</span>
      </button>
    </form>
  );
}
