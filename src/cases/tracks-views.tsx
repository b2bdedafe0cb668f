import type { Child } from 'hono/jsx';
import { formatDateTime, type Lang, type Translate } from '../i18n/index.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { neutralise } from '../web/public-text.tsx';
import type { User } from '../auth/users.ts';
import { managesTeam } from './case-roles.ts';
import { TRACKS, TRACK_STATES, managesTrack, readsLogistics, type Track } from './tracks.ts';
import type { EvacuationView, TracksFile } from './tracks-file.ts';
import { ClothingRecords, LegalRecords, PsychRecords } from './tracks-records.tsx';
import { TaskSection } from './tasks-views.tsx';

export type TrackProps = { t: Translate; lang: Lang; staff: StaffSession; file: TracksFile; names: Map<string, string>; base: string };

const NOTICES = {
  saved: 'tracks.saved',
  invalid: 'tracks.invalid',
  shredded: 'tracks.evac.shredded',
  unconfirmed: 'tracks.evac.shredUnconfirmed',
  notArrived: 'tracks.evac.shredNotArrived',
} as const;

/** A post button on its own, for one-click actions. */
export function PostButton({ staff, action, fields, label, secondary }: { staff: StaffSession; action: string; fields: Record<string, string>; label: string; secondary?: boolean }) {
  return (
    <form method="post" action={action} class="inline">
      <Csrf staff={staff} />
      {Object.entries(fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={secondary ? 'secondary' : undefined}>
        {label}
      </button>
    </form>
  );
}

function StateForm({ t, staff, base, track, state }: { t: Translate; staff: StaffSession; base: string; track: Track; state: string }) {
  return (
    <form method="post" action={`${base}/tracks/${track}/state`} class="filters">
      <Csrf staff={staff} />
      <label>
        {t('tracks.stateLabel')}
        <select name="state">
          {TRACK_STATES[track].map((option) => (
            <option value={option} selected={option === state}>
              {t(`tracks.state.${option}`)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="secondary">
        {t('tracks.stateSave')}
        <span class="visually-hidden">: {t(`tracks.track.${track}`)}</span>
      </button>
    </form>
  );
}

/** A colleague with a role who is not on the case yet, offered to be added through the team form. */
export function ReferForm({ t, staff, base, role, candidates, label }: { t: Translate; staff: StaffSession; base: string; role: 'psychologist' | 'lawyer'; candidates: User[]; label: string }) {
  if (candidates.length === 0) return null;
  return (
    <form method="post" action={`${base}/assign`} class="filters" data-refer={role}>
      <Csrf staff={staff} />
      <input type="hidden" name="role" value={role} />
      <label>
        {label}
        <select name="user">
          {candidates.map((user) => (
            <option value={user.id}>{neutralise(user.displayName)}</option>
          ))}
        </select>
      </label>
      <button type="submit" class="secondary">
        {t('tracks.refer.submit')}
      </button>
    </form>
  );
}

function PlanField({ t, name, value }: { t: Translate; name: 'route' | 'dates' | 'documentsHave' | 'documentsLack' | 'moneyNeeded' | 'contactPeople'; value: string | undefined }) {
  return (
    <>
      <label for={`evac-${name}`}>{t(`tracks.evac.${name}`)}</label>
      <textarea id={`evac-${name}`} name={name} rows={2}>
        {value ?? ''}
      </textarea>
    </>
  );
}

function EvacuationRecords({ t, lang, staff, base, evacuation, role }: TrackProps & { evacuation: EvacuationView; role: TracksFile['role'] }) {
  const { plan } = evacuation;
  return (
    <>
      <p data-contact={evacuation.overdue ? 'overdue' : 'ok'}>
        {t('tracks.evac.lastContact')}: {evacuation.lastContactAt ? formatDateTime(lang, evacuation.lastContactAt) : t('tracks.evac.never')} ·{' '}
        {t('tracks.evac.every', { n: evacuation.intervalHours })}
        {evacuation.overdue && (
          <>
            {' '}
            <strong class="tag urgent" data-overdue>
              {t('tracks.evac.overdue')}
            </strong>
          </>
        )}
      </p>
      <form method="post" action={`${base}/evacuation/contact`} class="filters">
        <Csrf staff={staff} />
        <label class="choice">
          <input type="checkbox" name="contacted" value="yes" /> {t('tracks.evac.contacted')}
        </label>
        <label>
          {t('tracks.evac.interval')}
          <input type="number" name="hours" min={1} max={720} value={String(evacuation.intervalHours)} required />
        </label>
        <button type="submit" class="secondary">
          {t('tracks.evac.contactSave')}
        </button>
      </form>
      {readsLogistics(role) && plan !== null && (
        <section data-plan>
          <h4>{t('tracks.evac.plan')}</h4>
          <p class="meta">{t('tracks.evac.planExplain')}</p>
          {plan === 'shredded' ? (
            <p>{t('tracks.evac.planShredded')}</p>
          ) : plan !== 'none' && !plan.ok ? (
            <p class="error">{t('tracks.unverified')}</p>
          ) : (
            <form method="post" action={`${base}/evacuation/plan`}>
              <Csrf staff={staff} />
              {plan === 'none' && <p class="meta">{t('tracks.evac.planNone')}</p>}
              {(['route', 'dates', 'documentsHave', 'documentsLack', 'moneyNeeded', 'contactPeople'] as const).map((name) => (
                <PlanField t={t} name={name} value={plan === 'none' ? undefined : plan.value[name]} />
              ))}
              <div class="actions">
                <button type="submit">{t('tracks.evac.planSave')}</button>
              </div>
            </form>
          )}
          {evacuation.state === 'arrived' && plan !== 'shredded' && plan !== 'none' && (
            <form method="post" action={`${base}/evacuation/shred`} class="card">
              <Csrf staff={staff} />
              <label class="choice">
                <input type="checkbox" name="confirm" value="yes" required /> {t('tracks.evac.shredConfirm')}
              </label>
              <div class="actions">
                <button type="submit" class="danger">
                  {t('tracks.evac.shred')}
                </button>
              </div>
            </form>
          )}
        </section>
      )}
    </>
  );
}

function TrackSection(props: TrackProps & { track: Track; state: string; children?: Child }) {
  const { t, file, track } = props;
  return (
    <section id={`track-${track}`} data-track={track} data-state={props.state} class="card">
      <h3>
        {t(`tracks.track.${track}`)}: {t(`tracks.state.${props.state}` as `tracks.state.requested`)}
      </h3>
      {managesTrack(file.role, track) && <StateForm t={t} staff={props.staff} base={props.base} track={track} state={props.state} />}
      {props.children}
    </section>
  );
}

/** The case page's service tracks and tasks: one section per open track, then the tasks. */
export function TrackSections(props: TrackProps & { users: User[]; notice: string | undefined }) {
  const { t, file, staff, base } = props;
  const open = new Set(file.tracks.map((track) => track.track));
  const closed = TRACKS.filter((track) => !open.has(track) && managesTrack(file.role, track));
  const onTeam = new Set(file.team.map((member) => member.userId));
  const candidates = (role: 'psychologist' | 'lawyer') => props.users.filter((user) => user.active && user.roles.includes(role) && !onTeam.has(user.id));
  const noticeKey = NOTICES[props.notice as keyof typeof NOTICES];
  return (
    <section id="tracks" data-tracks>
      <h2>{t('tracks.title')}</h2>
      {noticeKey && (
        <p class={props.notice === 'saved' || props.notice === 'shredded' ? 'ok' : 'error'} role="status">
          {t(noticeKey)}
        </p>
      )}
      {file.tracks.length === 0 && <p class="meta">{t('tracks.none')}</p>}
      {file.tracks.map(({ track, state }) => (
        <TrackSection {...props} track={track} state={state}>
          {track === 'evacuation' && file.evacuation && <EvacuationRecords {...props} evacuation={file.evacuation} role={file.role} />}
          {track === 'clothing' && file.clothing && <ClothingRecords {...props} items={file.clothing} />}
          {track === 'psych' && (
            <>
              {managesTeam(file.role) && <ReferForm t={t} staff={staff} base={base} role="psychologist" candidates={candidates('psychologist')} label={t('tracks.psych.refer')} />}
              <p class="meta">{t('tracks.psych.explain')}</p>
              {file.sessions && <PsychRecords {...props} sessions={file.sessions} />}
            </>
          )}
          {track === 'legal' && (
            <>
              {managesTeam(file.role) && <ReferForm t={t} staff={staff} base={base} role="lawyer" candidates={candidates('lawyer')} label={t('tracks.legal.assign')} />}
              {file.legal && <LegalRecords {...props} legal={file.legal} />}
            </>
          )}
        </TrackSection>
      ))}
      {closed.length > 0 && (
        <div class="filters" aria-label={t('tracks.openOne')} role="group">
          {closed.map((track) => (
            <PostButton staff={staff} action={`${base}/tracks/${track}`} fields={{}} label={`${t('tracks.open')} ${t(`tracks.track.${track}`)}`} secondary />
          ))}
        </div>
      )}
      <TaskSection {...props} />
    </section>
  );
}
