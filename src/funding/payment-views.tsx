import type { Translate } from '../i18n/index.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Giving } from '../config.ts';
import type { FormState } from '../web/forms.tsx';
import { textOf } from '../web/forms.tsx';
import { formatDay } from '../i18n/days.ts';
import { formatEuros } from './money.ts';
import { formatGiftCode } from './gift-code.ts';
import { Choice, ChoiceGroup } from './give-views.tsx';
import type { GiveFields } from './give-form.ts';
import type { Provider } from './payment-config.ts';
import type { ReturnView } from './online-gift-return.ts';
import type { MonthlyGift } from './monthly-gifts.ts';
import { cancelFormToken } from './online-gift-tokens.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';

type Props = { t: Translate; lang: Lang };

export const providerName = (provider: Provider) => (provider === 'mollie' ? 'Mollie' : 'Stripe');

/**
 * The Give form's choices when a provider is configured: once or every month, and (when bank
 * transfer is open too) how to pay. Monthly gifts are paid online only.
 */
export function PayChoices({ t, giving, form }: Props & { giving: Giving; form: FormState<GiveFields> }) {
  const online = giving.online;
  if (!online) return null;
  const frequency = textOf(form.values.frequency) || 'once';
  const way = textOf(form.values.way) || 'online';
  const provider = providerName(online.offered);
  return (
    <>
      <ChoiceGroup name="frequency" legend={t('pay.frequency')} error={form.errors.frequency}>
        <Choice name="frequency" value="once" checked={frequency !== 'monthly'} label={t('pay.frequency.once')} describedBy={form.errors.frequency ? 'frequency-error' : undefined} />
        <Choice name="frequency" value="monthly" checked={frequency === 'monthly'} label={t('pay.frequency.monthly')} hint={t('pay.frequency.monthlyHint')} describedBy={form.errors.frequency ? 'frequency-error' : undefined} />
      </ChoiceGroup>
      {giving.bank && (
        <ChoiceGroup name="way" legend={t('pay.way')} error={form.errors.way}>
          <Choice name="way" value="online" checked={way !== 'transfer'} label={t('pay.way.online')} hint={t('pay.way.onlineHint', { provider })} describedBy={form.errors.way ? 'way-error' : undefined} />
          <Choice name="way" value="transfer" checked={way === 'transfer'} label={t('pay.way.transfer')} hint={t('pay.way.transferHint')} describedBy={form.errors.way ? 'way-error' : undefined} />
        </ChoiceGroup>
      )}
      {!giving.bank && <p class="hint">{t('pay.way.onlineHint', { provider })}</p>}
    </>
  );
}

/**
 * The step to the provider's page: a plain link, not a redirect of the form's post (the page's
 * policy lets forms post to this site only, and a browser holds a redirect of a post to that too).
 */
export function GoToProvider({ t, lang, provider, checkoutUrl }: Props & { provider: Provider; checkoutUrl: string }) {
  const name = providerName(provider);
  return (
    <>
      <h1>{t('pay.go.title')}</h1>
      <p>{t('pay.go.intro', { provider: name })}</p>
      <p>{t('pay.way.onlineHint', { provider: name })}</p>
      <p>{t('pay.go.back')}</p>
      <p class="actions">
        <a class="button" href={checkoutUrl} data-checkout rel="noreferrer">
          {t('pay.go.button', { provider: name })}
        </a>
      </p>
      <p>
        <a href={`/${lang}/give`}>{t('pay.go.change')}</a>
      </p>
    </>
  );
}

function Code({ code }: { code: string }) {
  return (
    <p class="receipt" data-gift-code>
      {formatGiftCode(code).map((group) => (
        <>
          <span class="group">{group}</span>{' '}
        </>
      ))}
    </p>
  );
}

