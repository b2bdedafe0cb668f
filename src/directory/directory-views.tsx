import type { Translate } from '../i18n/index.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { Field, describedBy, ErrorSummary } from '../web/forms.tsx';
import { PublicBlock, PublicText } from '../web/public-text.tsx';
import { TableRegion } from '../web/table-region.tsx';
import { ENTRY_KINDS, FRIENDLY } from './content.ts';
import type { DirectoryPage, DirectoryEntry } from './list-directory.ts';
import type { DirectoryFilter } from './queries.ts';

type Target = { id: string; pseudonym: string } | null;

/** The filters: a plain GET form, so a filtered list is an address that works without JavaScript. */
function Filters({ t, filter, target }: { t: Translate; filter: DirectoryFilter; target: Target }) {
  return (
    <form method="get" action="/staff/directory" class="filters" aria-label={t('directory.filter')}>
      {target && <input type="hidden" name="case" value={target.id} />}
      <label>
        {t('directory.kind')}
        <select name="kind">
          <option value="">{t('directory.kind.any')}</option>
          {ENTRY_KINDS.map((kind) => (
            <option value={kind} selected={filter.kind === kind}>
              {t(`directory.kind.${kind}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('directory.language')}
        <input name="language" value={filter.language ?? ''} size={4} maxlength={3} pattern="[A-Za-z]{2,3}" />
      </label>
      <label>
        {t('directory.city')}
        <input name="city" value={filter.city ?? ''} maxlength={100} />
      </label>
      <label>
        {t('directory.friendly')}
        <select name="friendly">
          <option value="">{t('directory.friendly.any')}</option>
          {FRIENDLY.map((answer) => (
            <option value={answer} selected={filter.friendly === answer}>
              {t(`directory.friendly.${answer}`)}
            </option>
          ))}
        </select>
      </label>
      <label class="choice">
        <input type="checkbox" name="capacity" value="yes" checked={filter.hasCapacity === true} /> {t('directory.hasCapacity')}
      </label>
      <button type="submit" class="secondary">
        {t('directory.filter.apply')}
      </button>
    </form>
  );
}

function Contact({ t, entry }: { t: Translate; entry: DirectoryEntry }) {
  if (entry.contact === null) return <span class="meta">{t('directory.contact.hidden')}</span>;
  if (!entry.contact.ok) return <span class="error">{t('directory.contact.unverified')}</span>;
  return <PublicBlock text={entry.contact.text} />;
}

function EntryActions({ t, staff, entry, page, target }: { t: Translate; staff: StaffSession; entry: DirectoryEntry; page: DirectoryPage; target: Target }) {
  return (
    <>
      {target && (
        <form method="post" action={`/staff/cases/${target.id}/referrals`}>
          <Csrf staff={staff} />
          <input type="hidden" name="entry" value={entry.id} />
          <label for={`note-${entry.id}`}>{t('directory.refer.note')}</label>
          <textarea id={`note-${entry.id}`} name="note" rows={2} maxlength={2000}></textarea>
          <button type="submit">{t('directory.refer')}</button>
        </form>
      )}
      {page.mayEdit && (
        <a href={`/staff/directory/${entry.id}/edit`} aria-label={`${t('directory.edit')}: ${entry.name}`}>
          {t('directory.edit')}
        </a>
      )}
    </>
  );
}

export function DirectoryList(props: { t: Translate; staff: StaffSession; page: DirectoryPage; filter: DirectoryFilter; target: Target; notice?: string }) {
  const { t, page, target } = props;
  return (
    <>
      <h1>{t('directory.title')}</h1>
      <p>{t('directory.intro')}</p>
      {props.notice && (
        <p class="ok" role="status">
          {props.notice}
        </p>
      )}
      {target && (
        <p class="notice" data-refer-for={target.id}>
          {t('directory.refer.for', { name: target.pseudonym })} — {t('directory.refer.none')}
        </p>
      )}
      {page.mayEdit && (
        <p>
          <a class="button" href="/staff/directory/new">
            {t('directory.add')}
          </a>
        </p>
      )}
      <Filters t={t} filter={props.filter} target={target} />
      {page.contacts === 'waiting' && <p class="notice">{t('directory.contact.waiting')}</p>}
      <p class="meta" data-count={page.entries.length}>
        {t('directory.count', { n: page.entries.length })}
      </p>
      {page.entries.length === 0 ? (
        <p>{t('directory.empty')}</p>
      ) : (
        <TableRegion label={t('directory.title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('directory.name')}</th>
                <th scope="col">{t('directory.kind')}</th>
                <th scope="col">{t('directory.languages')}</th>
                <th scope="col">{t('directory.city')}</th>
                <th scope="col">{t('directory.friendly')}</th>
                <th scope="col">{t('directory.load')}</th>
                <th scope="col">{t('directory.contact')}</th>
                <th scope="col">{t('directory.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {page.entries.map((entry) => (
                <tr data-entry={entry.id}>
                  <th scope="row">
                    <PublicText text={entry.name} />
                  </th>
                  <td>{t(`directory.kind.${entry.kind}`)}</td>
                  <td>{entry.languages.map((code) => code.toUpperCase()).join(', ')}</td>
                  <td>{entry.city ? <PublicText text={entry.city} /> : '—'}</td>
                  <td>{t(`directory.friendly.${entry.friendly}`)}</td>
                  <td data-load={`${entry.load}/${entry.capacity}`}>{t('directory.loadOf', { load: entry.load, capacity: entry.capacity })}</td>
                  <td>
                    <Contact t={t} entry={entry} />
                  </td>
                  <td>
                    <EntryActions t={t} staff={props.staff} entry={entry} page={page} target={target} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}

export type EntryFormValues = Partial<Record<'kind' | 'name' | 'languages' | 'city' | 'friendly' | 'capacity' | 'contact', string>>;
export type EntryFormErrors = Partial<Record<keyof EntryFormValues, string>>;

/** Adding and editing share one form; editing also offers retiring, behind a ticked box. */
export function EntryForm(props: { t: Translate; staff: StaffSession; action: string; values: EntryFormValues; errors: EntryFormErrors; retireAction?: string }) {
  const { t, values, errors } = props;
  const text = (name: 'name' | 'languages' | 'city' | 'capacity', label: string, hint?: string, type = 'text') => (
    <Field name={name} label={label} hint={hint} error={errors[name]}>
      <input
        id={name}
        name={name}
        type={type}
        value={values[name] ?? ''}
        required={name === 'name' || name === 'capacity'}
        aria-invalid={errors[name] ? 'true' : undefined}
        aria-describedby={describedBy(name, hint !== undefined, errors[name])}
        {...(type === 'number' ? { min: 0, max: 1000, inputmode: 'numeric' } : {})}
      />
    </Field>
  );
  return (
    <>
      <ErrorSummary errors={errors} title={t('directory.errors')} />
      <form method="post" action={props.action}>
        <Csrf staff={props.staff} />
        <Field name="kind" label={t('directory.kind')} error={errors.kind}>
          <select id="kind" name="kind" aria-describedby={describedBy('kind', false, errors.kind)}>
            {ENTRY_KINDS.map((kind) => (
              <option value={kind} selected={values.kind === kind}>
                {t(`directory.kind.${kind}`)}
              </option>
            ))}
          </select>
        </Field>
        {text('name', t('directory.name'))}
        {text('languages', t('directory.languages'), t('directory.languages.hint'))}
        {text('city', t('directory.city'))}
        <Field name="friendly" label={t('directory.friendly')} error={errors.friendly}>
          <select id="friendly" name="friendly" aria-describedby={describedBy('friendly', false, errors.friendly)}>
            {FRIENDLY.map((answer) => (
              <option value={answer} selected={(values.friendly ?? 'unknown') === answer}>
                {t(`directory.friendly.${answer}`)}
              </option>
            ))}
          </select>
        </Field>
        {text('capacity', t('directory.capacity'), undefined, 'number')}
        <Field name="contact" label={t('directory.contact')} hint={t('directory.contact.hint')} error={errors.contact}>
          <textarea id="contact" name="contact" rows={4} maxlength={2000} aria-describedby={describedBy('contact', true, errors.contact)}>
            {values.contact ?? ''}
          </textarea>
        </Field>
        <div class="actions">
          <button type="submit">{t('directory.save')}</button>
        </div>
      </form>
      {props.retireAction && (
        <form method="post" action={props.retireAction} class="card">
          <Csrf staff={props.staff} />
          <label class="choice">
            <input type="checkbox" name="confirm" value="yes" required /> {t('directory.retire.confirm')}
          </label>
          <div class="actions">
            <button type="submit" class="secondary">
              {t('directory.retire')}
            </button>
          </div>
        </form>
      )}
    </>
  );
}
