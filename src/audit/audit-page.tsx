import { route, staff } from '../web/route.ts';
import { staffPage } from '../web/layout.tsx';
import { dbOf, type App } from '../web/context.ts';
import { formatDateTime } from '../i18n/index.ts';
import { listUsers } from '../auth/users.ts';
import { TableRegion } from '../web/table-region.tsx';
import { listAudit, verifyAudit } from './log.ts';
import { isAuditKind } from './events.ts';

/** The administrator's view of the audit log: the chain's verdict, its head, the newest entries. */
export function registerAuditPage(app: App): void {
  route(app, 'GET', '/staff/audit', staff('administrator'), async (c) => {
    const t = c.get('t');
    const lang = c.get('lang');
    const db = dbOf(c);
    const verdict = await verifyAudit(db);
    const entries = await listAudit(db, 200);
    const names = new Map((await listUsers(db)).map((user) => [user.id, user.displayName]));
    return staffPage(c,
      t('auth.audit.title'),
      <>
        <h1>{t('auth.audit.title')}</h1>
        {verdict.problems.length === 0 ? (
          <p class="ok" role="status">{t('auth.audit.ok', { count: verdict.entries })}</p>
        ) : (
          <p class="error" role="alert">{t('auth.audit.broken', { count: verdict.problems.length })}</p>
        )}
        {verdict.head && (
          <p data-audit-head>
            {t('auth.audit.head', { count: verdict.entries, n: verdict.head.seq })} <code>{verdict.head.hash}</code>
            <br />
            <small class="meta">{t('auth.audit.anchor')}</small>
          </p>
        )}
        <TableRegion label={t('auth.audit.table')}>
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('auth.audit.when')}</th>
                <th scope="col">{t('auth.audit.who')}</th>
                <th scope="col">{t('auth.audit.what')}</th>
                <th scope="col">{t('auth.audit.subject')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr>
                  <td>{entry.seq}</td>
                  <td>{formatDateTime(lang, entry.at)}</td>
                  <td>{entry.actorUserId ? (names.get(entry.actorUserId) ?? entry.actorUserId) : '—'}</td>
                  <td>
                    {isAuditKind(entry.kind) ? t(`audit.kind.${entry.kind}`) : entry.kind} <code class="meta">{entry.kind}</code>
                  </td>
                  <td class="meta">{entry.subjectId ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      </>,
    );
  });
}
