import type { Context } from 'hono';
import { z } from 'zod';
import { LANGUAGES, LANGUAGE_NAMES, type Translate } from '../i18n/index.ts';
import type { AppEnv } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { PublicBlock, PublicText, neutralise } from '../web/public-text.tsx';
import { staffOf } from '../auth/access.ts';
import { COUNTRIES, NEEDS, countryName } from '../help/needs.ts';
import type { CaseContent } from './content.ts';
import type { DirectCase } from './create-case.ts';

const optional = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((value) => value || undefined);

/** The new-case form; its output is exactly what openDirectCase takes. */
export const newCaseSchema = z
  .object({
    origin: z.enum(['direct', 'referral']),
    caseworkerId: z.uuid(),
    urgent: z.literal('yes').optional(),
    language: z.enum(LANGUAGES),
    country: z.preprocess((value) => (value === '' ? undefined : value), z.enum(COUNTRIES).optional()),
    needs: z.array(z.enum(NEEDS)).min(1),
    preferredName: optional(200),
    contacts: optional(2000),
    whereNow: optional(500),
    story: optional(20_000),
    referredBy: optional(500),
  })
  .transform(
    (form): DirectCase => ({
      origin: form.origin,
      caseworkerId: form.caseworkerId,
      urgent: form.urgent === 'yes',
      language: form.language,
      country: form.country ?? null,
      needs: form.needs,
      content: {
        preferredName: form.preferredName,
        contacts: form.contacts,
        whereNow: form.whereNow,
        story: form.story,
        referredBy: form.origin === 'referral' ? form.referredBy : undefined,
        safety: {},
      },
    }),
  );

const FACTS = ['preferredName', 'pronouns', 'languages', 'whereNow', 'arrivalDate', 'contacts', 'family', 'referredBy', 'story'] as const;
const SAFETY = ['contactShared', 'safeTimes', 'codeWord'] as const;
const BLOCKS: readonly string[] = ['story', 'family', 'contacts'];

/**
 * The person's details. The safe-contact answers come first, in plain sight: whoever writes to
 * or calls the person must see them before anything else. Everything typed goes through
 * PublicText/PublicBlock: isolated, with direction controls shown.
 */
export function CaseFacts({ t, content }: { t: Translate; content: CaseContent }) {
  const safety = SAFETY.filter((field) => content.safety[field]);
  const facts = FACTS.filter((field) => content[field]);
  if (safety.length + facts.length === 0) return null;
  return (
    <dl class="facts">
      {safety.map((field) => (
        <>
          <dt>{t(`cases.field.${field}`)}</dt>
          <dd data-field={field}>
            {field === 'contactShared' ? t(`help.contactShared.${content.safety.contactShared!}`) : <PublicText text={content.safety[field]!} />}
          </dd>
        </>
      ))}
      {facts.map((field) => (
        <>
          <dt>{t(`cases.field.${field}`)}</dt>
          <dd data-field={field}>{BLOCKS.includes(field) ? <PublicBlock text={content[field]!} /> : <PublicText text={content[field]!} />}</dd>
        </>
      ))}
    </dl>
  );
}

const LABELS = {
  origin: 'cases.new.origin',
  needs: 'cases.new.needs',
  language: 'cases.new.language',
  country: 'cases.new.country',
  caseworkerId: 'cases.make.assignee',
  preferredName: 'cases.field.preferredName',
  contacts: 'cases.field.contacts',
  whereNow: 'cases.field.whereNow',
  story: 'cases.field.story',
  referredBy: 'cases.field.referredBy',
} as const;

type Values = Record<string, string | string[] | undefined>;

function text(values: Values, name: string): string {
  const value = values[name];
  return typeof value === 'string' ? value : '';
}

export function NewCasePage(props: { c: Context<AppEnv>; caseworkers: { id: string; displayName: string }[]; values: Values; errors: Record<string, boolean> }) {
  const { c, values, errors } = props;
  const t = c.get('t');
  const lang = c.get('lang');
  const me = staffOf(c);
  const needs = [values.needs ?? []].flat();
  const invalid = (name: string) => (errors[name] ? { 'aria-invalid': 'true' } : {});
  return (
    <>
      <h1>{t('cases.new')}</h1>
      <p class="hint">{t('cases.new.explain')}</p>
      {Object.keys(errors).length > 0 && (
        <p class="error" role="alert">
          {t('cases.new.invalid')} ({Object.keys(errors).map((name) => t(LABELS[name as keyof typeof LABELS] ?? 'cases.new.invalid')).join(', ')})
        </p>
      )}
      <form method="post" action="/staff/cases/new">
        <Csrf staff={me} />
        <fieldset>
          <legend>{t('cases.new.origin')}</legend>
          {(['direct', 'referral'] as const).map((origin) => (
            <label class="choice">
              <input type="radio" name="origin" value={origin} required checked={(text(values, 'origin') || 'direct') === origin} /> {t(`cases.origin.${origin}`)}
            </label>
          ))}
        </fieldset>
        <label for="referredBy">{t('cases.field.referredBy')}</label>
        <input id="referredBy" name="referredBy" type="text" value={text(values, 'referredBy')} />
        <fieldset {...invalid('needs')}>
          <legend>{t('cases.new.needs')}</legend>
          {NEEDS.map((need) => (
            <label class="choice">
              <input type="checkbox" name="needs" value={need} checked={needs.includes(need)} /> {t(`help.need.${need}`)}
            </label>
          ))}
        </fieldset>
        <label class="choice">
          <input type="checkbox" name="urgent" value="yes" checked={text(values, 'urgent') === 'yes'} /> {t('cases.new.urgent')}
        </label>
        <label for="language">{t('cases.new.language')}</label>
        <select id="language" name="language">
          {LANGUAGES.map((code) => (
            <option value={code} selected={(text(values, 'language') || 'ru') === code}>
              {LANGUAGE_NAMES[code]}
            </option>
          ))}
        </select>
        <label for="country">{t('cases.new.country')}</label>
        <select id="country" name="country">
          <option value="">{t('triage.unknownCountry')}</option>
          {COUNTRIES.map((code) => (
            <option value={code} selected={text(values, 'country') === code}>
              {countryName(lang, code)}
            </option>
          ))}
        </select>
        {(['preferredName', 'whereNow', 'contacts'] as const).map((name) => (
          <>
            <label for={name}>{t(`cases.field.${name}`)}</label>
            <input id={name} name={name} type="text" value={text(values, name)} {...invalid(name)} />
          </>
        ))}
        <label for="story">{t('cases.field.story')}</label>
        <textarea id="story" name="story" rows={5}>
          {text(values, 'story')}
        </textarea>
        <label for="caseworkerId">{t('cases.make.assignee')}</label>
        <select id="caseworkerId" name="caseworkerId" required {...invalid('caseworkerId')}>
          {props.caseworkers.map((user) => (
            <option value={user.id} selected={(text(values, 'caseworkerId') || me.userId) === user.id}>
              {neutralise(user.displayName)}
            </option>
          ))}
        </select>
        <div class="actions">
          <button type="submit">{t('cases.new.submit')}</button>
        </div>
      </form>
    </>
  );
}
