import type { Child } from 'hono/jsx';
import type { Translate } from '../i18n/index.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Giving } from '../config.ts';
import { ErrorSummary, Field, describedBy, textOf, type FormState } from '../web/forms.tsx';
import { formatDay } from '../i18n/days.ts';
import { formatEuros } from './money.ts';
import { PURPOSES } from './purposes.ts';
import { DISPLAYS } from './gift-content.ts';
import { presetsFor, type GiveFields } from './give-form.ts';
import { formatRfReference } from './rf-reference.ts';
import { formatIban } from './iban.ts';
import { formatGiftCode } from './gift-code.ts';
import type { GiftByCode } from './gift-queries.ts';
import type { Pledge } from './pledge-gift.ts';

type Props = { t: Translate; lang: Lang };

export function GivingClosed({ t, lang }: Props) {
  return (
    <>
      <h1>{t('give.closed.title')}</h1>
      <p>{t('give.closed')}</p>
      <p>
        <a href={`/${lang}/`}>{t('web.error.back')}</a>
      </p>
    </>
  );
}

export function Choice(props: { name: GiveFields; value: string; checked: boolean; label: string; hint?: string; describedBy?: string }) {
  const id = `${props.name}-${props.value}`;
  return (
    <div class="choice">
      <input type="radio" id={id} name={props.name} value={props.value} checked={props.checked} aria-describedby={[props.hint ? `${id}-hint` : '', props.describedBy ?? ''].filter(Boolean).join(' ') || undefined} />
      <label for={id}>
        {props.label}
        {props.hint && (
          <span class="hint" id={`${id}-hint`}>
            {props.hint}
          </span>
        )}
      </label>
    </div>
  );
}

/** A fieldset of choices whose error sits under its legend and is named by each choice. */
export function ChoiceGroup(props: { name: GiveFields; legend: string; error?: string; children: unknown }) {
  return (
    <fieldset id={props.name} aria-describedby={props.error ? `${props.name}-error` : undefined}>
      <legend>{props.legend}</legend>
      {props.error && (
        <p class="error" id={`${props.name}-error`}>
          {props.error}
        </p>
      )}
      {props.children}
    </fieldset>
  );
}

