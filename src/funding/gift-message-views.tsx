import type { Child } from 'hono/jsx';
import type { Translate } from '../i18n/index.ts';
import type { Lang } from '../i18n/lang.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { PublicBlock, PublicText } from '../web/public-text.tsx';
import { formatDay } from '../i18n/days.ts';
import type { WaitingMessage } from './gift-messages.ts';

/** The editors' queue of donors' public messages: each shown as it would be published, with its two buttons. */
export function GiftMessagesPage({ t, lang, staff, messages, notice, sharing }: { t: Translate; lang: Lang; staff: StaffSession; messages: WaitingMessage[]; notice?: string; sharing?: Child }) {
  return (
    <>
      <h1>{t('giftMessages.title')}</h1>
      <p>{t('giftMessages.intro')}</p>
      {notice && (
        <p class="ok" role="status">
          {notice}
        </p>
      )}
      {sharing}
      {messages.length === 0 && <p>{t('giftMessages.none')}</p>}
      {messages.map((message) => (
        <article class="card" data-message={message.id}>
          <p class="meta">
            {t('giftMessages.submitted')} {formatDay(lang, message.submittedOn)} · {t('giftMessages.gift')}: {t(`treasury.state.${message.giftState}`)}
          </p>
          {message.content === 'locked' && <p class="notice">{t('giftMessages.locked')}</p>}
          {message.content === 'unverified' && <p class="error">{t('giftMessages.unverified')}</p>}
          {typeof message.content === 'object' && (
            <>
              <p>
                <strong>{t('giftMessages.from')}:</strong> {message.content.name ? <PublicText text={message.content.name} /> : t('giftMessages.anonymous')}
              </p>
              <PublicBlock text={message.content.message} />
              <div class="actions">
                <form method="post" action={`/staff/gift-messages/${message.id}/decide`} class="inline">
                  <Csrf staff={staff} />
                  <input type="hidden" name="decision" value="approve" />
                  <button type="submit">{t('giftMessages.approve')}</button>
                </form>
                <form method="post" action={`/staff/gift-messages/${message.id}/decide`} class="inline">
                  <Csrf staff={staff} />
                  <input type="hidden" name="decision" value="reject" />
                  <button type="submit" class="secondary">
                    {t('giftMessages.reject')}
                  </button>
                </form>
              </div>
            </>
          )}
        </article>
      ))}
    </>
  );
}
