import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, Queryable } from '../db/client.ts';
import { appendAudit } from '../audit/log.ts';
import { LANGUAGES, type Lang } from '../i18n/index.ts';

/**
 * Reply templates: the association's own text (first contact, what to bring to the interview,
 * where to find us…) in each language. No personal data, so plain columns; writes are audited.
 */
export type ReplyTemplate = { id: string; lang: Lang; title: string; body: string; updatedAt: Date };

export const templateSchema = z.object({
  lang: z.enum(LANGUAGES),
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(5000),
});
export type TemplateInput = z.infer<typeof templateSchema>;

type Row = { id: string; lang: Lang; title: string; body: string; updated_at: Date };
const present = (row: Row): ReplyTemplate => ({ id: row.id, lang: row.lang, title: row.title, body: row.body, updatedAt: row.updated_at });

/** Every template, those in `first` (the person's language) before the others. */
export async function listTemplates(db: Queryable, first?: Lang | null): Promise<ReplyTemplate[]> {
  const rows = await db.query<Row>(
    'select id, lang, title, body, updated_at from reply_templates order by (lang = $1) desc, lang, title, id limit 500',
    [first ?? null],
  );
  return rows.map(present);
}

export async function findTemplate(db: Queryable, id: string): Promise<ReplyTemplate | null> {
  const [row] = await db.query<Row>('select id, lang, title, body, updated_at from reply_templates where id = $1', [id]);
  return row ? present(row) : null;
}

/** Adds a template, or changes the one named; null when the one named does not exist. */
export async function saveTemplate(db: Db, userId: string, input: TemplateInput, id?: string): Promise<string | null> {
  return db.transaction(async (tx) => {
    const templateId = id ?? randomUUID();
    const rows = id
      ? await tx.query('update reply_templates set lang = $2, title = $3, body = $4, updated_by = $5, updated_at = now() where id = $1 returning 1', [
          id, input.lang, input.title, input.body, userId,
        ])
      : await tx.query('insert into reply_templates (id, lang, title, body, updated_by) values ($1, $2, $3, $4, $5) returning 1', [
          templateId, input.lang, input.title, input.body, userId,
        ]);
    if (rows.length === 0) return null;
    await appendAudit(tx, userId, { kind: 'template.saved', templateId });
    return templateId;
  });
}

export async function deleteTemplate(db: Db, userId: string, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.query('delete from reply_templates where id = $1 returning 1', [id]);
    if (rows.length > 0) await appendAudit(tx, userId, { kind: 'template.deleted', templateId: id });
    return rows.length > 0;
  });
}
