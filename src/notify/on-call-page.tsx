import type { Lang, Translate } from '../i18n/index.ts';
import { formatDateTime } from '../i18n/index.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { ErrorSummary, Field, describedBy, type FormState } from '../web/forms.tsx';
import { TableRegion } from '../web/table-region.tsx';
import type { OnCallOverview } from './on-call-overview.ts';
import { SHIFT_ZONES } from './zoned-time.ts';
import { isMailErrorCode } from './mailer.ts';

export type ShiftFields = 'user' | 'start' | 'end' | 'zone';

type PageProps = {
  t: Translate;
  lang: Lang;
  staff: StaffSession;
  overview: OnCallOverview;
  now: Date;
  smtp: boolean;
  escalateMinutes: number;
  notice?: string;
  shiftForm: FormState<ShiftFields>;
  addressError?: string;
};

/** The on-call page: urgent alerts first (with "I'm on it"), then the rota, the address, failures. */
export function OnCallPage(props: PageProps) {
  const { t, overview } = props;
  return (
    <>
      <h1>{t('notify.title')}</h1>
      {props.notice && (
        <p class="ok" role="status">
          {props.notice}
        </p>
      )}
      {props.smtp ? <p>{t('notify.smtp.ready', { minutes: props.escalateMinutes })}</p> : <p class="notice" data-no-smtp>{t('notify.smtp.missing')}</p>}
      <Alerts {...props} />
      <Shifts {...props} />
      {overview.mayManage ? <AddShift {...props} /> : <p class="meta">{t('notify.shifts.readOnly')}</p>}
      <Address {...props} />
      {overview.failing.length > 0 && <Failing {...props} />}
    </>
  );
}

