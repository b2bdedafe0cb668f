import type { Context } from 'hono';
import { formatDateTime, type Translate } from '../i18n/index.ts';
import { dbOf, type AppEnv, type StaffSession } from '../web/context.ts';
import { Csrf, staffPage } from '../web/layout.tsx';
import { notFound } from '../web/errors.ts';
import { PublicBlock, PublicText, neutralise } from '../web/public-text.tsx';
import { staffOf } from '../auth/access.ts';
import { listUsers } from '../auth/users.ts';
import { countryName } from '../help/needs.ts';
import { ContactWarning, Conversation, StaffName, shortRef } from '../help/triage-views.tsx';
import { CoercionFlag } from '../help/duress-views.tsx';
import { CoercionClearing } from './coercion-views.tsx';
import { clearsCoercion } from './coercion.ts';
import { NEED_STATUSES, type CaseFile } from './case-file.ts';
import { openCasePage } from './case-page-open.ts';
import { CaseReply, chooseTemplate } from './case-reply.tsx';
import { CASE_MEMBER_ROLES, caseRolesFor, managesTeam } from './case-roles.ts';
import { CaseFacts } from './case-views.tsx';
import { documentsSection } from './documents-views.tsx';
import { referralsSection } from '../directory/referrals-views.tsx';
import { TrackSections } from './tracks-views.tsx';
import { safetySection } from './safety-views.tsx';
import { rotateAfterBreakGlass } from './break-glass.ts';
import { markCaseRead } from './case-news.ts';
import { CaseSearchForm } from './case-search.tsx';
import { forgetSection } from './forget-views.tsx';

const NOTICES = {
  created: 'cases.created',
  note: 'cases.note.saved',
  need: 'cases.need.saved',
  assigned: 'cases.assigned',
  removed: 'cases.member.removed',
  empty: 'cases.note.empty',
  replied: 'triage.reply.sent',
  noreply: 'triage.reply.empty',
  closed: 'cases.closed',
  reopened: 'cases.reopened',
  joined: 'cases.joined',
} as const;

