import type { Lang, Translate } from '../i18n/index.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { PublicBlock, PublicText } from '../web/public-text.tsx';
import { StaffName } from '../help/triage-views.tsx';
import { SESSION_FORMS } from './tracks-content.ts';
import type { ClothingView, SessionView, TracksFile } from './tracks-file.ts';
import { PROCEDURES, deadlineKinds } from './procedure-data.ts';
import { DaysLeft, deadlineKindName, formatCents } from './tracks-format.tsx';
import { formatDay } from '../i18n/days.ts';
import { todayIn } from '../i18n/days.ts';

type Props = { t: Translate; lang: Lang; staff: StaffSession; base: string; names: Map<string, string> };

/** Clothing asked for and handed out; item and size are sealed in core. */
export function ClothingRecords({ t, lang, staff, base, items }: Props & { items: ClothingView[] }) {
  const total = items.reduce((sum, item) => sum + item.costCents, 0);
  return (
    <>
      {items.length === 0 ? (
        <p class="meta">{t('tracks.clothing.none')}</p>
      ) : (
        <ul>
          {items.map((item) => (
            <li data-clothing={item.id}>
              {item.item.ok ? (
                <>
                  <PublicText text={item.item.value.item} /> · {t('tracks.clothing.size')} <PublicText text={item.item.value.size} /> · ×{item.item.value.quantity}
                </>
              ) : (
                <span class="error">{t('tracks.unverified')}</span>
              )}{' '}
              ·{' '}
              {item.handedOutOn ? (
                <>
                  {t('tracks.clothing.handedOut')} {formatDay(lang, item.handedOutOn)} · {formatCents(lang, item.costCents)}
                </>
              ) : (
                <form method="post" action={`${base}/clothing/handed-out`} class="filters">
                  <Csrf staff={staff} />
                  <input type="hidden" name="item" value={item.id} />
                  <label>
                    {t('tracks.clothing.cost')}
                    <input type="text" name="cost" inputmode="decimal" pattern="[0-9]{1,6}([.,][0-9]{1,2})?" value="0" required />
                  </label>
                  <button type="submit" class="secondary">
                    {t('tracks.clothing.handOut')}
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
      {total > 0 && (
        <p>
          {t('tracks.clothing.total')} {formatCents(lang, total)}
        </p>
      )}
      <form method="post" action={`${base}/clothing`} class="filters">
        <Csrf staff={staff} />
        <label>
          {t('tracks.clothing.item')}
          <input type="text" name="item" maxlength={300} required />
        </label>
        <label>
          {t('tracks.clothing.size')}
          <input type="text" name="size" maxlength={100} />
        </label>
        <label>
          {t('tracks.clothing.quantity')}
          <input type="number" name="quantity" min={1} max={99} value="1" required />
        </label>
        <button type="submit" class="secondary">
          {t('tracks.clothing.add')}
        </button>
      </form>
    </>
  );
}

/** Sessions, only ever given to a viewer who holds the psych vault. */
export function PsychRecords({ t, lang, staff, base, names, sessions }: Props & { sessions: SessionView[] }) {
  return (
    <section data-sessions>
      <h4>{t('tracks.psych.sessions')}</h4>
      {sessions.length === 0 ? (
        <p class="meta">{t('tracks.psych.none')}</p>
      ) : (
        <ul>
          {sessions.map((session) => (
            <li data-session={session.id}>
              {session.session.ok ? (
                <>
                  {formatDay(lang, session.session.value.date)} · {t('tracks.psych.length', { n: session.session.value.minutes })} ·{' '}
                  {t(`tracks.psych.form.${session.session.value.form}`)}
                </>
              ) : (
                <span class="error">{t('tracks.unverified')}</span>
              )}{' '}
              · <StaffName names={names} id={session.recordedBy} />
            </li>
          ))}
        </ul>
      )}
      <form method="post" action={`${base}/psych/sessions`} class="filters">
        <Csrf staff={staff} />
        <label>
          {t('tracks.psych.date')}
          <input type="date" name="date" value={todayIn()} required />
        </label>
        <label>
          {t('tracks.psych.minutes')}
          <input type="number" name="minutes" min={1} max={600} value="50" required />
        </label>
        <label>
          {t('tracks.psych.form')}
          <select name="form">
            {SESSION_FORMS.map((form) => (
              <option value={form}>{t(`tracks.psych.form.${form}`)}</option>
            ))}
          </select>
        </label>
        <button type="submit" class="secondary">
          {t('tracks.psych.add')}
        </button>
      </form>
    </section>
  );
}

/** The procedure tracker and the deadlines, only ever given to a viewer who holds the legal vault. */
export function LegalRecords({ t, lang, staff, base, legal }: Props & { legal: NonNullable<TracksFile['legal']> }) {
  const { procedure } = legal;
  return (
    <section data-legal>
      <h4>{t('tracks.legal.procedure')}</h4>
      <form method="post" action={`${base}/procedure`} class="filters">
        <Csrf staff={staff} />
        <label>
          {t('tracks.legal.procedure')}
          <select name="procedure">
            {PROCEDURES.map((option) => (
              <option value={option.id} selected={option.id === procedure?.id}>
                {option.names[lang]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="secondary">
          {t('tracks.legal.choose')}
        </button>
      </form>
      {procedure && (
        <ol class="stages" aria-label={procedure.names[lang]}>
          {[...procedure.stages].sort((a, b) => a.order - b.order).map((stage) => (
            <li data-stage={stage.id}>
              <form method="post" action={`${base}/procedure/stage`} class="filters">
                <Csrf staff={staff} />
                <input type="hidden" name="stage" value={stage.id} />
                <label>
                  {stage.branch === 'dublin' && <span class="tag">{t('tracks.legal.dublin')}</span>} {stage.names[lang]}
                  <input type="date" name="date" value={legal.stages.get(stage.id) ?? ''} required />
                </label>
                <button type="submit" class="secondary">
                  {t('tracks.legal.stageSave')}
                  <span class="visually-hidden">: {stage.names[lang]}</span>
                </button>
              </form>
            </li>
          ))}
        </ol>
      )}
      <h4>{t('tracks.legal.deadlines')}</h4>
      {legal.deadlines.length === 0 ? (
        <p class="meta">{t('tracks.legal.noDeadlines')}</p>
      ) : (
        <ul>
          {legal.deadlines.map((deadline) => (
            <li data-deadline={deadline.id}>
              <strong>{deadlineKindName(t, lang, deadline.kind)}</strong> · {formatDay(lang, deadline.dueOn)} <DaysLeft t={t} due={deadline.dueOn} done={deadline.done} />
              {deadline.done && <span class="tag">{t('tracks.legal.metTag')}</span>}
              {deadline.detail && (deadline.detail.ok ? <PublicBlock text={deadline.detail.value} /> : <p class="error">{t('tracks.unverified')}</p>)}
              <form method="post" action={`${base}/deadlines/done`} class="inline">
                <Csrf staff={staff} />
                <input type="hidden" name="deadline" value={deadline.id} />
                <input type="hidden" name="done" value={deadline.done ? 'no' : 'yes'} />
                <button type="submit" class="secondary">
                  {deadline.done ? t('tracks.legal.reopen') : t('tracks.legal.met')}
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <form method="post" action={`${base}/deadlines`}>
        <Csrf staff={staff} />
        <label for="deadline-kind">{t('tracks.legal.kind')}</label>
        <select id="deadline-kind" name="kind">
          {deadlineKinds(procedure ?? undefined).map((kind) => (
            <option value={kind}>{deadlineKindName(t, lang, kind)}</option>
          ))}
        </select>
        <label for="deadline-due">{t('tracks.legal.due')}</label>
        <input id="deadline-due" type="date" name="due" required />
        <label for="deadline-detail">{t('tracks.legal.detail')}</label>
        <textarea id="deadline-detail" name="detail" rows={2} maxlength={2000}></textarea>
        <div class="actions">
          <button type="submit">{t('tracks.legal.add')}</button>
        </div>
      </form>
    </section>
  );
}