function Alerts({ t, lang, staff, overview }: PageProps) {
  return (
    <section aria-labelledby="alerts-title">
      <h2 id="alerts-title">{t('notify.alerts.title')}</h2>
      {overview.alerts.length === 0 ? (
        <p>{t('notify.alerts.none')}</p>
      ) : (
        <TableRegion label={t('notify.alerts.title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('notify.alerts.received')}</th>
                <th scope="col">{t('notify.alerts.state')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('notify.alerts.ack')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {overview.alerts.map((alert) => (
                <tr data-alert={alert.id}>
                  <td>{formatDateTime(lang, alert.createdAt)}</td>
                  <td>
                    {alert.taken ? (
                      `${t('notify.alerts.takenBy')} ${alert.taken.name}, ${formatDateTime(lang, alert.taken.at)}`
                    ) : (
                      <>
                        <strong>{t('notify.alerts.waiting')}</strong> · {t('notify.alerts.alerted', { count: alert.alerted })}
                        {alert.exhausted && <> · {t('notify.alerts.exhausted')}</>}
                      </>
                    )}
                  </td>
                  <td>
                    {!alert.taken && (
                      <form method="post" action={`/staff/alerts/${alert.id}/acknowledge`} class="inline">
                        <Csrf staff={staff} />
                        <button type="submit">{t('notify.alerts.ack')}</button>
                      </form>
                    )}{' '}
                    <a href={`/staff/requests/${alert.requestId}`}>{t('notify.alerts.open')}</a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </section>
  );
}

function Shifts({ t, lang, staff, overview, now }: PageProps) {
  return (
    <section aria-labelledby="shifts-title">
      <h2 id="shifts-title">{t('notify.shifts.title')}</h2>
      {overview.shifts.length === 0 ? (
        <p>{t('notify.shifts.none')}</p>
      ) : (
        <TableRegion label={t('notify.shifts.title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('notify.shifts.who')}</th>
                <th scope="col">{t('notify.shifts.from')}</th>
                <th scope="col">{t('notify.shifts.until')}</th>
                {overview.mayManage && (
                  <th scope="col">
                    <span class="visually-hidden">{t('notify.shifts.remove')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {overview.shifts.map((shift) => (
                <tr data-shift={shift.id}>
                  <td>
                    {shift.name}
                    {shift.startsAt <= now && <> · <strong>{t('notify.shifts.now')}</strong></>}
                    {!shift.hasAddress && <span class="error"> · {t('notify.shifts.noAddress')}</span>}
                  </td>
                  <td>{formatDateTime(lang, shift.startsAt)}</td>
                  <td>{formatDateTime(lang, shift.endsAt)}</td>
                  {overview.mayManage && (
                    <td>
                      <form method="post" action={`/staff/on-call/shifts/${shift.id}/remove`} class="inline">
                        <Csrf staff={staff} />
                        <button type="submit" class="secondary">
                          {t('notify.shifts.remove')}
                        </button>
                      </form>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </section>
  );
}

const text = (value: string | string[] | undefined) => (typeof value === 'string' ? value : '');

function AddShift({ t, staff, overview, shiftForm }: PageProps) {
  const { values, errors } = shiftForm;
  const zone = text(values.zone) || 'Europe/Amsterdam';
  return (
    <form method="post" action="/staff/on-call/shifts" class="card" aria-labelledby="add-shift-title" novalidate>
      <Csrf staff={staff} />
      <h2 id="add-shift-title">{t('notify.shifts.add')}</h2>
      <ErrorSummary errors={errors} title={t('notify.error.title')} />
      <Field name="user" label={t('notify.shifts.person')} hint={t('notify.shifts.personHint')} error={errors.user}>
        <select id="user" name="user" required aria-describedby={describedBy('user', true, errors.user)} aria-invalid={errors.user ? 'true' : undefined}>
          {overview.coordinators.map((person) => (
            <option value={person.id} selected={person.id === text(values.user)}>
              {person.name}
            </option>
          ))}
        </select>
      </Field>
      <Field name="start" label={t('notify.shifts.start')} error={errors.start}>
        <input id="start" name="start" type="datetime-local" required value={text(values.start)} aria-describedby={describedBy('start', false, errors.start)} aria-invalid={errors.start ? 'true' : undefined} />
      </Field>
      <Field name="end" label={t('notify.shifts.end')} error={errors.end}>
        <input id="end" name="end" type="datetime-local" required value={text(values.end)} aria-describedby={describedBy('end', false, errors.end)} aria-invalid={errors.end ? 'true' : undefined} />
      </Field>
      <Field name="zone" label={t('notify.shifts.zone')} error={errors.zone}>
        <select id="zone" name="zone">
          {SHIFT_ZONES.map((option) => (
            <option value={option} selected={option === zone}>
              {t(`notify.zone.${option}`)}
            </option>
          ))}
        </select>
      </Field>
      <div class="actions">
        <button type="submit">{t('notify.shifts.submit')}</button>
      </div>
    </form>
  );
}

function Address({ t, staff, overview, addressError }: PageProps) {
  return (
    <form method="post" action="/staff/on-call/address" class="card" aria-labelledby="address-title" novalidate>
      <Csrf staff={staff} />
      <h2 id="address-title">{t('notify.address.title')}</h2>
      {!overview.myAddress && <p class="notice">{t('notify.address.none')}</p>}
      <Field name="email" label={t('notify.address.label')} hint={t('notify.address.hint')} error={addressError}>
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="email"
          value={overview.myAddress ?? ''}
          aria-describedby={describedBy('email', true, addressError)}
          aria-invalid={addressError ? 'true' : undefined}
        />
      </Field>
      <div class="actions">
        <button type="submit" class="secondary">
          {t('notify.address.save')}
        </button>
      </div>
    </form>
  );
}

function Failing({ t, lang, overview }: PageProps) {
  return (
    <section aria-labelledby="failing-title">
      <h2 id="failing-title">{t('notify.deliveries.title')}</h2>
      <TableRegion label={t('notify.deliveries.title')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('notify.deliveries.to')}</th>
              <th scope="col">{t('notify.deliveries.attempts')}</th>
              <th scope="col">{t('notify.deliveries.error')}</th>
              <th scope="col">{t('notify.deliveries.next')}</th>
            </tr>
          </thead>
          <tbody>
            {overview.failing.map((mail) => (
              <tr data-failing>
                <td>{mail.to}</td>
                <td>{mail.attempts}</td>
                <td>{isMailErrorCode(mail.error) ? t(`notify.mailError.${mail.error}`) : mail.error}</td>
                <td>{mail.failed ? t('notify.deliveries.failed') : `${t('notify.deliveries.retry')} ${formatDateTime(lang, mail.retryAt)}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </section>
  );
}
