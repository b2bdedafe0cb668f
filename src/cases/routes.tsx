import type { Context } from 'hono';
import { z } from 'zod';
import { formatDateTime, type Translate } from '../i18n/index.ts';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { Csrf, staffPage } from '../web/layout.tsx';
import { notFound } from '../web/errors.ts';
import { staffOf } from '../auth/access.ts';
import { formValues } from '../web/forms.tsx';
import { CASE_ROLES, CASE_SHARING_ROLES, TRIAGE_ROLES, mayTriage } from '../auth/roles.ts';
import { listUsers } from '../auth/users.ts';
import { NEEDS, countryName } from '../help/needs.ts';
import { Conversation, NeedTags, ReplyForm, shortRef } from '../help/triage-views.tsx';
import { createCaseFromRequest, openDirectCase } from './create-case.ts';
import { NEED_STATUSES, addNote, joinRequestToCase, listCases, openCase, setCaseStatus, setNeedStatus, type CaseFile, type CaseSummary } from './case-file.ts';
import { CASE_MEMBER_ROLES, CASE_PARTS, caseRolesFor, managesTeam } from './case-roles.ts';
import { addMember, removeMember } from './team.ts';
import { CaseFacts, NewCasePage, newCaseSchema } from './case-views.tsx';

const uuid = z.uuid();
const makeCaseForm = z.object({ assignee: z.uuid() });
const noteForm = z.object({ body: z.string().trim().min(1).max(20_000), part: z.enum(CASE_PARTS) });
const needForm = z.object({ need: z.enum(NEEDS), status: z.enum(NEED_STATUSES) });
const assignForm = z.object({ user: z.uuid(), role: z.enum(CASE_MEMBER_ROLES) });
const removeForm = z.object({ user: z.uuid() });
const caseStatusForm = z.object({ status: z.enum(['open', 'closed']) });
const joinForm = z.object({ case: z.uuid() });

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

function idParam(c: Context<AppEnv>): string {
  const parsed = uuid.safeParse(c.req.param('id') ?? '');
  if (!parsed.success) throw notFound();
  return parsed.data;
}

