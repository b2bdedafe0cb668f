import type { Child } from 'hono/jsx';
import type { Translate } from '../i18n/index.ts';
import type { Lang } from '../i18n/lang.ts';
import { LANGUAGE_NAMES } from '../i18n/lang.ts';
import { PublicBlock, PublicText } from '../web/public-text.tsx';
import { TableRegion } from '../web/table-region.tsx';
import { formatDay } from '../i18n/days.ts';
import { formatEuros } from './money.ts';
import { formatRfReference } from './rf-reference.ts';
import { PLEDGE_LISTS, type GiftForTreasurer, type PledgeList, type PledgeRow } from './read-pledges.ts';
import type { GiftState, ListedGift, OnlineState } from './gift-queries.ts';

type Props = { t: Translate; lang: Lang };

const stateText = (t: Translate, state: GiftState | OnlineState) => t(`treasury.state.${state}`);

/** How a gift was given: its RF reference for a transfer, the provider (and "monthly") for one paid online. */
function GivenBy({ t, gift }: { t: Translate; gift: ListedGift }) {
  if (gift.method === 'transfer') return <span class="phone">{formatRfReference(gift.rfReference)}</span>;
  return (
    <>
      {gift.method === 'mollie' ? 'Mollie' : 'Stripe'}
      {gift.monthly && <span class="meta"> · {t('treasury.online.monthly')}</span>}
    </>
  );
}

/** What names a gift for a screen reader's link text: its reference, or its day and amount. */
const giftName = (lang: Lang, gift: ListedGift) => (gift.method === 'transfer' ? formatRfReference(gift.rfReference) : `${formatDay(lang, gift.pledgedOn)}, ${formatEuros(gift.amountCents, lang)}`);