/** The way back from the provider: waiting (honestly), not paid, or booked with the code (and a monthly gift's link). */
export function ReturnPage({ t, lang, view, here, manageUrl }: Props & { view: ReturnView; here: string; manageUrl: (token: string) => string }) {
  const provider = providerName(view.provider);
  return (
    <>
      <h1>{t('pay.return.title')}</h1>
      <dl class="facts" data-return-state={view.state}>
        <dt>{t('pay.return.amount')}</dt>
        <dd>
          {formatEuros(view.amountCents, lang)}
          {view.monthly && <> · {t('pay.return.monthly')}</>}
        </dd>
        <dt>{t('pay.return.purpose')}</dt>
        <dd>{t(`purpose.${view.purpose}`)}</dd>
      </dl>
      {view.state === 'waiting' && (
        <>
          <p class="notice" role="status">
            {t('pay.return.waiting', { provider })}
          </p>
          <p>
            <a class="button" href={here}>
              {t('pay.return.check')}
            </a>
          </p>
        </>
      )}
      {view.state === 'failed' && (
        <>
          <p class="notice" role="status">
            {t('pay.return.failed', { provider })}
          </p>
          <p>
            <a class="button" href={`/${lang}/give`}>
              {t('pay.return.again')}
            </a>
          </p>
        </>
      )}
      {view.state === 'received' && (
        <>
          <p class="ok" role="status">
            {t('pay.return.received')}
          </p>
          {view.shown ? (
            <>
              <h2>{t('pay.return.codeTitle')}</h2>
              <p>{t('pay.return.code')}</p>
              <Code code={view.shown.code} />
              {view.shown.manage && (
                <>
                  <h2>{t('pay.return.manageTitle')}</h2>
                  <p>{t('pay.return.manage')}</p>
                  <p class="receipt">
                    <a href={manageUrl(view.shown.manage)} data-manage-link>
                      {manageUrl(view.shown.manage)}
                    </a>
                  </p>
                </>
              )}
            </>
          ) : (
            <p>{t('pay.return.gone')}</p>
          )}
          <p>
            <a href={`/${lang}/give/gift`}>{t('give.pledge.codeLink')}</a>
          </p>
        </>
      )}
    </>
  );
}

/** A monthly gift as its manage link shows it, with the button that stops it. */
export function MonthlyPage({ t, lang, gift, token, problem }: Props & { gift: MonthlyGift; token: string; problem?: string }) {
  return (
    <>
      <h1>{t('pay.monthly.title')}</h1>
      {problem && (
        <p class="error" role="alert">
          {problem}
        </p>
      )}
      <dl class="facts" data-monthly-state={gift.state}>
        <dt>{t('pay.monthly.amount')}</dt>
        <dd>{formatEuros(gift.amountCents, lang)}</dd>
        <dt>{t('pay.monthly.purpose')}</dt>
        <dd>{t(`purpose.${gift.purpose}`)}</dd>
        <dt>{t('pay.monthly.since')}</dt>
        <dd>{formatDay(lang, gift.startedOn)}</dd>
        <dt>{t('pay.monthly.state')}</dt>
        <dd>
          {gift.state === 'starting' && t('pay.monthly.starting')}
          {gift.state === 'active' && t('pay.monthly.active')}
          {gift.state === 'cancelled' && gift.cancelledOn && t('pay.monthly.cancelled', { day: formatDay(lang, gift.cancelledOn) })}{' '}
          {t('pay.monthly.paid', { n: gift.monthsPaid })}.
        </dd>
      </dl>
      {gift.state !== 'cancelled' && (
        <form method="post" action={`/${lang}/give/monthly/cancel`}>
          <input type="hidden" name="token" value={token} />
          <input type="hidden" name="check" value={cancelFormToken(token)} />
          <p class="hint" id="cancel-hint">
            {t('pay.monthly.cancelHint')}
          </p>
          <p class="actions">
            <button type="submit" class="danger" aria-describedby="cancel-hint">
              {t('pay.monthly.cancel')}
            </button>
          </p>
        </form>
      )}
    </>
  );
}

/**
 * On the treasurer's page: payment notifications that failed (Beside tries them again itself) and
 * those given up, with one button that tries the given-up ones again. Not shown when all is well.
 */
export function DeliveriesNotice({ t, staff, counts }: Props & { staff: StaffSession; counts: { failing: number; givenUp: number } }) {
  if (counts.failing === 0 && counts.givenUp === 0) return null;
  return (
    <section class="notice" data-payment-deliveries role="status">
      {counts.failing > 0 && <p>{t('pay.deliveries.failing', { n: counts.failing })}</p>}
      {counts.givenUp > 0 && (
        <form method="post" action="/staff/funding/deliveries/retry">
          <p>{t('pay.deliveries.givenUp', { n: counts.givenUp })}</p>
          <Csrf staff={staff} />
          <button type="submit" class="secondary">
            {t('pay.deliveries.retry')}
          </button>
        </form>
      )}
    </section>
  );
}
