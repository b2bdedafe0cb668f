import type { Translate } from '../i18n/index.ts';
import { formatDateTime, type Lang } from '../i18n/index.ts';
import { Field } from '../web/forms.tsx';
import type { PersonView } from './person-access.ts';

type Props = { t: Translate; lang: Lang };

export function ReceiptForm({ t, lang, error, typed }: Props & { error?: string; typed?: string }) {
  return (
    <>
      <h1>{t('status.title')}</h1>
      <p>{t('status.intro')}</p>
      <form method="post" action={`/${lang}/help/status`}>
        <input type="hidden" name="action" value="open" />
        <Field name="receipt" label={t('status.receipt')} hint={t('status.receipt.hint')} error={error}>
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

export function StatusPage({ t, lang, view, receipt, notice, error, replyWithinHours }: Props & { view: PersonView; receipt: string; notice?: string; error?: string; replyWithinHours: number }) {
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
                {message.author === 'staff' ? t('status.team') : t('status.you')} · {formatDateTime(lang, message.at)}
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
        <Field name="body" label={t('status.write')}>
          <textarea id="body" name="body" rows={5}></textarea>
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