/** The treasurer's list of pledges: plain columns only; a donor is decrypted on the gift's own page. */
export function PledgesPage({ t, lang, list, page, rows, more, sharing }: Props & { list: PledgeList; page: number; rows: PledgeRow[]; more: boolean; sharing?: Child }) {
  const address = (to: PledgeList, at = 1) => `/staff/funding?list=${to}${at > 1 ? `&page=${at}` : ''}`;
  return (
    <>
      <h1>{t('treasury.title')}</h1>
      {sharing}
      <p>
        <a href="/staff/funding/statements">{t('treasury.statementsLink')}</a>
      </p>
      <p>
        <a href="/staff/funding/books">{t('books.link')}</a>
      </p>
      <nav aria-label={t('treasury.lists')}>
        <ul class="nav">
          {PLEDGE_LISTS.map((option) => (
            <li>
              <a href={address(option)} aria-current={option === list ? 'page' : undefined}>
                {t(`treasury.list.${option}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {rows.length === 0 ? (
        <p>{t('treasury.none')}</p>
      ) : (
        <TableRegion label={t(`treasury.list.${list}`)}>
          <table data-pledges={list}>
            <thead>
              <tr>
                <th scope="col">{list === 'online' ? t('treasury.col.started') : t('treasury.col.pledged')}</th>
                <th scope="col">{t('treasury.col.amount')}</th>
                <th scope="col">{t('treasury.col.purpose')}</th>
                <th scope="col">{list === 'online' ? t('treasury.col.provider') : t('treasury.col.reference')}</th>
                <th scope="col">{list === 'online' ? t('treasury.gift.state') : list === 'received' ? t('treasury.col.received') : t('treasury.col.expires')}</th>
                <th scope="col">{t('treasury.col.donor')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr data-gift={row.giftId} data-state={row.state}>
                  <td>{formatDay(lang, row.pledgedOn)}</td>
                  <td>{formatEuros(row.amountCents, lang)}</td>
                  <td>{t(`purpose.${row.purpose}`)}</td>
                  <td>
                    <GivenBy t={t} gift={row} />
                  </td>
                  <td>
                    {row.method === 'transfer'
                      ? formatDay(lang, list === 'received' && row.receivedOn ? row.receivedOn : row.expiresOn)
                      : `${stateText(t, row.state)}${row.receivedOn ? ` · ${formatDay(lang, row.receivedOn)}` : ''}`}
                  </td>
                  <td>
                    {row.hasDonor ? (
                      <a href={`/staff/funding/gifts/${row.giftId}`} aria-label={`${t('treasury.donor.show')}: ${giftName(lang, row)}`}>
                        {t('treasury.donor.show')}
                      </a>
                    ) : (
                      <span class="meta">{t('treasury.donor.none')}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      <p class="actions">
        {page > 1 && <a href={address(list, page - 1)}>{t('treasury.previous')}</a>}
        {more && <a href={address(list, page + 1)}>{t('treasury.next')}</a>}
      </p>
    </>
  );
}

/** One gift with its donor, as far as the treasurer's key opens it. */
export function GiftPage({ t, lang, found }: Props & { found: GiftForTreasurer }) {
  const { gift, donor } = found;
  return (
    <>
      <h1>
        {t('treasury.gift.title')} {gift.method === 'transfer' && <span class="phone">{formatRfReference(gift.rfReference)}</span>}
      </h1>
      <dl class="facts">
        <dt>{t('treasury.col.amount')}</dt>
        <dd>{formatEuros(gift.amountCents, lang)}</dd>
        <dt>{t('treasury.col.purpose')}</dt>
        <dd>{t(`purpose.${gift.purpose}`)}</dd>
        <dt>{gift.method === 'transfer' ? t('treasury.col.pledged') : t('treasury.col.started')}</dt>
        <dd>{formatDay(lang, gift.pledgedOn)}</dd>
        {gift.method === 'transfer' ? (
          <>
            <dt>{t('treasury.col.expires')}</dt>
            <dd>{formatDay(lang, gift.expiresOn)}</dd>
          </>
        ) : (
          <>
            <dt>{t('treasury.col.provider')}</dt>
            <dd>
              <GivenBy t={t} gift={gift} />
            </dd>
          </>
        )}
        <dt>{t('treasury.gift.state')}</dt>
        <dd data-state={gift.state}>
          {stateText(t, gift.state)}
          {gift.receivedOn && ` · ${formatDay(lang, gift.receivedOn)}`}
        </dd>
      </dl>
      <h2>{t('treasury.gift.donorTitle')}</h2>
      {donor === 'anonymous' && <p>{t('treasury.gift.anonymous')}</p>}
      {donor === 'locked' && <p class="notice">{t('treasury.gift.locked')}</p>}
      {donor === 'unverified' && <p class="error">{t('treasury.gift.unverified')}</p>}
      {typeof donor === 'object' && (
        <>
          <p class="meta">{t('treasury.gift.decrypted')}</p>
          <dl class="facts" data-donor>
            <dt>{t('treasury.gift.display')}</dt>
            <dd>{t(`treasury.gift.display.${donor.display}`)}</dd>
            <dt>{t('treasury.gift.name')}</dt>
            <dd>{donor.name ? <PublicText text={donor.name} /> : '—'}</dd>
            <dt>{t('treasury.gift.email')}</dt>
            <dd>{donor.email ? <PublicText text={donor.email} /> : '—'}</dd>
            <dt>{t('treasury.gift.receipt')}</dt>
            <dd>{donor.receipt ? t('treasury.yes') : t('treasury.no')}</dd>
            <dt>{t('treasury.gift.language')}</dt>
            <dd>{LANGUAGE_NAMES[donor.language]}</dd>
            <dt>{t('treasury.gift.message')}</dt>
            <dd>{donor.message ? <PublicBlock text={donor.message} /> : '—'}</dd>
          </dl>
        </>
      )}
      <p>
        <a href="/staff/funding">{t('treasury.back')}</a>
      </p>
    </>
  );
}
