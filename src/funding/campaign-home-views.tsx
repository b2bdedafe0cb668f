import type { Translate } from '../i18n/index.ts';
import type { Lang } from '../i18n/lang.ts';
import { paragraphsOf } from './campaign-content.ts';
import type { CampaignHome } from './campaign-home.ts';
import { formatEuros } from './money.ts';
import { PublicBlock, PublicText } from '../web/public-text.tsx';

/**
 * The campaign on the home page, below the way to ask for help: a person in danger never has to
 * scroll past it. Everything works without JavaScript; the progress bars carry their figures as
 * text next to them, never colour alone.
 */
export function CampaignSection({ t, lang, campaign }: { t: Translate; lang: Lang; campaign: CampaignHome }) {
  const story = campaign.story[lang];
  const updates = campaign.updates;
  return (
    <section class="campaign" aria-labelledby="campaign">
      <h2 id="campaign">{t('campaign.title')}</h2>
      {story ? <Paragraphs text={story} /> : <p>{t('campaign.intro')}</p>}
      {(campaign.goalCents > 0n || campaign.endsOn) && (
        <div class="card">
          {campaign.goalCents > 0n ? (
            <Progress t={t} lang={lang} id="campaign-progress" raised={campaign.raisedCents} goal={campaign.goalCents} />
          ) : (
            <Raised t={t} lang={lang} raised={campaign.raisedCents} />
          )}
          <ul class="counts">
            <li>{t('campaign.gifts', { n: campaign.gifts })}</li>
            <DaysLeft t={t} campaign={campaign} />
          </ul>
        </div>
      )}
      <p class="actions">
        <a class="button" href={`/${lang}/give`}>
          {t('campaign.give')}
        </a>
      </p>
      <p>
        {t('campaign.ledger')} <a href={`/${lang}/transparency`}>{t('campaign.seeWhere')}</a>
      </p>
      <h3>{t('campaign.buys')}</h3>
      <ul class="purposes">
        {campaign.purposes.map((item) => (
          <li>
            <h4>{t(`purpose.${item.purpose}`)}</h4>
            {item.text[lang] && <p>{item.text[lang]}</p>}
            {item.goalCents > 0n ? (
              <Progress t={t} lang={lang} id={`purpose-${item.purpose}`} raised={item.raisedCents} goal={item.goalCents} />
            ) : (
              <Raised t={t} lang={lang} raised={item.raisedCents} />
            )}
          </li>
        ))}
      </ul>
      {campaign.supporters.length > 0 && (
        <>
          <h3>{t('campaign.supporters')}</h3>
          <ul class="supporters">
            {campaign.supporters.map((supporter) => (
              <li class="card">
                {/* The name is written next to it: the logo says nothing more to a screen reader. */}
                {supporter.logo && <img src={supporter.logo.src} width={supporter.logo.width} height={supporter.logo.height} alt="" loading="lazy" />}
                <p>
                  <strong>{supporter.name[lang]}</strong>
                  {supporter.role[lang] && <span class="meta"> · {supporter.role[lang]}</span>}
                </p>
                {supporter.quote[lang] && (
                  <blockquote>
                    <Paragraphs text={supporter.quote[lang]} />
                  </blockquote>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {campaign.giftMessages.length > 0 && (
        <>
          <h3>{t('campaign.messages')}</h3>
          <ul class="gift-messages">
            {campaign.giftMessages.map((said) => (
              <li class="card">
                {/* A donor's words, isolated and with direction controls shown, as the editor approved them. */}
                <blockquote>
                  <PublicBlock text={said.message} />
                </blockquote>
                {/* The month alone: a day could be matched with a bank statement. */}
                <p class="meta">
                  {said.name ? <PublicText text={said.name} /> : t('campaign.anonymous')} · <time datetime={said.publishedOn.slice(0, 7)}>{formatMonth(lang, said.publishedOn)}</time>
                </p>
              </li>
            ))}
          </ul>
        </>
      )}
      {updates.length > 0 && (
        <>
          <h3>{t('campaign.updates')}</h3>
          {updates.map((update) => (
            <article class="update">
              <h4>{update.title[lang]}</h4>
              <p class="meta">
                <time datetime={update.dated}>{formatDay(lang, update.dated)}</time>
              </p>
              <Paragraphs text={update.body[lang]} />
            </article>
          ))}
        </>
      )}
    </section>
  );
}

/** Raised against a goal: the figures in words, then the bar, which repeats them for the eye. */
function Progress(props: { t: Translate; lang: Lang; id: string; raised: bigint; goal: bigint }) {
  const { t, lang, raised, goal } = props;
  const share = raised > 0n ? Number((raised * 100n) / goal) : 0;
  const percent = new Intl.NumberFormat(lang, { style: 'percent' }).format(share / 100);
  return (
    <div class="progress">
      <dl class="facts">
        <dt>{t('campaign.raised')}</dt>
        <dd data-raised={raised.toString()}>{formatEuros(raised, lang)}</dd>
        <dt>{t('campaign.goal')}</dt>
        <dd>{formatEuros(goal, lang)}</dd>
      </dl>
      <label for={props.id}>
        {t('campaign.progress')}: {percent}
      </label>
      <progress id={props.id} max="100" value={String(Math.min(share, 100))}>
        {percent}
      </progress>
    </div>
  );
}

/** Raised where no goal is set: the figure alone. */
function Raised(props: { t: Translate; lang: Lang; raised: bigint }) {
  return (
    <dl class="facts">
      <dt>{props.t('campaign.raised')}</dt>
      <dd data-raised={props.raised.toString()}>{formatEuros(props.raised, props.lang)}</dd>
    </dl>
  );
}

const DAY = 24 * 3600 * 1000;
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY;

function DaysLeft({ t, campaign }: { t: Translate; campaign: CampaignHome }) {
  if (!campaign.startsOn || !campaign.endsOn) return null;
  const today = dayNumber(campaign.today);
  const untilStart = dayNumber(campaign.startsOn) - today;
  const left = dayNumber(campaign.endsOn) - today;
  const said = untilStart > 0 ? t('campaign.startsIn', { n: untilStart }) : left > 0 ? t('campaign.daysLeft', { n: left }) : left === 0 ? t('campaign.lastDay') : t('campaign.ended');
  return <li data-days-left={String(left)}>{said}</li>;
}

function Paragraphs({ text }: { text: string }) {
  return (
    <>
      {paragraphsOf(text).map((lines) => (
        <p>{lines.flatMap((line, i) => (i === 0 ? [line] : [<br />, line]))}</p>
      ))}
    </>
  );
}

const dayFormats = new Map<Lang, Intl.DateTimeFormat>();

/** A calendar day in the reader's words; a day is no moment, so it is read in UTC. */
function formatDay(lang: Lang, date: string): string {
  let format = dayFormats.get(lang);
  if (!format) dayFormats.set(lang, (format = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' })));
  return format.format(new Date(`${date}T00:00:00Z`));
}

const monthFormats = new Map<Lang, Intl.DateTimeFormat>();

/** A month in the reader's words, read in UTC like a day. */
function formatMonth(lang: Lang, date: string): string {
  let format = monthFormats.get(lang);
  if (!format) monthFormats.set(lang, (format = new Intl.DateTimeFormat(lang, { month: 'long', year: 'numeric', timeZone: 'UTC' })));
  return format.format(new Date(`${date.slice(0, 7)}-01T00:00:00Z`));
}
