import type { Child } from 'hono/jsx';
import type { Translate } from '../i18n/index.ts';
import { LANGUAGES, LANGUAGE_NAMES, type Lang } from '../i18n/lang.ts';
import type { Config } from '../config.ts';
import { ErrorSummary, Field, describedBy, textOf, type FormState } from '../web/forms.tsx';
import { COUNTRIES, NEEDS, countryName, type Country } from './needs.ts';
import { TEXT_LIMITS, type HelpFormFields } from './help-form.ts';
import { receiptGroups } from './receipt.ts';
import { EmergencyAdvice } from './emergency-views.tsx';
import { DuressFieldset, DuressReminder } from './duress-views.tsx';

type Props = { t: Translate; lang: Lang };

/**
 * The home page. The way to ask for help comes first, then what to do in danger and the quick
 * exit; the campaign (src/funding/campaign-home-views.tsx) comes after all of them, so a person
 * in danger never has to scroll past a donation appeal.
 */
export function HomePage({ t, lang, campaign }: Props & { campaign?: Child }) {
  return (
    <>
      <h1>{t('home.title')}</h1>
      <p>{t('home.intro')}</p>
      <h2>{t('home.askTitle')}</h2>
      <p>{t('home.ask')}</p>
      <p class="actions">
        <a class="button" href={`/${lang}/help`}>
          {t('home.askButton')}
        </a>
        <a href={`/${lang}/help/status`}>{t('home.statusLink')}</a>
      </p>
      <EmergencyAdvice t={t} lang={lang} country={null} heading="h2" />
      <h2>{t('home.exitTitle')}</h2>
      <p>{t('home.exit')}</p>
      {/* Escape only leaves where the script runs: it reveals this promise itself. */}
      <p data-js-only hidden>
        {t('home.exitKeys')}
      </p>
      {campaign}
    </>
  );
}

function Choice(props: { type: 'radio' | 'checkbox'; name: string; value: string; checked: boolean; label: string }) {
  const id = `${props.name}-${props.value}`;
  return (
    <div class="choice">
      {/* No autocomplete attribute here (it does not apply to choices): the form's "off" covers them. */}
      <input type={props.type} id={id} name={props.name} value={props.value} checked={props.checked} />
      <label for={id}>{props.label}</label>
    </div>
  );
}

/**
 * A text field. Every control of the help form says autocomplete="off", and so does the form: a
 * browser then neither suggests earlier entries nor restores what was typed when someone presses
 * Back after the quick exit (test/e2e/person-first-hour.test.ts).
 */
function TextInput(props: { name: HelpFormFields; label: string; hint?: string; form: FormState<HelpFormFields>; multiline?: boolean }) {
  const error = props.form.errors[props.name];
  const common = {
    id: props.name,
    name: props.name,
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': describedBy(props.name, Boolean(props.hint), error),
  };
  const value = textOf(props.form.values[props.name]);
  return (
    <Field name={props.name} label={props.label} hint={props.hint} error={error}>
      {props.multiline ? (
        <textarea {...common} rows={6} autocomplete="off">
          {value}
        </textarea>
      ) : (
        <input {...common} type="text" value={value} autocomplete="off" />
      )}
    </Field>
  );
}

