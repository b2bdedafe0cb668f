import type { Context } from 'hono';
import { formatDateTime } from '../i18n/index.ts';
import { dbOf, type AppEnv } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { PublicBlock, PublicText } from '../web/public-text.tsx';
import { staffOf } from '../auth/access.ts';
import { displayNames } from '../auth/users.ts';
import type { Referral } from './refer-case.ts';

const NOTICES = { recorded: 'directory.referred', ended: 'directory.referral.endedNotice' } as const;

/**
 * The case page's referrals: to whom the person was referred, by whom and when, and the way to
 * the directory (already filtered to psychologists who speak the person's language). Only for who
 * reads the case's core (the page read `opened` with the core it opened); nothing for anyone else.
 */
export async function referralsSection(c: Context<AppEnv>, caseId: string, opened: { language: string; referrals: Referral[] } | null) {
  const t = c.get('t');
  const lang = c.get('lang');
  const me = staffOf(c);
  if (!opened) return null;
  const names = await displayNames(dbOf(c), [...new Set(opened.referrals.map((referral) => referral.referredBy))]);
  const base = `/staff/cases/${caseId}`;
  const notice = NOTICES[c.req.query('referral') as keyof typeof NOTICES];
  return (
    <section data-referrals id="referrals">
      <h2>{t('directory.referrals')}</h2>
      {notice && (
        <p class="ok" role="status">
          {t(notice)}
        </p>
      )}
      {opened.referrals.length === 0 ? (
        <p class="meta">{t('directory.referrals.none')}</p>
      ) : (
        <ul class="thread">
          {opened.referrals.map((referral) => (
            <li data-referral={referral.id}>
              <strong>
                <PublicText text={referral.entryName} />
              </strong>{' '}
              · {t(`directory.kind.${referral.entryKind}`)}
              <span class="meta">
                {' '}
                · <PublicText text={names.get(referral.referredBy) ?? '—'} /> · {formatDateTime(lang, referral.at)}
                {referral.endedAt && <> · {t('directory.referral.ended', { when: formatDateTime(lang, referral.endedAt) })}</>}
              </span>
              {referral.note && (referral.note.ok ? <PublicBlock text={referral.note.text} /> : <p class="error">{t('directory.contact.unverified')}</p>)}
              {!referral.endedAt && (
                <form method="post" action={`${base}/referrals/${referral.id}/end`} class="inline">
                  <Csrf staff={me} />
                  <button type="submit" class="secondary">
                    {t('directory.referral.end')}
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href={`/staff/directory?case=${caseId}`}>{t('directory.referrals.find')}</a> ·{' '}
        <a href={`/staff/directory?case=${caseId}&kind=psychologist&language=${opened.language}`} data-find-psych>
          {t('directory.referrals.findPsych')}
        </a>
      </p>
    </section>
  );
}
