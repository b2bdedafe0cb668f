import type { Context } from 'hono';
import { z } from 'zod';
import type { Translate } from '../i18n/index.ts';
import { dbOf, type AppEnv, type StaffSession } from '../web/context.ts';
import { ReplyForm } from '../help/triage-views.tsx';
import { TemplatePicker } from '../help/queue-views.tsx';
import { findTemplate, listTemplates, type ReplyTemplate } from '../help/reply-templates.ts';
import type { RequestSummary } from '../help/triage.ts';

const uuidQuery = z.uuid().optional().catch(undefined);

/** The reply templates a case page offers, and the one picked (`?template=…&conversation=…`) for one conversation. */
export type TemplateChoice = { templates: ReplyTemplate[]; chosen?: string; conversation?: string; prefill?: string };

/**
 * Reads the templates once for every reply form of the page (each picker puts the person's
 * language first by itself); a bad or unknown parameter is ignored, as on the request page.
 */
export async function chooseTemplate(c: Context<AppEnv>): Promise<TemplateChoice> {
  const db = dbOf(c);
  const chosen = uuidQuery.parse(c.req.query('template'));
  const conversation = uuidQuery.parse(c.req.query('conversation'));
  const prefill = chosen && conversation ? (await findTemplate(db, chosen))?.body : undefined;
  return { templates: await listTemplates(db), chosen, conversation, prefill };
}

/**
 * The reply form under one of a case's conversations, with the request page's template picker
 * (no JavaScript: the picker is a GET form that comes back with this form pre-filled). Each form
 * has its own id, so a case with two joined requests fills the one that was picked for.
 */
export function CaseReply({ t, staff, caseId, request, choice }: { t: Translate; staff: StaffSession; caseId: string; request: RequestSummary; choice: TemplateChoice }) {
  const mine = choice.conversation === request.id;
  const anchor = `reply-${request.id}`;
  return (
    <>
      <TemplatePicker
        t={t}
        action={`/staff/cases/${caseId}`}
        templates={choice.templates}
        personLang={request.language}
        chosen={mine ? choice.chosen : undefined}
        anchor={anchor}
        hidden={{ conversation: request.id }}
      />
      <ReplyForm t={t} staff={staff} id={anchor} action={`/staff/requests/${request.id}/reply?back=case`} prefill={mine ? choice.prefill : undefined} />
    </>
  );
}
