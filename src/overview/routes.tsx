import type { Context } from 'hono';
import type { Translate } from '../i18n/index.ts';
import type { App, AppEnv } from '../web/context.ts';
import { dbOf } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { staffPage } from '../web/layout.tsx';
import { TRIAGE_ROLES } from '../auth/roles.ts';
import { WAITING_BUCKETS } from '../help/overview-figures.ts';
import { BarChart } from '../web/bar-chart.tsx';
import { readOverview } from './read-overview.ts';

/** A duration in days, hours and minutes, each through the plural rules ("2 часа 5 минут"). */
export function formatDuration(t: Translate, seconds: number | null): string {
  if (seconds === null) return t('overview.none');
  const minutesTotal = Math.round(seconds / 60);
  const days = Math.floor(minutesTotal / 1440);
  const hours = Math.floor((minutesTotal % 1440) / 60);
  const minutes = minutesTotal % 60;
  const parts = [days > 0 ? t('overview.days', { n: days }) : '', hours > 0 ? t('overview.hours', { n: hours }) : '', minutes > 0 || (days === 0 && hours === 0) ? t('overview.minutes', { n: minutes }) : ''];
  return parts.filter(Boolean).join(' ');
}

/** "Week of 1 Dec": the date alone, a day in Amsterdam, not a moment. */
function weekLabel(lang: string, weekStart: string): string {
  return new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${weekStart}T00:00:00Z`));
}

async function overviewPage(c: Context<AppEnv>) {
  const t = c.get('t');
  const lang = c.get('lang');
  const overview = await readOverview(dbOf(c));
  const { firstResponse, emergencies } = overview;
  return staffPage(c,
    t('overview.title'),
    <>
      <h1>{t('overview.title')}</h1>
      <p class="meta">{t('overview.intro')}</p>
      <section data-overview="emergencies">
        <h2>{t('overview.emergencies')}</h2>
        <dl>
          <dt>{t('overview.urgentRequests')}</dt>
          <dd data-figure="urgent-requests">{emergencies.urgentRequests}</dd>
          <dt>{t('overview.liveEvacuations')}</dt>
          <dd data-figure="live-evacuations">{emergencies.liveEvacuations}</dd>
          <dt>{t('overview.overdueContact')}</dt>
          <dd data-figure="overdue-contact">{emergencies.overdueContact}</dd>
        </dl>
      </section>
      <section data-overview="per-week">
        <h2>{t('overview.perWeek')}</h2>
        <BarChart
          id="per-week"
          title={t('overview.perWeek')}
          labelHeading={t('overview.week')}
          valueHeading={t('overview.requests')}
          bars={overview.perWeek.map((week) => ({ label: weekLabel(lang, week.weekStart), value: week.count }))}
        />
      </section>
      <section data-overview="first-response">
        <h2>{t('overview.firstResponse')}</h2>
        <p class="meta">{t('overview.firstResponse.intro')}</p>
        <dl>
          <dt>{t('overview.median')}</dt>
          <dd data-figure="median" data-seconds={firstResponse.medianSeconds ?? ''}>{formatDuration(t, firstResponse.medianSeconds)}</dd>
          <dt>{t('overview.worst')}</dt>
          <dd data-figure="worst" data-seconds={firstResponse.worstSeconds ?? ''}>{formatDuration(t, firstResponse.worstSeconds)}</dd>
          <dt>{t('overview.answered')}</dt>
          <dd data-figure="answered">{firstResponse.answered}</dd>
          <dt>{t('overview.unanswered')}</dt>
          <dd data-figure="unanswered">{firstResponse.unanswered}</dd>
          <dt>{t('overview.longestUnanswered')}</dt>
          <dd data-figure="longest-unanswered">{formatDuration(t, firstResponse.longestUnansweredSeconds)}</dd>
        </dl>
      </section>
      <section data-overview="open-needs">
        <h2>{t('overview.openNeeds')}</h2>
        <BarChart
          id="open-needs"
          title={t('overview.openNeeds')}
          labelHeading={t('overview.need')}
          valueHeading={t('overview.count')}
          bars={overview.openNeeds.map((item) => ({ label: t(`help.need.${item.need}`), value: item.count }))}
        />
      </section>
      <section data-overview="waiting">
        <h2>{t('overview.waiting')}</h2>
        <BarChart
          id="waiting"
          title={t('overview.waiting')}
          labelHeading={t('overview.waitingFor')}
          valueHeading={t('overview.people')}
          bars={WAITING_BUCKETS.map((bucket) => ({ label: t(`overview.bucket.${bucket}`), value: overview.waiting[bucket] }))}
        />
      </section>
    </>,
  );
}

/** Coordinators only: the overview is for whoever runs the queue. */
export function registerOverview(app: App): void {
  route(app, 'GET', '/staff/overview', staff(...TRIAGE_ROLES), overviewPage);
}
