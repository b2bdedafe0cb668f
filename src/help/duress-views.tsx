import { formatDateTime, type Lang, type Translate } from '../i18n/index.ts';
import { Field, describedBy } from '../web/forms.tsx';
import { DURESS_ENDING_DIGITS } from './receipt.ts';

/**
 * The duress code on the help form: optional, explained in plain words. Like every control of the
 * form it says autocomplete="off", so no browser remembers or suggests the digits.
 */
export function DuressFieldset({ t, value, error }: { t: Translate; value: string; error?: string }) {
  return (
    <fieldset>
      <legend>{t('help.duress.title')}</legend>
      <p class="hint">{t('help.duress.explain')}</p>
      <Field name="duressEnding" label={t('help.duress.label')} hint={t('help.duress.hint')} error={error}>
        <input
          id="duressEnding"
          name="duressEnding"
          type="text"
          inputmode="numeric"
          autocomplete="off"
          spellcheck={false}
          maxlength={20}
          size={DURESS_ENDING_DIGITS + 2}
          value={value}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy('duressEnding', true, error)}
        />
      </Field>
    </fieldset>
  );
}

/** On the receipt page, once: which ending makes the code for danger. */
export function DuressReminder({ t, ending }: { t: Translate; ending: string }) {
  return (
    <div class="notice" data-duress-reminder>
      <p>{t('help.duress.reminder')}</p>
      <p>
        {t('help.duress.ending')} <strong data-duress-ending>{ending}</strong>
      </p>
    </div>
  );
}

/**
 * What the team sees on a request or a case whose person used their code for danger: at the top,
 * before anything else, because it changes how anyone may contact them.
 */
export function CoercionFlag({ t, lang, at }: { t: Translate; lang: Lang; at: Date | null }) {
  if (!at) return null;
  return (
    <div class="notice coerced" role="alert" data-coerced={at.toISOString()}>
      <p>
        <strong>{t('duress.flag')}</strong>
      </p>
      <p>{t('duress.flag.explain')}</p>
      <p>
        {t('duress.flag.at')} <time datetime={at.toISOString()}>{formatDateTime(lang, at)}</time>
      </p>
    </div>
  );
}

/** The same flag as a tag, for a row of a list. */
export function CoercionTag({ t, at }: { t: Translate; at: Date | null }) {
  if (!at) return null;
  return (
    <>
      {' '}
      <strong class="tag urgent" data-coerced-tag>
        {t('duress.flag')}
      </strong>
    </>
  );
}
