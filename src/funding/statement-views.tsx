import type { Translate } from '../i18n/index.ts';
import type { Lang } from '../i18n/lang.ts';
import type { StaffSession } from '../web/context.ts';
import { Csrf } from '../web/layout.tsx';
import { PublicBlock, PublicText } from '../web/public-text.tsx';
import { TableRegion } from '../web/table-region.tsx';
import { formatDay } from '../i18n/days.ts';
import { formatEuros } from './money.ts';
import { formatRfReference } from './rf-reference.ts';
import { formatIban } from './iban.ts';
import type { LineView } from './statement-lines.ts';
import type { ImportProblem, ImportSummary } from './import-statement.ts';
import type { LinkableExpense } from './reconcile-debit.ts';
import { DebitActions, Outcome, WaitingActions } from './statement-line-actions.tsx';

type Props = { t: Translate; lang: Lang };

/** What came of the last upload: the counts, or why the file was refused. */
export type UploadOutcome = { summary: ImportSummary } | { problem: ImportProblem | 'no_file'; where?: string };

function Amount({ lang, line }: { lang: Lang; line: LineView }) {
  // Another currency is shown as the bank wrote it, in exact cents (never through a float).
  const other = `${line.currency} ${line.amountCents / 100n}.${String(line.amountCents % 100n).padStart(2, '0')}`;
  return <>{line.currency === 'EUR' ? formatEuros(line.amountCents, lang) : other}</>;
}

function Payer({ t, line }: { t: Translate; line: LineView }) {
  if (line.details === 'locked') return <span class="meta">{t('statements.locked')}</span>;
  if (line.details === 'unverified') return <span class="error">{t('statements.unverified')}</span>;
  return (
    <>
      {line.details.counterpartyName && <PublicText text={line.details.counterpartyName} />}
      {line.details.counterpartyIban && <span class="meta phone"> {formatIban(line.details.counterpartyIban)}</span>}
    </>
  );
}

function Description({ line }: { line: LineView }) {
  if (typeof line.details !== 'object') return null;
  const text = [line.details.text, line.details.bankInfo].filter(Boolean).join('\n');
  return text ? <PublicBlock text={text} /> : null;
}

function Summary({ t, summary }: { t: Translate; summary: ImportSummary }) {
  return (
    <div class="notice" role="status" data-import={`${summary.fresh}/${summary.known}/${summary.booked}/${summary.waiting}/${summary.debits}`}>
      <p>
        <strong>{t('statements.done.imported')}</strong>
      </p>
      <ul>
        <li>{t('statements.fresh', { n: summary.fresh })}</li>
        <li>{t('statements.booked', { n: summary.booked })}</li>
        <li>{t('statements.waitingCount', { n: summary.waiting })}</li>
        <li>{t('statements.debitCount', { n: summary.debits })}</li>
        <li>{t('statements.known', { n: summary.known })}</li>
      </ul>
    </div>
  );
}

function UploadForm({ t, staff, problem }: { t: Translate; staff: StaffSession; problem: boolean }) {
  return (
    <form method="post" action="/staff/funding/statements" enctype="multipart/form-data">
      {/* The token is the form's first field: it is checked before the file is taken. */}
      <Csrf staff={staff} />
      <label for="file">{t('statements.file')}</label>
      <input type="file" id="file" name="file" accept=".xml,application/xml,text/xml" required aria-describedby={problem ? 'upload-problem' : undefined} />
      <p class="actions">
        <button type="submit">{t('statements.upload')}</button>
      </p>
    </form>
  );
}

