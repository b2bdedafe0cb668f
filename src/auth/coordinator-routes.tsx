import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { dbOf, type App, type AppEnv, type StaffSession } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { Csrf, staffPage } from '../web/layout.tsx';
import { TableRegion } from '../web/table-region.tsx';
import { notFound } from '../web/errors.ts';
import { formatDateTime, type Lang, type Translate } from '../i18n/index.ts';
import { staffOf } from './access.ts';
import { activeCoordinators, type CoordinatorStanding } from './coordinator-queries.ts';
import { confirmCoordinator } from './confirm-coordinator.ts';
import { isConfirmedCoordinator } from './users.ts';

type View = { t: Translate; lang: Lang; me: StaffSession };

function PendingTable(props: View & { pending: CoordinatorStanding[] }) {
  const { t, lang, me } = props;
  if (props.pending.length === 0) return <p class="meta">{t('auth.coordinators.nonePending')}</p>;
  return (
    <TableRegion label={t('auth.coordinators.pending')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('auth.users.name')}</th>
            <th scope="col">{t('auth.users.login')}</th>
            <th scope="col">{t('auth.coordinators.created')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('auth.users.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.pending.map((colleague) => (
            <tr>
              <td>{colleague.displayName}</td>
              <td>{colleague.login}</td>
              <td>{formatDateTime(lang, colleague.createdAt)}</td>
              <td>
                <form method="post" action={`/staff/coordinators/${colleague.id}/confirm`} class="inline">
                  <Csrf staff={me} />
                  <button type="submit">{t('auth.coordinators.confirm')}</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

function ConfirmedTable(props: View & { confirmed: CoordinatorStanding[] }) {
  const { t, lang, me } = props;
  return (
    <TableRegion label={t('auth.coordinators.confirmed')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('auth.users.name')}</th>
            <th scope="col">{t('auth.coordinators.confirmedBy')}</th>
            <th scope="col">{t('auth.coordinators.confirmedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {props.confirmed.map((colleague) => (
            <tr data-coordinator={colleague.login}>
              <td>
                {colleague.displayName}
                {colleague.id === me.userId && <span class="meta"> {t('auth.coordinators.you')}</span>}
              </td>
              <td>{colleague.confirmedByName ?? t('auth.coordinators.atSetup')}</td>
              <td>{colleague.confirmedAt && formatDateTime(lang, colleague.confirmedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

/**
 * Who may receive new help requests. A confirmed coordinator sees the colleagues waiting for
 * confirmation, with a button each; one who is not confirmed yet sees that they are waiting.
 */
async function CoordinatorsPage(c: Context<AppEnv>, notice?: Child) {
  const view: View = { t: c.get('t'), lang: c.get('lang'), me: staffOf(c) };
  const { t } = view;
  const db = dbOf(c);
  const mayConfirm = await isConfirmedCoordinator(db, view.me.userId);
  const coordinators = await activeCoordinators(db);
  return staffPage(c,
    t('auth.coordinators.title'),
    <>
      <h1>{t('auth.coordinators.title')}</h1>
      {notice}
      {mayConfirm ? (
        <>
          <p>{t('auth.coordinators.intro')}</p>
          <h2>{t('auth.coordinators.pending')}</h2>
          <PendingTable {...view} pending={coordinators.filter((colleague) => colleague.confirmedAt === null)} />
        </>
      ) : (
        <p class="notice" role="status" data-waiting>
          {t('auth.coordinators.waiting')}
        </p>
      )}
      <h2>{t('auth.coordinators.confirmed')}</h2>
      <ConfirmedTable {...view} confirmed={coordinators.filter((colleague) => colleague.confirmedAt !== null)} />
    </>,
  );
}

export function registerCoordinators(app: App): void {
  route(app, 'GET', '/staff/coordinators', staff('coordinator'), (c) => CoordinatorsPage(c));

  route(app, 'POST', '/staff/coordinators/:id/confirm', staff('coordinator'), async (c) => {
    const id = c.req.param('id') ?? '';
    if (!z.uuid().safeParse(id).success) throw notFound();
    if (!(await confirmCoordinator(dbOf(c), staffOf(c).userId, id))) throw notFound();
    const name = (await activeCoordinators(dbOf(c))).find((colleague) => colleague.id === id)?.displayName ?? '';
    return CoordinatorsPage(c, <p class="ok" role="status">{c.get('t')('auth.coordinators.done', { name })}</p>);
  });
}
