import type { Db, Queryable } from '../db/client.ts';
import type { KeyHolder } from '../crypto/vaults.ts';
import { auditAbout, type SubjectEntry } from '../audit/subject-entries.ts';
import { requestsOfCase } from '../help/triage.ts';
import { referralsOfCase } from '../directory/refer-case.ts';
import type { EntryKind } from '../directory/content.ts';
import { readCaseFile } from './case-file.ts';
import { openCaseAccess } from './case-access.ts';
import { CASE_PARTS, type CasePart, type CaseRole } from './case-roles.ts';
import { TRACKS, type Track } from './tracks.ts';

const isTrack = (value: unknown): value is Track => typeof value === 'string' && (TRACKS as string[]).includes(value);

/**
 * A case's timeline: one chronological view of what happened on it, from its own records (notes,
 * messages, referrals, with their content) and the audit entries about the case and its requests
 * (team, status, tracks, deadlines, tasks, documents), which carry ids and codes only.
 *
 * Need-to-know decides what appears: an item that belongs to a part of the case the viewer cannot
 * read does not appear at all, not even as "a psychological note". That a psychological note was
 * written, and how often, already says something about the person; the audit page keeps the fact
 * for the administrators. Team and status changes belong to the whole team and show to everyone
 * on it.
 */
export type TimelineItem =
  | { type: 'event'; at: Date; actorId: string | null; kind: SubjectEntry['kind']; detail: Record<string, string> }
  | { type: 'note'; at: Date; actorId: string; part: CasePart; body: string | null }
  | { type: 'message'; at: Date; actorId: string | null; fromPerson: boolean; body: string | null }
  | { type: 'referral'; at: Date; actorId: string; entryName: string; entryKind: EntryKind; note: string | null | false; ended: boolean };

export type Timeline = { caseId: string; pseudonym: string; role: CaseRole; parts: CasePart[]; items: TimelineItem[] };

/** The part of the case an event belongs to; 'team' for the whole team; null: not shown. */
type Belongs = CasePart | 'team' | null;

/** A track shows to who reads the core and to who reads the track's own part. */
const TRACK_PART: Record<Track, CasePart | null> = { evacuation: null, clothing: null, psych: 'psych', legal: 'legal', shelter: 'housing' };

function partOfEvent(entry: SubjectEntry, taskParts: Map<string, CasePart>): Belongs[] {
  const detail = entry.detail;
  switch (entry.kind) {
    case 'case.created':
    case 'case.assigned':
    case 'case.member_removed':
    case 'case.status_changed':
    case 'case.request_joined':
      return ['team'];
    case 'request.received':
    case 'request.status_changed':
      return ['core'];
    case 'case.document_added':
      return [isPart(detail.part) ? detail.part : null];
    case 'case.track_opened':
    case 'case.track_state_changed': {
      if (!isTrack(detail.track)) return [null];
      return ['core', TRACK_PART[detail.track]];
    }
    case 'case.track_recorded': {
      if (!isTrack(detail.track)) return [null];
      // The records themselves: psychological sessions to psych, deadlines to legal, evacuation and clothing to core.
      return [TRACK_PART[detail.track] ?? 'core'];
    }
    case 'case.task_changed':
      return [typeof detail.taskId === 'string' ? (taskParts.get(detail.taskId) ?? null) : null];
    case 'case.referred':
      // the referral itself comes from its record, with its note; its end does too
      return [null];
    default:
      // notes and replies come from their records; everything else (vault openings, downloads) is not a case event
      return [null];
  }
}

function isPart(value: unknown): value is CasePart {
  return typeof value === 'string' && (CASE_PARTS as readonly string[]).includes(value);
}

function codes(detail: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(detail).filter((pair): pair is [string, string] => typeof pair[1] === 'string'));
}

async function taskPartsOf(tx: Queryable, caseId: string): Promise<Map<string, CasePart>> {
  const rows = await tx.query<{ id: string; part: CasePart }>('select id, part from case_tasks where case_id = $1', [caseId]);
  return new Map(rows.map((row) => [row.id, row.part]));
}

/** The timeline for a member of the case's team; null for anyone else, as for a missing case. */
export async function openTimeline(db: Db, holder: KeyHolder, caseId: string): Promise<Timeline | null> {
  // The case and its referrals from one opening: each vault decrypted, and audited, once.
  const opened = await db.transaction(async (tx) => {
    const access = await openCaseAccess(tx, holder, caseId, 'timeline');
    return access && { file: await readCaseFile(tx, holder, access), referrals: await referralsOfCase(tx, caseId, access.vaults.core) };
  });
  if (!opened) return null;
  const { file } = opened;
  const readable = new Set<Belongs>(['team', ...file.parts]);
  const requests = await requestsOfCase(db, caseId);
  const entries = await auditAbout(db, [caseId, ...requests.map((request) => request.id)]);
  const taskParts = await taskPartsOf(db, caseId);
  const items: TimelineItem[] = [];
  for (const entry of entries) {
    if (!partOfEvent(entry, taskParts).some((part) => part !== null && readable.has(part))) continue;
    items.push({ type: 'event', at: entry.at, actorId: entry.actorUserId, kind: entry.kind, detail: codes(entry.detail) });
  }
  for (const note of file.notes) items.push({ type: 'note', at: note.at, actorId: note.authorId, part: note.part, body: note.body });
  for (const conversation of file.conversations) {
    for (const message of conversation.messages) {
      items.push({ type: 'message', at: message.at, actorId: message.staffUserId, fromPerson: message.author === 'person', body: message.body });
    }
  }
  for (const referral of opened.referrals) {
    const note = referral.note === null ? null : referral.note.ok ? referral.note.text : false;
    items.push({ type: 'referral', at: referral.at, actorId: referral.referredBy, entryName: referral.entryName, entryKind: referral.entryKind, note, ended: referral.endedAt !== null });
  }
  items.sort((a, b) => a.at.getTime() - b.at.getTime());
  return { caseId, pseudonym: file.summary.pseudonym, role: file.role, parts: file.parts, items };
}

/** The timeline's search, over what the viewer could open: a holder of the vaults searches their own text. */
export function searchTimeline(items: TimelineItem[], query: string): TimelineItem[] {
  const needle = query.trim().toLowerCase();
  if (!needle) return items;
  return items.filter((item) => {
    const text = item.type === 'note' || item.type === 'message' ? item.body : item.type === 'referral' ? `${item.entryName} ${item.note || ''}` : null;
    return text !== null && text.toLowerCase().includes(needle);
  });
}
