import type { Context } from 'hono';
import { formatDateTime, type Lang, type Translate } from '../i18n/index.ts';
import type { AppEnv, StaffSession } from '../web/context.ts';
import { TableRegion } from '../web/table-region.tsx';
import { PublicText } from '../web/public-text.tsx';
import { staffOf } from '../auth/access.ts';
import { REFUSALS, type Refusal } from '../files/content-check.ts';
import type { CasePart } from './case-roles.ts';
import { DOCUMENT_KINDS, DOCUMENT_PARTS, type DocumentItem } from './documents.ts';

const sizeFormats = new Map<string, Intl.NumberFormat>();

/** A size in the reader's language, with its unit ("2.4 MB", «2,4 МБ»). */
export function formatSize(lang: Lang, bytes: number): string {
  const unit = bytes >= 1024 * 1024 ? 'megabyte' : 'kilobyte';
  const key = `${lang}:${unit}`;
  let format = sizeFormats.get(key);
  if (!format) sizeFormats.set(key, (format = new Intl.NumberFormat(lang, { style: 'unit', unit, maximumFractionDigits: 1 })));
  return format.format(unit === 'megabyte' ? bytes / (1024 * 1024) : Math.max(0.1, bytes / 1024));
}

function DocumentTable({ t, lang, caseId, items }: { t: Translate; lang: Lang; caseId: string; items: DocumentItem[] }) {
  return (
    <TableRegion label={t('documents.title')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('documents.col.name')}</th>
            <th scope="col">{t('documents.col.kind')}</th>
            <th scope="col">{t('documents.col.part')}</th>
            <th scope="col">{t('documents.col.size')}</th>
            <th scope="col">{t('documents.col.added')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr data-document={item.id}>
              <td>
                {item.about ? (
                  <>
                    <a href={`/staff/cases/${caseId}/documents/${item.id}`} download>
                      <PublicText text={item.about.name} />
                    </a>
                    {item.about.description && (
                      <>
                        <br />
                        <span class="meta">
                          <PublicText text={item.about.description} />
                        </span>
                      </>
                    )}
                  </>
                ) : (
                  <span class="error">{t('triage.unverified')}</span>
                )}
                {item.original && (
                  <>
                    <br />
                    <span class="tag">{t('documents.original')}</span>
                  </>
                )}
              </td>
              <td>{t(`documents.kind.${item.kind}`)}</td>
              <td>{t(`cases.part.${item.part}`)}</td>
              <td>{formatSize(lang, item.size)}</td>
              <td>
                {formatDateTime(lang, item.at)}
                <br />
                <span class="meta">
                  <PublicText text={item.uploadedBy} />
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

/** The upload form: the file comes last, so the fields arrive before it (the route reads them first). */
function UploadForm({ t, lang, me, caseId, parts, maxBytes }: { t: Translate; lang: Lang; me: StaffSession; caseId: string; parts: CasePart[]; maxBytes: number }) {
  return (
    <form method="post" action={`/staff/cases/${caseId}/documents`} enctype="multipart/form-data" class="card">
      {/* First: the route checks it before it takes a byte of the file. */}
      <input type="hidden" name="_csrf" value={me.csrfToken} />
      <h3>{t('documents.upload')}</h3>
      <label for="document-part">{t('documents.field.part')}</label>
      <select id="document-part" name="part" required>
        {parts.map((part) => (
          <option value={part}>{t(`cases.part.${part}`)}</option>
        ))}
      </select>
      <label for="document-kind">{t('documents.field.kind')}</label>
      <select id="document-kind" name="kind" required>
        {DOCUMENT_KINDS.map((kind) => (
          <option value={kind}>{t(`documents.kind.${kind}`)}</option>
        ))}
      </select>
      <label for="document-description">{t('documents.field.description')}</label>
      <textarea id="document-description" name="description" rows={2} maxlength={2000}></textarea>
      <label class="choice">
        <input type="checkbox" name="original" value="yes" /> {t('documents.field.original')}
      </label>
      <label for="document-file">{t('documents.field.file')}</label>
      <span class="hint" id="document-file-hint">
        {t('documents.field.file.hint')} {formatSize(lang, maxBytes)}
      </span>
      <input
        id="document-file"
        type="file"
        name="file"
        required
        aria-describedby="document-file-hint"
        accept=".pdf,.jpg,.jpeg,.png,.webp,.heic,application/pdf,image/jpeg,image/png,image/webp,image/heic"
      />
      <div class="actions">
        <button type="submit">{t('documents.submit')}</button>
      </div>
    </form>
  );
}

function isRefusal(value: string | undefined): value is Refusal {
  return (REFUSALS as readonly (string | undefined)[]).includes(value);
}

/**
 * The documents section of a case page: what the viewer's parts hold (read by openCasePage with
 * the vaults the page opened), and the form to add to them.
 */
export function documentsSection(c: Context<AppEnv>, caseId: string, parts: CasePart[], items: DocumentItem[]) {
  const t = c.get('t');
  const lang = c.get('lang');
  const me = staffOf(c);
  const mine = DOCUMENT_PARTS.filter((part) => parts.includes(part));
  if (mine.length === 0) return null;
  const maxBytes = c.get('deps').config.documentMaxBytes;
  const outcome = c.req.query('document');
  return (
    <section id="documents" aria-labelledby="documents-title">
      <h2 id="documents-title">
        {t('documents.title')} <span class="meta">({t('documents.count', { n: items.length })})</span>
      </h2>
      {outcome === 'added' && (
        <p class="ok" role="status">
          {t('documents.added')}
        </p>
      )}
      {isRefusal(outcome) && (
        <p class="error" role="alert" data-refused={outcome}>
          {t(`documents.refused.${outcome}`)}
          {outcome === 'size' && ` ${formatSize(lang, maxBytes)}`}
        </p>
      )}
      {items.length === 0 ? <p class="meta">{t('documents.none')}</p> : <DocumentTable t={t} lang={lang} caseId={caseId} items={items} />}
      <UploadForm t={t} lang={lang} me={me} caseId={caseId} parts={mine} maxBytes={maxBytes} />
    </section>
  );
}