function CaseTable({ t, lang, cases }: { t: Translate; lang: AppEnv['Variables']['lang']; cases: CaseSummary[] }) {
  if (cases.length === 0) return <p>{t('cases.none')}</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('cases.col.case')}</th>
            <th scope="col">{t('cases.col.needs')}</th>
            <th scope="col">{t('cases.col.assigned')}</th>
            <th scope="col">{t('cases.col.status')}</th>
            <th scope="col">{t('cases.col.updated')}</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((item) => (
            <tr data-case={item.id}>
              <td>
                <a href={`/staff/cases/${item.id}`}>{item.pseudonym}</a>
              </td>
              <td>
                <NeedTags t={t} needs={item.needs.filter((n) => n.status !== 'done' && n.status !== 'not_needed').map((n) => n.need)} urgent={item.urgent} />
              </td>
              <td>{item.team.map((member) => `${member.displayName} (${t(`auth.role.${member.role}`)})`).join(', ')}</td>
              <td>{t(`cases.status.${item.status}`)}</td>
              <td>{formatDateTime(lang, item.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

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
                      {names.get(note.authorId) ?? '—'} · {formatDateTime(lang, note.at)}
                    </span>
                    <br />
                    {note.body ?? <em class="error">{t('triage.unverified')}</em>}
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

async function casePage(c: Context<AppEnv>, id: string) {
  const t = c.get('t');
  const lang = c.get('lang');
  const me = staffOf(c);
  const db = dbOf(c);
  const file = await openCase(db, me, id);
  if (!file) throw notFound();
  const users = await listUsers(db);
  const names = new Map(users.map((user) => [user.id, user.displayName]));
  const { summary } = file;
  const noticeKey = NOTICES[c.req.query('done') as keyof typeof NOTICES];
  const manages = managesTeam(file.role);
  const assignable = users.filter((u) => u.active && caseRolesFor(u.roles).length > 0 && !summary.team.some((m) => m.userId === u.id));
  const base = `/staff/cases/${id}`;
  return staffPage(c,
    summary.pseudonym,
    <>
      <h1>
        {t('cases.case')} <span data-pseudonym>{summary.pseudonym}</span>
      </h1>
      {noticeKey && (
        <p class="ok" role="status">
          {t(noticeKey)}
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
      {manages && (
        <form method="post" action={`${base}/status`} class="inline">
          <Csrf staff={me} />
          <input type="hidden" name="status" value={summary.status === 'open' ? 'closed' : 'open'} />
          <button type="submit" class="secondary">
            {summary.status === 'open' ? t('cases.close') : t('cases.reopen')}
          </button>
        </form>
      )}
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
      <h2>{t('cases.team')}</h2>
      <ul>
        {summary.team.map((member) => (
          <li data-member={member.userId}>
            {member.displayName} · {t(`auth.role.${member.role}`)}
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
          {file.waitingGrants.map((grant) => `${names.get(grant.userId) ?? '—'} (${t(`cases.part.${grant.part}`)})`).join(', ')}
        </p>
      )}
      {assignable.length > 0 && manages && (
        <form method="post" action={`${base}/assign`} class="filters">
          <Csrf staff={me} />
          <label>
            {t('cases.assign')}
            <select name="user">
              {assignable.map((user) => (
                <option value={user.id}>{user.displayName}</option>
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
          <ReplyForm t={t} staff={me} action={`/staff/requests/${conversation.summary.id}/reply?back=case`} />
        </section>
      ))}
      <h2>{t('cases.notes')}</h2>
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
    </>,
  );
}

/** Colleagues a coordinator can name as a new case's caseworker. */
async function caseworkers(c: Context<AppEnv>) {
  return (await listUsers(dbOf(c))).filter((user) => user.active && (user.roles.includes('caseworker') || user.roles.includes('coordinator')));
}

export function registerCases(app: App): void {
  route(app, 'POST', '/staff/requests/:id/case', staff(...TRIAGE_ROLES), async (c) => {
    const form = makeCaseForm.safeParse(await c.req.parseBody());
    if (!form.success) throw notFound();
    const caseId = await createCaseFromRequest(dbOf(c), staffOf(c), idParam(c), form.data.assignee);
    if (!caseId) throw notFound();
    return c.redirect(`/staff/cases/${caseId}?done=created`, 303);
  });

  route(app, 'POST', '/staff/requests/:id/join', staff(...TRIAGE_ROLES), async (c) => {
    const form = joinForm.safeParse(await c.req.parseBody());
    if (!form.success || !(await joinRequestToCase(dbOf(c), staffOf(c), idParam(c), form.data.case))) throw notFound();
    return c.redirect(`/staff/cases/${form.data.case}?done=joined`, 303);
  });

  route(app, 'GET', '/staff/cases', staff('any'), async (c) => {
    const t = c.get('t');
    const lang = c.get('lang');
    const me = staffOf(c);
    const db = dbOf(c);
    const mine = await listCases(db, { memberId: me.userId });
    const all = mayTriage(me.roles) ? await listCases(db, 'all-open') : null;
    return staffPage(c,
      t('cases.mine'),
      <>
        <h1>{t('cases.mine')}</h1>
        {mayTriage(me.roles) && (
          <p>
            <a class="button" href="/staff/cases/new">
              {t('cases.new')}
            </a>
          </p>
        )}
        <CaseTable t={t} lang={lang} cases={mine} />
        {all && (
          <>
            <h2>{t('cases.all')}</h2>
            <CaseTable t={t} lang={lang} cases={all} />
          </>
        )}
      </>,
    );
  });

  route(app, 'GET', '/staff/cases/new', staff(...TRIAGE_ROLES), async (c) =>
    staffPage(c, c.get('t')('cases.new'), <NewCasePage c={c} caseworkers={await caseworkers(c)} values={{}} errors={{}} />),
  );

  route(app, 'POST', '/staff/cases/new', staff(...TRIAGE_ROLES), async (c) => {
    const values = formValues(await c.req.parseBody({ all: true }));
    const parsed = newCaseSchema.safeParse({ ...values, needs: [values.needs ?? []].flat() });
    if (!parsed.success) {
      const errors = Object.fromEntries(parsed.error.issues.map((issue) => [String(issue.path[0]), true]));
      return staffPage(c, c.get('t')('cases.new'), <NewCasePage c={c} caseworkers={await caseworkers(c)} values={values} errors={errors} />, 400);
    }
    const caseId = await openDirectCase(dbOf(c), staffOf(c), parsed.data);
    if (!caseId) throw notFound();
    return c.redirect(`/staff/cases/${caseId}?done=created`, 303);
  });

  route(app, 'GET', '/staff/cases/:id', staff(...CASE_ROLES), (c) => casePage(c, idParam(c)));

  route(app, 'POST', '/staff/cases/:id/notes', staff(...CASE_ROLES), async (c) => {
    const id = idParam(c);
    const form = noteForm.safeParse(await c.req.parseBody());
    if (!form.success) return c.redirect(`/staff/cases/${id}?done=empty`, 303);
    if (!(await addNote(dbOf(c), staffOf(c), id, form.data.part, form.data.body))) throw notFound();
    return c.redirect(`/staff/cases/${id}?done=note`, 303);
  });

  route(app, 'POST', '/staff/cases/:id/needs', staff(...CASE_ROLES), async (c) => {
    const id = idParam(c);
    const form = needForm.safeParse(await c.req.parseBody());
    if (!form.success || !(await setNeedStatus(dbOf(c), staffOf(c), id, form.data.need, form.data.status))) throw notFound();
    return c.redirect(`/staff/cases/${id}?done=need`, 303);
  });

  route(app, 'POST', '/staff/cases/:id/status', staff(...CASE_SHARING_ROLES), async (c) => {
    const id = idParam(c);
    const form = caseStatusForm.safeParse(await c.req.parseBody());
    if (!form.success || !(await setCaseStatus(dbOf(c), staffOf(c), id, form.data.status))) throw notFound();
    return c.redirect(`/staff/cases/${id}?done=${form.data.status === 'closed' ? 'closed' : 'reopened'}`, 303);
  });

  route(app, 'POST', '/staff/cases/:id/assign', staff(...CASE_SHARING_ROLES), async (c) => {
    const id = idParam(c);
    const form = assignForm.safeParse(await c.req.parseBody());
    if (!form.success || (await addMember(dbOf(c), staffOf(c), id, form.data.user, form.data.role)) !== 'added') throw notFound();
    return c.redirect(`/staff/cases/${id}?done=assigned`, 303);
  });

  route(app, 'POST', '/staff/cases/:id/remove', staff(...CASE_SHARING_ROLES), async (c) => {
    const id = idParam(c);
    const form = removeForm.safeParse(await c.req.parseBody());
    if (!form.success || !(await removeMember(dbOf(c), staffOf(c), id, form.data.user))) throw notFound();
    return c.redirect(`/staff/cases/${id}?done=removed`, 303);
  });
}