/** `problem`: why the form came back though nothing in it is wrong (too many requests, busy). */
export function HelpFormPage({ t, lang, form, problem }: Props & { form: FormState<HelpFormFields>; problem?: string }) {
  const needs = [form.values.needs ?? []].flat();
  const chosenLanguage = textOf(form.values.language) || lang;
  const country = textOf(form.values.country);
  const shared = textOf(form.values.contactShared);
  return (
    <>
      <h1>{t('help.title')}</h1>
      <p>{t('help.intro')}</p>
      {problem && (
        <p class="error" role="alert">
          {problem} {t('help.error.keptTyped')}
        </p>
      )}
      <ErrorSummary errors={form.errors} title={t('web.formErrors')} />
      <form method="post" action={`/${lang}/help`} autocomplete="off" novalidate>
        <fieldset id="danger">
          <legend>{t('help.danger')}</legend>
          {form.errors.danger && <p class="error">{form.errors.danger}</p>}
          <Choice type="radio" name="danger" value="yes" checked={form.values.danger === 'yes'} label={t('help.danger.yes')} />
          <Choice type="radio" name="danger" value="no" checked={form.values.danger === 'no'} label={t('help.danger.no')} />
        </fieldset>
        <fieldset id="needs" aria-describedby="needs-hint">
          <legend>
            {t('help.needs')} <span class="hint">({t('web.required')})</span>
          </legend>
          <p class="hint" id="needs-hint">
            {t('help.needs.hint')}
          </p>
          {form.errors.needs && (
            <p class="error" id="needs-error">
              {form.errors.needs}
            </p>
          )}
          {NEEDS.map((need) => (
            <Choice type="checkbox" name="needs" value={need} checked={needs.includes(need)} label={t(`help.need.${need}`)} />
          ))}
          <TextInput name="otherNeed" label={t('help.otherNeed')} form={form} />
        </fieldset>
        <fieldset>
          <legend>{t('help.whereTitle')}</legend>
          <Field name="country" label={t('help.country')} error={form.errors.country}>
            <select id="country" name="country" autocomplete="off">
              <option value="">—</option>
              {COUNTRIES.map((code) => (
                <option value={code} selected={country === code}>
                  {countryName(lang, code)}
                </option>
              ))}
            </select>
          </Field>
          <TextInput name="city" label={t('help.city')} form={form} />
          <Field name="language" label={t('help.language')} error={form.errors.language}>
            <select id="language" name="language" autocomplete="off">
              {LANGUAGES.map((option) => (
                <option value={option} selected={chosenLanguage === option}>
                  {LANGUAGE_NAMES[option]}
                </option>
              ))}
            </select>
          </Field>
        </fieldset>
        <TextInput name="story" label={t('help.story')} hint={`${t('help.story.hint')} ${t('help.limit', { max: TEXT_LIMITS.story })}`} form={form} multiline />
        <fieldset>
          <legend>{t('help.contactTitle')}</legend>
          <p class="hint">{t('help.contactIntro')}</p>
          <TextInput name="contact" label={t('help.contact')} form={form} />
          <fieldset>
            <legend>{t('help.contactShared')}</legend>
            {(['no', 'yes', 'unsure'] as const).map((value) => (
              <Choice type="radio" name="contactShared" value={value} checked={shared === value} label={t(`help.contactShared.${value}`)} />
            ))}
          </fieldset>
          <TextInput name="safeTimes" label={t('help.safeTimes')} form={form} />
          <TextInput name="codeWord" label={t('help.codeWord')} hint={t('help.codeWord.hint')} form={form} />
        </fieldset>
        <DuressFieldset t={t} value={textOf(form.values.duressEnding)} error={form.errors.duressEnding} />
        <div class="actions">
          <button type="submit">{t('help.submit')}</button>
        </div>
      </form>
    </>
  );
}

/** The receipt in groups of four that never break across lines; a line may break only between groups. */
function Receipt({ receipt }: { receipt: string }) {
  const groups = receiptGroups(receipt);
  return (
    <p class="receipt" id="receipt" data-receipt>
      {groups.map((group, index) => (
        <>
          {index > 0 && (
            <>
              -<wbr />
            </>
          )}
          <span class="group">{group}</span>
        </>
      ))}
    </p>
  );
}

type ReceiptProps = Props & { receipt: string; urgent: boolean; repeated: boolean; country: Country | null; config: Config; duressEnding?: string | undefined };

export function ReceiptPage({ t, lang, receipt, urgent, repeated, country, config, duressEnding }: ReceiptProps) {
  const { contacts } = config;
  return (
    <>
      <h1>{t('help.sent.title')}</h1>
      {repeated && (
        <p class="ok" role="status">
          {t('help.sent.repeated')}
        </p>
      )}
      {urgent && <p class="notice">{t('help.sent.urgent')}</p>}
      <h2>{t('help.sent.receipt')}</h2>
      <Receipt receipt={receipt} />
      <p>
        <button type="button" class="secondary" data-copy="receipt" data-copied={t('help.sent.copied')} hidden>
          {t('help.sent.copy')}
        </button>
      </p>
      <p class="notice">
        <strong>{t('help.sent.keep')}</strong>
      </p>
      {duressEnding && <DuressReminder t={t} ending={duressEnding} />}
      <p>{t('help.sent.next', { hours: config.replyWithinHours })}</p>
      {(urgent || !(contacts.signal || contacts.email || contacts.onion)) && <EmergencyAdvice t={t} lang={lang} country={country} heading="h2" />}
      {(contacts.signal || contacts.email || contacts.onion) && (
        <>
          <p>{t('help.sent.other')}</p>
          <ul>
            {contacts.signal && (
              <li>
                {t('help.sent.signal')}: {contacts.signal}
              </li>
            )}
            {contacts.email && (
              <li>
                {t('help.sent.email')}: {contacts.email}
              </li>
            )}
            {contacts.onion && (
              <li>
                {t('help.sent.onion')}: <code>{contacts.onion}</code>
              </li>
            )}
          </ul>
        </>
      )}
      <p>
        <a href={`/${lang}/help/status`}>{t('help.sent.status')}</a>
      </p>
    </>
  );
}
