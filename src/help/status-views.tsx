import type { Translate } from '../i18n/index.ts';
import { relativeTime, type Lang } from '../i18n/index.ts';
import { Field } from '../web/forms.tsx';
import type { PersonView } from './person-access.ts';
import { RECEIPT_DIGITS } from './receipt.ts';
import { MESSAGE_LIMIT } from './help-form.ts';

type Props = { t: Translate; lang: Lang };

export function ReceiptForm({ t, lang, error, typed }: Props & { error?: string; typed?: string }) {
  return (
    <>
      <h1>{t('status.title')}</h1>
      <p>{t('status.intro')}</p>
      <form method="post" action={`/${lang}/help/status`}>
        <input type="hidden" name="action" value="open" />
        <Field name="receipt" label={t('status.receipt')} hint={t('status.receipt.hint', { count: RECEIPT_DIGITS })} error={error}>
          <input
            id="receipt"
            name="receipt"
            type="text"
            inputmode="numeric"
            autocomplete="off"
            spellcheck={false}
            value={typed ?? ''}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'receipt-hint receipt-error' : 'receipt-hint'}
          />
        </Field>
        <div class="actions">
          <button type="submit">{t('status.open')}</button>
        </div>
      </form>
    </>
  );
}

/** Forms on the status page carry the receipt in a hidden field: no cookie, nothing in the address. */
function ReceiptField({ receipt }: { receipt: string }) {
  return <input type="hidden" name="receipt" value={receipt} />;
}

type StatusProps = Props & {
  view: PersonView;
  receipt: string;
  /** A new one-time token for the write form: posting that form again adds nothing. */
  writeToken: string;
  notice?: string;
  error?: string;
  /** What the person wrote when it was refused (too long): kept, never thrown away. */
  draft?: string;
  replyWithinHours: number;
  now: Date;
};

/**
 * The conversation from the person's side. Times are relative ("2 hours ago"): the server does
 * not know the person's time zone and must not ask, and a relative time is true in every zone.
 */
export function StatusPage({ t, lang, view, receipt, writeToken, notice, error, draft, replyWithinHours, now }: StatusProps) {
  const action = `/${lang}/help/status`;
  return (
    <>
      <h1>{t('status.title')}</h1>
      {notice && (
        <p class="ok" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p>
        <strong>{t('status.state')}:</strong> <span data-status={view.status}>{t(`status.state.${view.status}`)}</span>
      </p>
      {view.erasureRequested && <p class="notice">{t('status.eraseRequested')}</p>}
      <h2>{t('status.conversation')}</h2>
      {view.messages.length === 0 ? (
        <p>{t('status.none', { hours: replyWithinHours })}</p>
      ) : (
        <ul class="thread">
          {view.messages.map((message) => (
            <li class={message.author === 'staff' ? 'staff-msg' : ''}>
              <span class="meta">
                {message.author === 'staff' ? t('status.team') : t('status.you')} · <time datetime={message.at.toISOString()}>{relativeTime(lang, message.at, now)}</time>
              </span>
              <br />
              {message.body ?? <em>{t('status.unverified')}</em>}
            </li>
          ))}
        </ul>
      )}
      <form method="post" action={action}>
        <ReceiptField receipt={receipt} />
        <input type="hidden" name="action" value="write" />
        <input type="hidden" name="token" value={writeToken} />
        <Field name="body" label={t('status.write')} hint={t('help.limit', { max: MESSAGE_LIMIT })}>
          <textarea id="body" name="body" rows={5} autocomplete="off" aria-describedby="body-hint">
            {draft ?? ''}
          </textarea>
        </Field>
        <div class="actions">
          <button type="submit">{t('status.send')}</button>
        </div>
      </form>
      <h2>{t('status.manage')}</h2>
      <ConfirmForm t={t} action={action} receipt={receipt} kind="hide" explain={t('status.hide.explain')} submit={t('status.hide')} />
      <ConfirmForm t={t} action={action} receipt={receipt} kind="erase" explain={t('status.erase.explain')} submit={t('status.erase')} />
    </>
  );
}

function ConfirmForm(props: { t: Translate; action: string; receipt: string; kind: 'hide' | 'erase'; explain: string; submit: string }) {
  const id = `confirm-${props.kind}`;
  return (
    <form method="post" action={props.action} class="card">
      <ReceiptField receipt={props.receipt} />
      <input type="hidden" name="action" value={props.kind} />
      <p>{props.explain}</p>
      <div class="choice">
        <input type="checkbox" id={id} name="confirm" value="yes" required />
        <label for={id}>{props.t('status.confirm')}</label>
      </div>
      <button type="submit" class="danger">
        {props.submit}
      </button>
    </form>
  );
}
