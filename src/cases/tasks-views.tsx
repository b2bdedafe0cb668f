import type { Lang, Translate } from '../i18n/index.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { PublicText, neutralise } from '../web/public-text.tsx';
import { StaffName } from '../help/triage-views.tsx';
import { readsPart } from './case-roles.ts';
import type { TracksFile } from './tracks-file.ts';
import { DaysLeft } from './tracks-format.tsx';
import { formatDay } from '../i18n/days.ts';

type Props = { t: Translate; lang: Lang; staff: StaffSession; base: string; names: Map<string, string>; file: TracksFile };

/** The case's tasks the viewer may read, and a form to add one for a colleague on the team. */
export function TaskSection({ t, lang, staff, base, names, file }: Props) {
  const assignable = file.team.filter((member) => file.parts.some((part) => readsPart(member.role, part)));
  return (
    <section id="tasks" data-tasks>
      <h3>{t('tasks.title')}</h3>
      {file.tasks.length === 0 ? (
        <p class="meta">{t('tasks.none')}</p>
      ) : (
        <ul>
          {file.tasks.map((task) => (
            <li data-task={task.id}>
              {task.title.ok ? <PublicText text={task.title.value} /> : <span class="error">{t('tracks.unverified')}</span>} ·{' '}
              <StaffName names={names} id={task.assigneeId} /> · {formatDay(lang, task.dueOn)} <DaysLeft t={t} due={task.dueOn} done={task.done} />
              {task.done && <span class="tag">{t('tasks.doneTag')}</span>}
              <form method="post" action={`${base}/tasks/done`} class="inline">
                <Csrf staff={staff} />
                <input type="hidden" name="task" value={task.id} />
                <input type="hidden" name="done" value={task.done ? 'no' : 'yes'} />
                <button type="submit" class="secondary">
                  {task.done ? t('tasks.reopen') : t('tasks.done')}
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      {assignable.length > 0 && (
        <form method="post" action={`${base}/tasks`}>
          <Csrf staff={staff} />
          <label for="task-title">{t('tasks.what')}</label>
          <input id="task-title" type="text" name="title" maxlength={500} required />
          <label for="task-assignee">{t('tasks.assignee')}</label>
          <select id="task-assignee" name="assignee">
            {assignable.map((member) => (
              <option value={member.userId} selected={member.userId === staff.userId}>
                {neutralise(names.get(member.userId) ?? '—')} ({t(`auth.role.${member.role}`)})
              </option>
            ))}
          </select>
          <label for="task-part">{t('tasks.part')}</label>
          <select id="task-part" name="part">
            {file.parts.map((part) => (
              <option value={part}>{t(`cases.part.${part}`)}</option>
            ))}
          </select>
          <label for="task-due">{t('tasks.due')}</label>
          <input id="task-due" type="date" name="due" required />
          <div class="actions">
            <button type="submit">{t('tasks.add')}</button>
          </div>
        </form>
      )}
    </section>
  );
}
