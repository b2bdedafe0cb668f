import type { Child } from 'hono/jsx';
import type { Config } from '../config.ts';
import { translator } from '../i18n/index.ts';
import type { Lang } from '../i18n/lang.ts';
import { formatDay } from '../i18n/days.ts';
import type { OutgoingMail } from '../notify/mailer.ts';
import { formatEuros } from './money.ts';
import type { Purpose } from './purposes.ts';

/** What the thank-you says about the gift: nothing a treasurer's vault holds, only the books' facts. */
export type ThankedGift = { amountCents: bigint; purpose: Purpose; receivedOn: string; receipt: string; monthly: boolean };

export const statementPath = (lang: Lang) => `/${lang}/give/statement`;

/**
 * The thank-you and receipt, in the donor's language: plain text, and the same as simple HTML
 * (escaped by hono/jsx, no remote images, no styles from elsewhere). A monthly gift's manage link
 * is in it; nothing else that could tell a reader of the inbox more than the gift itself.
 */
export function thanksMail(config: Pick<Config, 'publicUrl' | 'orgName'>, gift: ThankedGift, to: string, lang: Lang, manageToken: string | null): OutgoingMail {
  const t = translator(lang);
  const org = config.orgName;
  const manage = gift.monthly && manageToken ? new URL(`/${lang}/give/monthly/${manageToken}`, config.publicUrl).href : null;
  const statement = new URL(statementPath(lang), config.publicUrl).href;
  const facts: [string, string][] = [
    [t('donor.thanks.receipt'), gift.receipt],
    [t('donor.thanks.amount'), formatEuros(gift.amountCents, lang)],
    [t('donor.thanks.purpose'), t(`purpose.${gift.purpose}`)],
    [t('donor.thanks.received'), formatDay(lang, gift.receivedOn)],
    [t('donor.thanks.recipient'), org],
  ];
  const text = [
    t('donor.thanks.title'),
    t('donor.thanks.intro', { org }),
    facts.map(([label, value]) => `${label}: ${value}`).join('\n'),
    manage ? `${t('donor.thanks.monthly')}\n${manage}\n${t('donor.thanks.monthlyKeep')}` : null,
    `${t('donor.thanks.statement')}\n${statement}`,
    t('donor.thanks.why'),
    t('donor.thanks.closing', { org }),
  ]
    .filter((part) => part !== null)
    .join('\n\n');
  const html: Child = (
    <html lang={lang}>
      <body>
        <h1>{t('donor.thanks.title')}</h1>
        <p>{t('donor.thanks.intro', { org })}</p>
        <table>
          {facts.map(([label, value]) => (
            <tr>
              <th scope="row" align="left">
                {label}
              </th>
              <td>{value}</td>
            </tr>
          ))}
        </table>
        {manage && (
          <p>
            {t('donor.thanks.monthly')} <a href={manage}>{manage}</a>
            <br />
            {t('donor.thanks.monthlyKeep')}
          </p>
        )}
        <p>
          {t('donor.thanks.statement')} <a href={statement}>{statement}</a>
        </p>
        <p>{t('donor.thanks.why')}</p>
        <p style="white-space: pre-line">{t('donor.thanks.closing', { org })}</p>
      </body>
    </html>
  );
  return { to, subject: t('donor.thanks.subject', { receipt: gift.receipt, org }), text, html: `<!DOCTYPE html>${html.toString()}` };
}
