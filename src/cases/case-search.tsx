import type { Context } from 'hono';
import { z } from 'zod';
import { formatDateTime, type Translate } from '../i18n/index.ts';
import type { Db } from '../db/client.ts';
import type { KeyHolder } from '../crypto/vaults.ts';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { staffPage } from '../web/layout.tsx';
import { notFound } from '../web/errors.ts';
import { PublicBlock } from '../web/public-text.tsx';
import { staffOf } from '../auth/access.ts';
import { CASE_ROLES } from '../auth/roles.ts';
import { openCase } from './case-file.ts';
import type { CasePart } from './case-roles.ts';

/** A match in a case: a note of a part the searcher reads, or a message of a conversation they follow. */
export type CaseMatch = { kind: 'note'; part: CasePart; at: Date; body: string } | { kind: 'message'; at: Date; body: string };

/**
 * Searches one case's notes and messages for words, as its reader: only what openCase lets them
 * decrypt (each opening audited), filtered in memory. The cost is bounded by one case; nothing is
 * searched across cases, and no index of the text is kept. Null when they may not open the case.
 */
export async function searchCase(db: Db, holder: KeyHolder, caseId: string, words: string): Promise<{ pseudonym: string; matches: CaseMatch[] } | null> {
  const file = await openCase(db, holder, caseId);
  if (!file) return null;
  const terms = words.toLocaleLowerCase().split(/\s+/).filter(Boolean);
  const hits = (body: string | null): body is string => body !== null && terms.every((term) => body.toLocaleLowerCase().includes(term));
  const matches: CaseMatch[] = [
    ...file.notes.flatMap((note) => (hits(note.body) ? [{ kind: 'note' as const, part: note.part, at: note.at, body: note.body }] : [])),
    ...file.conversations.flatMap((conversation) => conversation.messages.flatMap((message) => (hits(message.body) ? [{ kind: 'message' as const, at: message.at, body: message.body }] : []))),
  ];
  return { pseudonym: file.summary.pseudonym, matches: matches.sort((a, b) => b.at.getTime() - a.at.getTime()) };
}

const searchQuery = z.object({ q: z.string().trim().min(1).max(200) });

/** The search box on the case page: a GET form, so it works without JavaScript. */
export function CaseSearchForm({ t, action, value }: { t: Translate; action: string; value?: string }) {
  return (
    <form method="get" action={action} class="filters" role="search" data-case-search>
      <label>
        {t('queue.search.label')}
        <input type="search" name="q" value={value ?? ''} maxlength={200} required />
      </label>
      <button type="submit" class="secondary">
        {t('queue.search.submit')}
      </button>
    </form>
  );
}

async function searchPage(c: Context<AppEnv>) {
  const id = z.uuid().safeParse(c.req.param('id') ?? '');
  if (!id.success) throw notFound();
  const t = c.get('t');
  const lang = c.get('lang');
  const base = `/staff/cases/${id.data}`;
  const query = searchQuery.safeParse({ q: c.req.query('q') ?? '' });
  // Asked for access first, whatever the words: a case one cannot open is not found, search or no search.
  const found = await searchCase(dbOf(c), staffOf(c), id.data, query.success ? query.data.q : '');
  if (!found) throw notFound();
  const matches = query.success ? found.matches : [];
  return staffPage(c,
    t('queue.search.title'),
    <>
      <h1>
        {t('queue.search.title')} <span data-pseudonym>{found.pseudonym}</span>
      </h1>
      <p>
        <a href={base}>{t('queue.search.back')}</a>
      </p>
      <CaseSearchForm t={t} action={`${base}/search`} value={query.success ? query.data.q : ''} />
      {query.success && (
        <p role="status" data-matches={matches.length}>
          {matches.length === 0 ? t('queue.search.none') : t('queue.search.results', { count: matches.length })}
        </p>
      )}
      <ul class="thread">
        {matches.map((match) => (
          <li data-match={match.kind}>
            <span class="meta">
              {match.kind === 'note' ? `${t('queue.search.note')} · ${t(`cases.part.${match.part}`)}` : t('queue.search.message')} · {formatDateTime(lang, match.at)}
            </span>
            <PublicBlock text={match.body} />
          </li>
        ))}
      </ul>
    </>,
  );
}

export function registerCaseSearch(app: App): void {
  route(app, 'GET', '/staff/cases/:id/search', staff(...CASE_ROLES), searchPage);
}
