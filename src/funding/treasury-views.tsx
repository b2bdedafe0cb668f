import type { Translate } from '../i18n/index.ts';
import type { Lang } from '../i18n/lang.ts';
import { LANGUAGE_NAMES } from '../i18n/lang.ts';
import { PublicBlock, PublicText } from '../web/public-text.tsx';
import { TableRegion } from '../web/table-region.tsx';
import { formatDay } from '../cases/tracks-format.tsx';
import { formatEuros } from './money.ts';
import { formatRfReference } from './rf-reference.ts';
import { PLEDGE_LISTS, type GiftForTreasurer, type PledgeList, type PledgeRow } from './read-pledges.ts';
import type { GiftState } from './gift-queries.ts';

type Props = { t: Translate; lang: Lang };

const stateText = (t: Translate, state: GiftState) => t(`treasury.state.${state}`);

/** The treasurer's list of pledges: plain columns only; a donor is decrypted on the gift's own page. */
export function PledgesPage({ t, lang, list, page, rows, more }: Props & { list: PledgeList; page: number; rows: PledgeRow[]; more: boolean }) {
  const address = (to: PledgeList, at = 1) => `/staff/funding?list=${to}${at > 1 ? `&page=${at}` : ''}`;
  return (
    <>
      <h1>{t('treasury.title')}</h1>
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
                <th scope="col">{t('treasury.col.pledged')}</th>
                <th scope="col">{t('treasury.col.amount')}</th>
                <th scope="col">{t('treasury.col.purpose')}</th>
                <th scope="col">{t('treasury.col.reference')}</th>
                <th scope="col">{list === 'received' ? t('treasury.col.received') : t('treasury.col.expires')}</th>
                <th scope="col">{t('treasury.col.donor')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr data-gift={row.giftId}>
                  <td>{formatDay(lang, row.pledgedOn)}</td>
                  <td>{formatEuros(row.amountCents, lang)}</td>
                  <td>{t(`purpose.${row.purpose}`)}</td>
                  <td class="phone">{formatRfReference(row.rfReference)}</td>
                  <td>{formatDay(lang, list === 'received' && row.receivedOn ? row.receivedOn : row.expiresOn)}</td>
                  <td>
                    {row.hasDonor ? (
                      <a href={`/staff/funding/gifts/${row.giftId}`} aria-label={`${t('treasury.donor.show')}: ${formatRfReference(row.rfReference)}`}>
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
        {t('treasury.gift.title')} <span class="phone">{formatRfReference(gift.rfReference)}</span>
      </h1>
      <dl class="facts">
        <dt>{t('treasury.col.amount')}</dt>
        <dd>{formatEuros(gift.amountCents, lang)}</dd>
        <dt>{t('treasury.col.purpose')}</dt>
        <dd>{t(`purpose.${gift.purpose}`)}</dd>
        <dt>{t('treasury.col.pledged')}</dt>
        <dd>{formatDay(lang, gift.pledgedOn)}</dd>
        <dt>{t('treasury.col.expires')}</dt>
        <dd>{formatDay(lang, gift.expiresOn)}</dd>
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