export function StatementsPage(
  props: Props & { staff: StaffSession; waiting: LineView[]; debits: LineView[]; decided: LineView[]; linkable: Map<bigint, LinkableExpense[]>; outcome?: UploadOutcome; notice?: string },
) {
  const { t, lang, staff, outcome } = props;
  const problem = outcome && 'problem' in outcome ? outcome : null;
  return (
    <>
      <h1>{t('statements.title')}</h1>
      <p>
        <a href="/staff/funding">{t('treasury.title')}</a>
      </p>
      {props.notice && (
        <p class="ok" role="status">
          {props.notice}
        </p>
      )}
      {outcome && 'summary' in outcome && <Summary t={t} summary={outcome.summary} />}
      {problem && (
        <div class="notice" role="alert" id="upload-problem" data-problem={problem.problem}>
          <p>
            <strong>{t('statements.problem.title')}</strong>
          </p>
          <p>
            {t(`statements.problem.${problem.problem}`)}
            {problem.where && ` ${t('statements.problem.where')} ${problem.where}.`}
          </p>
        </div>
      )}
      <p>{t('statements.intro')}</p>
      <UploadForm t={t} staff={staff} problem={problem !== null} />

      <h2>{t('statements.waiting')}</h2>
      {props.waiting.length === 0 ? (
        <p>{t('statements.waiting.none')}</p>
      ) : (
        <TableRegion label={t('statements.waiting')}>
          <table data-lines="waiting">
            <thead>
              <tr>
                <th scope="col">{t('statements.col.date')}</th>
                <th scope="col">{t('statements.col.amount')}</th>
                <th scope="col">{t('statements.col.reference')}</th>
                <th scope="col">{t('statements.col.payer')}</th>
                <th scope="col">{t('statements.col.text')}</th>
                <th scope="col">{t('statements.col.why')}</th>
                <th scope="col">{t('statements.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {props.waiting.map((line) => (
                <tr data-line={line.id} data-reason={line.reason ?? ''}>
                  <td>{formatDay(lang, line.bookingDate)}</td>
                  <td>
                    <Amount lang={lang} line={line} />
                  </td>
                  <td class="phone">{line.rfReference ? formatRfReference(line.rfReference) : '—'}</td>
                  <td>
                    <Payer t={t} line={line} />
                  </td>
                  <td>
                    <Description line={line} />
                  </td>
                  <td>
                    {line.reason && t(`statements.reason.${line.reason}`)}
                    {line.pledge && (
                      <span class="meta">
                        {' '}
                        · {t('statements.pledge')} {formatEuros(line.pledge.amountCents, lang)}, {t(`purpose.${line.pledge.purpose}`)}
                      </span>
                    )}
                  </td>
                  <td>
                    <WaitingActions t={t} staff={staff} line={line} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}

      <h2>{t('statements.debits')}</h2>
      <p class="meta">{t('statements.debits.intro')}</p>
      {props.debits.length > 0 && (
        <TableRegion label={t('statements.debits')}>
          <table data-lines="debits">
            <thead>
              <tr>
                <th scope="col">{t('statements.col.date')}</th>
                <th scope="col">{t('statements.col.amount')}</th>
                <th scope="col">{t('statements.col.payee')}</th>
                <th scope="col">{t('statements.col.text')}</th>
                <th scope="col">{t('statements.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {props.debits.map((line) => (
                <tr data-line={line.id}>
                  <td>{formatDay(lang, line.bookingDate)}</td>
                  <td>
                    −<Amount lang={lang} line={line} />
                  </td>
                  <td>
                    <Payer t={t} line={line} />
                  </td>
                  <td>
                    <Description line={line} />
                  </td>
                  <td>
                    <DebitActions t={t} lang={lang} staff={staff} line={line} expenses={props.linkable.get(line.amountCents) ?? []} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}

      <h2>{t('statements.decided')}</h2>
      {props.decided.length > 0 && (
        <TableRegion label={t('statements.decided')}>
          <table data-lines="decided">
            <thead>
              <tr>
                <th scope="col">{t('statements.col.date')}</th>
                <th scope="col">{t('statements.col.amount')}</th>
                <th scope="col">{t('statements.col.reference')}</th>
                <th scope="col">{t('statements.col.payer')}</th>
                <th scope="col">{t('statements.col.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {props.decided.map((line) => (
                <tr data-line={line.id} data-state={line.state}>
                  <td>{formatDay(lang, line.bookingDate)}</td>
                  <td>
                    {line.direction === 'debit' && '−'}
                    <Amount lang={lang} line={line} />
                  </td>
                  <td class="phone">{line.rfReference ? formatRfReference(line.rfReference) : '—'}</td>
                  <td>
                    <Payer t={t} line={line} />
                  </td>
                  <td>
                    <Outcome t={t} line={line} />
                    {typeof line.note === 'string' && line.note !== 'unverified' && (
                      <>
                        {' '}
                        <PublicText text={line.note} />
                      </>
                    )}
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