function TextField(props: { name: GiveFields; label: string; hint?: string; form: FormState<GiveFields>; type?: 'text' | 'email'; multiline?: boolean; inputmode?: "decimal" | "email" | "text"; autocomplete?: string }) {
  const error = props.form.errors[props.name];
  const common = { id: props.name, name: props.name, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': describedBy(props.name, Boolean(props.hint), error) };
  const value = textOf(props.form.values[props.name]);
  return (
    <Field name={props.name} label={props.label} hint={props.hint} error={error}>
      {props.multiline ? (
        <textarea {...common} rows={4}>
          {value}
        </textarea>
      ) : (
        <input {...common} type={props.type ?? 'text'} value={value} inputmode={props.inputmode} autocomplete={props.autocomplete} />
      )}
    </Field>
  );
}

/**
 * The Give form. Bank transfer, once; with a payment provider configured also online, once or
 * monthly (`payChoices`, src/funding/payment-views.tsx). `formKey` makes a repeated post of this
 * very form one pledge.
 */
export function GiveFormPage({ t, lang, giving, form, formKey, problem, payChoices }: Props & { giving: Giving; form: FormState<GiveFields>; formKey: string; problem?: string; payChoices?: Child }) {
  const value = (name: GiveFields) => textOf(form.values[name]);
  const presets = presetsFor(giving);
  const preset = value('preset') || (value('amount') ? '' : String(presets[1] ?? presets[0] ?? ''));
  const purpose = value('purpose') || 'general';
  const display = value('display') || 'anonymous';
  const { key: keyError, ...fieldErrors } = form.errors;
  return (
    <>
      <h1>{t('give.title')}</h1>
      <p>{t('give.intro')}</p>
      <p>{giving.online ? t(giving.bank ? 'pay.intro.both' : 'pay.intro.online') : t('give.transferOnly')}</p>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      {keyError && (
        <p class="error" role="alert">
          {keyError}
        </p>
      )}
      <ErrorSummary errors={fieldErrors} title={t('web.formErrors')} />
      <form method="post" action={`/${lang}/give`} novalidate>
        <input type="hidden" name="key" value={formKey} />
        <ChoiceGroup name="preset" legend={t('give.amount')} error={form.errors.preset}>
          {presets.map((cents) => (
            <Choice name="preset" value={String(cents)} checked={preset === String(cents)} label={formatEuros(cents, lang)} describedBy={form.errors.amount ? 'amount-error' : undefined} />
          ))}
          <TextField
            name="amount"
            label={t('give.amount.other')}
            hint={`${t('give.amount.otherHint')} ${formatEuros(giving.minCents, lang)} – ${formatEuros(giving.maxCents, lang)}.`}
            form={form}
            inputmode="decimal"
            autocomplete="off"
          />
        </ChoiceGroup>
        <ChoiceGroup name="purpose" legend={t('give.purpose')} error={form.errors.purpose}>
          {['general' as const, ...PURPOSES.filter((p) => p !== 'general')].map((option) => (
            <Choice name="purpose" value={option} checked={purpose === option} label={t(`purpose.${option}`)} describedBy={form.errors.purpose ? 'purpose-error' : undefined} />
          ))}
        </ChoiceGroup>
        {payChoices}
        <ChoiceGroup name="display" legend={t('give.display')} error={form.errors.display}>
          {DISPLAYS.map((option) => (
            <Choice name="display" value={option} checked={display === option} label={t(`give.display.${option}`)} hint={t(`give.display.${option}Hint`)} describedBy={form.errors.display ? 'display-error' : undefined} />
          ))}
        </ChoiceGroup>
        <TextField name="name" label={t('give.name')} hint={t('give.name.hint')} form={form} autocomplete="name" />
        <TextField name="email" label={t('give.email')} hint={t(giving.receipts ? 'give.email.hint' : 'give.email.hintNoReceipt')} form={form} type="email" autocomplete="email" />
        {giving.receipts && (
          <div class="field">
            {form.errors.receipt && (
              <p class="error" id="receipt-error">
                {form.errors.receipt}
              </p>
            )}
            <div class="choice">
              <input type="checkbox" id="receipt" name="receipt" value="yes" checked={value('receipt') === 'yes'} aria-describedby={form.errors.receipt ? 'receipt-error' : undefined} />
              <label for="receipt">{t('give.receipt')}</label>
            </div>
          </div>
        )}
        <TextField name="message" label={t('give.message')} hint={t('give.message.hint')} form={form} multiline />
        <p class="actions">
          <button type="submit">{giving.online ? t('pay.submit') : t('give.submit')}</button>
        </p>
      </form>
      <p>
        <a href={`/${lang}/give/gift`}>{t('give.giftLink')}</a>
      </p>
      {giving.receipts && (
        <p>
          <a href={`/${lang}/give/statement`}>{t('donor.statementPage.title')}</a>
        </p>
      )}
    </>
  );
}

/** Groups of four that never break inside, only between: an IBAN or a reference on a 320 px screen. */
function Groups({ text }: { text: string }) {
  return (
    <>
      {text.split(' ').map((group, index) => (
        <>
          {index > 0 && ' '}
          <span class="phone">{group}</span>
        </>
      ))}
    </>
  );
}

/**
 * What to transfer: the account, the amount, the RF reference and the day it is open until, the
 * EPC QR code (SVG made by our server, with its text alternative), and the donor's gift code.
 */
export function PledgePage({ t, lang, bank, pledge, qr }: Props & { bank: NonNullable<Giving['bank']>; pledge: Pledge; qr: string }) {
  return (
    <>
      <h1>{t('give.pledge.title')}</h1>
      {pledge.repeated && (
        <p class="notice" role="status">
          {t('give.pledge.repeated')}
        </p>
      )}
      <p>{t('give.pledge.intro')}</p>
      <dl class="facts" data-pledge>
        <dt>{t('give.pledge.name')}</dt>
        <dd>{bank.name}</dd>
        <dt>{t('give.pledge.iban')}</dt>
        <dd data-iban>
          <Groups text={formatIban(bank.iban)} />
        </dd>
        {bank.bic && (
          <>
            <dt>{t('give.pledge.bic')}</dt>
            <dd>{bank.bic}</dd>
          </>
        )}
        <dt>{t('give.pledge.amount')}</dt>
        <dd data-amount>{formatEuros(pledge.amountCents, lang)}</dd>
        <dt>{t('give.pledge.reference')}</dt>
        <dd>
          <strong data-rf>
            <Groups text={formatRfReference(pledge.rfReference)} />
          </strong>
          <span class="hint">{t('give.pledge.referenceHint')}</span>
        </dd>
        <dt>{t('give.pledge.purpose')}</dt>
        <dd>{t(`purpose.${pledge.purpose}`)}</dd>
        <dt>{t('give.pledge.expires')}</dt>
        <dd data-expires={pledge.expiresOn}>
          {formatDay(lang, pledge.expiresOn)}
          <span class="hint">{t('give.pledge.late')}</span>
        </dd>
      </dl>
      <h2>{t('give.pledge.qrTitle')}</h2>
      <figure class="qr">
        <div dangerouslySetInnerHTML={{ __html: qr }} />
        <figcaption class="hint">{t('give.pledge.qrText')}</figcaption>
      </figure>
      <h2>{t('give.pledge.codeTitle')}</h2>
      <p>{t('give.pledge.code')}</p>
      <p class="receipt" data-gift-code>
        {formatGiftCode(pledge.code).map((group) => (
          <>
            <span class="group">{group}</span>{' '}
          </>
        ))}
      </p>
      <p>
        <a href={`/${lang}/give/gift`}>{t('give.pledge.codeLink')}</a>
      </p>
    </>
  );
}

export function GiftCodeForm({ t, lang, error, typed }: Props & { error?: string; typed?: string }) {
  return (
    <>
      <h1>{t('give.gift.title')}</h1>
      <p>{t('give.gift.intro')}</p>
      {error && (
        <p class="error" role="alert" id="code-error">
          {error}
        </p>
      )}
      <form method="post" action={`/${lang}/give/gift`} autocomplete="off" novalidate>
        <label for="code">
          {t('give.gift.code')}
          <span class="hint" id="code-hint">
            {t('give.gift.codeHint')}
          </span>
        </label>
        <input
          type="text"
          id="code"
          name="code"
          value={typed ?? ''}
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'code-hint code-error' : 'code-hint'}
        />
        <p class="actions">
          <button type="submit">{t('give.gift.submit')}</button>
        </p>
      </form>
    </>
  );
}