function Notes({ t, lang, file, names }: { t: Translate; lang: AppEnv['Variables']['lang']; file: CaseFile; names: Map<string, string> }) {
  return (
    <>
      {file.parts.map((part) => {
        const notes = file.notes.filter((note) => note.part === part);
        return (
          <section data-part={part}>
            <h3>{t(`cases.part.${part}`)}</h3>
            {notes.length === 0 ? (
              <p class="meta">{t('cases.notes.none')}</p>
            ) : (
              <ul class="thread">
                {notes.map((note) => (
                  <li>
                    <span class="meta">
                      <StaffName names={names} id={note.authorId} /> · {formatDateTime(lang, note.at)}
                    </span>
                    {note.body !== null ? <PublicBlock text={note.body} /> : <p class="error">{t('triage.unverified')}</p>}
                  </li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </>
  );
}

/**
 * Closing a case asks for a ticked box, which works without JavaScript; a close without it
 * changes nothing (the route checks). Reopening needs no confirmation.
 */
function StatusForm({ t, staff, action, status }: { t: Translate; staff: StaffSession; action: string; status: CaseFile['summary']['status'] }) {
  if (status === 'closed') {
    return (
      <form method="post" action={action} class="inline">
        <Csrf staff={staff} />
        <input type="hidden" name="status" value="open" />
        <button type="submit" class="secondary">
          {t('cases.reopen')}
        </button>
      </form>
    );
  }
  return (
    <form method="post" action={action} class="card" data-close-case>
      <Csrf staff={staff} />
      <input type="hidden" name="status" value="closed" />
      <label class="choice">
        <input type="checkbox" name="confirm" value="yes" required /> {t('cases.close.confirm')}
      </label>
      <div class="actions">
        <button type="submit" class="secondary">
          {t('cases.close')}
        </button>
      </div>
    </form>
  );
}

/** The case page: what the viewer's role on the case lets them read and do. */
export async function casePage(c: Context<AppEnv>, id: string) {
  const t = c.get('t');
  const lang = c.get('lang');
  const me = staffOf(c);
  const db = dbOf(c);
  await rotateAfterBreakGlass(db, me, id); // after a break-glass access ended: the core's key is replaced first
  const opened = await openCasePage(db, me, id); // each vault opened (and audited) once for the whole page
  if (!opened) throw notFound();
  const { file, tracks } = opened;
  await markCaseRead(db, me.userId, file.conversations);
  const users = await listUsers(db);
  const names = new Map(users.map((user) => [user.id, user.displayName]));
  const { summary } = file;
  const noticeKey = NOTICES[c.req.query('done') as keyof typeof NOTICES];
  const manages = managesTeam(file.role);
  const assignable = users.filter((u) => u.active && caseRolesFor(u.roles).length > 0 && !summary.team.some((m) => m.userId === u.id));
  const base = `/staff/cases/${id}`;
  const documents = documentsSection(c, id, file.parts, opened.documents);
  const templates = file.conversations.length > 0 ? await chooseTemplate(c) : null;
  const referrals = await referralsSection(c, id, opened.referrals && { language: summary.language, referrals: opened.referrals });
  return staffPage(c,
    summary.pseudonym,
    <>
      <h1>
        {t('cases.case')} <span data-pseudonym>{summary.pseudonym}</span>
      </h1>
      <CoercionFlag t={t} lang={lang} at={file.coercedAt} />
      <CoercionClearing t={t} staff={me} caseId={id} at={file.coercedAt} clears={clearsCoercion(file.role, file.parts.includes('core'))} notice={c.req.query('coercion')} />
      {file.content?.ok && <ContactWarning t={t} answer={file.content.value.safety.contactShared} />}
      {noticeKey && (
        <p class="ok" role="status">
          {t(noticeKey)}
        </p>
      )}
      {c.req.query('done') === 'confirm' && (
        <p class="error" role="alert">
          {t('cases.close.unconfirmed')}
        </p>
      )}
      {file.erasureRequested && <p class="notice">{t('cases.erasure')}</p>}
      <p class="meta">
        {t(`cases.status.${summary.status}`)} · {t(`cases.origin.${summary.origin}`)} · {summary.language.toUpperCase()} ·{' '}
        {summary.country ? countryName(lang, summary.country) : t('triage.unknownCountry')}
        {summary.urgent && (
          <>
            {' '}
            · <span class="tag urgent">{t('triage.urgent')}</span>
          </>
        )}
      </p>
      <p class="meta" data-parts={file.parts.join(' ')}>
        {t('cases.parts.mine')}: {file.parts.map((part) => t(`cases.part.${part}`)).join(', ')} · {t('cases.member.role')}: {t(`auth.role.${file.role}`)}
      </p>
      <p><a href={`${base}/timeline`} data-timeline-link>{t('timeline.link')}</a></p>
      {file.content && (
        <>
          <h2>{t('cases.person')}</h2>
          {file.content.ok ? <CaseFacts t={t} content={file.content.value} /> : <p class="error">{t('triage.unverified')}</p>}
        </>
      )}
      {file.parts.includes('core') && (
        <>
          <h2>{t('cases.needs')}</h2>
          <ul>
            {summary.needs.map((item) => (
              <li>
                <form method="post" action={`${base}/needs`} class="filters">
                  <Csrf staff={me} />
                  <input type="hidden" name="need" value={item.need} />
                  <label>
                    {t(`help.need.${item.need}`)}
                    <select name="status">
                      {NEED_STATUSES.map((status) => (
                        <option value={status} selected={status === item.status}>
                          {t(`cases.need.status.${status}`)}
                        </option>
                      ))}
                    </select>
                  </label>
                  <button type="submit" class="secondary">
                    {t('cases.need.save')}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </>
      )}
      {await safetySection(c, id)}
      {tracks && <TrackSections t={t} lang={lang} staff={me} file={tracks} names={names} base={`/staff/cases/${id}`} users={users} notice={c.req.query('tracks')} />}
      <h2>{t('cases.team')}</h2>
      <ul>
        {summary.team.map((member) => (
          <li data-member={member.userId}>
            <PublicText text={member.displayName} /> · {t(`auth.role.${member.role}`)}
            {manages && member.userId !== me.userId && (
              <form method="post" action={`${base}/remove`} class="inline">
                <Csrf staff={me} />
                <input type="hidden" name="user" value={member.userId} />
                <button type="submit" class="secondary">
                  {t('cases.member.remove')}
                </button>
              </form>
            )}
          </li>
        ))}
      </ul>
      {file.waitingGrants.length > 0 && (
        <p class="notice">
          {t('cases.waiting')}{' '}
          {file.waitingGrants.map((grant, index) => (
            <>
              {index > 0 && ', '}
              <StaffName names={names} id={grant.userId} /> ({t(`cases.part.${grant.part}`)})
            </>
          ))}
        </p>
      )}
      {assignable.length > 0 && manages && (
        <form method="post" action={`${base}/assign`} class="filters">
          <Csrf staff={me} />
          <label>
            {t('cases.assign')}
            <select name="user">
              {assignable.map((user) => (
                <option value={user.id}>{neutralise(user.displayName)}</option>
              ))}
            </select>
          </label>
          <label>
            {t('cases.member.role')}
            <select name="role">
              {CASE_MEMBER_ROLES.map((role) => (
                <option value={role}>{t(`auth.role.${role}`)}</option>
              ))}
            </select>
          </label>
          <button type="submit" class="secondary">
            {t('cases.assign.submit')}
          </button>
        </form>
      )}
      {file.conversations.map((conversation) => (
        <section data-conversation={conversation.summary.id}>
          <h2>
            {t('cases.conversation')} {file.conversations.length > 1 ? shortRef(conversation.summary.id) : ''}
          </h2>
          <Conversation t={t} lang={lang} messages={conversation.messages} names={names} />
          {templates && <CaseReply t={t} staff={me} caseId={id} request={conversation.summary} choice={templates} />}
        </section>
      ))}
      <h2>{t('cases.notes')}</h2>
      <CaseSearchForm t={t} action={`${base}/search`} />
      <Notes t={t} lang={lang} file={file} names={names} />
      <form method="post" action={`${base}/notes`}>
        <Csrf staff={me} />
        <label for="note-part">{t('cases.note.part')}</label>
        <select id="note-part" name="part">
          {file.parts.map((part) => (
            <option value={part}>{t(`cases.part.${part}`)}</option>
          ))}
        </select>
        <label for="note">{t('cases.note.add')}</label>
        <textarea id="note" name="body" rows={4} required></textarea>
        <div class="actions">
          <button type="submit">{t('cases.note.submit')}</button>
        </div>
      </form>
      {documents}
      {referrals}
      {manages && <StatusForm t={t} staff={me} action={`${base}/status`} status={summary.status} />}
      {await forgetSection(c, id)}
    </>,
  );
}