/** A gift as its code shows it: amount, purpose, state and days; no name, no e-mail. */
export function GiftStatePage({ t, lang, gift }: Props & { gift: GiftByCode }) {
  return (
    <>
      <h1>{t('give.gift.title')}</h1>
      <dl class="facts" data-gift-state={gift.state}>
        <dt>{t('give.gift.amount')}</dt>
        <dd>{formatEuros(gift.amountCents, lang)}</dd>
        <dt>{t('give.gift.purpose')}</dt>
        <dd>{t(`purpose.${gift.purpose}`)}</dd>
        <dt>{t('give.gift.state')}</dt>
        <dd>
          {gift.state === 'received' && gift.receivedOn && (
            <>
              {t('give.gift.received')} {formatDay(lang, gift.receivedOn)}. <span class="ok">{t('give.gift.receivedThanks')}</span>
            </>
          )}
          {gift.state === 'pledged' && !gift.expiresOn && t('pay.gift.waiting')}
          {gift.state === 'pledged' && gift.expiresOn && (
            <>
              {t('give.gift.pledged')} {formatDay(lang, gift.expiresOn)}.
            </>
          )}
          {gift.state === 'expired' && gift.expiresOn && (
            <>
              {t('give.gift.expired')} {formatDay(lang, gift.expiresOn)}. {t('give.gift.expiredLate')}
            </>
          )}
        </dd>
      </dl>
      <p>
        <a href={`/${lang}/give/gift`}>{t('give.gift.again')}</a>
      </p>
    </>
  );
}
