import type { Role } from '../auth/roles.ts';
import type { CaseContent } from '../cases/content.ts';
import type { NewHelpRequest } from '../help/submit-request.ts';

/**
 * The demo's fictional people and words, apart from the code that plants them (demo-seed.ts).
 * Every name says "demo", so nobody mistakes the demo for real people; the texts are in the
 * language each invented person writes in.
 */

/** Shared by every demo account and printed at start: this instance is thrown away on exit. */
export const DEMO_PASSWORD = 'demo-password-not-secret';

export type DemoLogin = 'demo-admin' | 'demo-coordinator' | 'demo-caseworker' | 'demo-psychologist' | 'demo-lawyer' | 'demo-housing';

/** `sees` is printed beside the login: the tour is about who can read what. */
export type DemoUser = { login: DemoLogin; displayName: string; roles: Role[]; sees: string };

export const ADMIN: DemoUser = {
  login: 'demo-admin',
  displayName: 'Demo Administrator',
  roles: ['administrator', 'coordinator'],
  sees: 'accounts, invitations and the audit log; every request in triage (the inbox); case {A} as its coordinator (the file and the conversation, no psychological or legal notes)',
};

export const COLLEAGUES: DemoUser[] = [
  {
    login: 'demo-coordinator',
    displayName: 'Demo Coordinator',
    roles: ['coordinator'],
    sees: 'every request in triage (the inbox), and answers the Russian one; cases {B} and {C} (closed) as coordinator: the file, no housing notes',
  },
  {
    login: 'demo-caseworker',
    displayName: 'Demo Caseworker',
    roles: ['caseworker'],
    sees: 'no inbox; cases {A}, {B} and {C} (closed): the file, the conversation and the legal notes, no psychological or housing notes',
  },
  {
    login: 'demo-psychologist',
    displayName: 'Demo Psychologist',
    roles: ['psychologist'],
    sees: 'case {A}: its psychological notes only (no story, no contacts, no conversation)',
  },
  {
    login: 'demo-lawyer',
    displayName: 'Demo Lawyer',
    roles: ['lawyer'],
    sees: 'case {A}: its legal notes only (no story, no contacts, no conversation)',
  },
  {
    login: 'demo-housing',
    displayName: 'Demo Housing Coordinator',
    roles: ['housing_coordinator'],
    sees: 'case {B}: its housing notes only',
  },
];

/** A help request, and what happens to it in the demo: a conversation, or a case. */
export type DemoRequest = NewHelpRequest & {
  /** printed beside the receipt */
  shows: string;
  /** alternately the person and the team, starting with the team's answer */
  conversation?: { staff: DemoLogin; lines: string[] };
};

/** The request that becomes case A, with its whole team. */
export const CASE_A_REQUEST: DemoRequest = {
  urgent: false,
  needs: ['psychological', 'legal'],
  country: 'NL',
  language: 'en',
  shows: 'became case {A}: the conversation continues with its team',
  content: {
    city: 'Demo City (demo)',
    story: 'Demo person (demo). An invented request: waiting for the asylum interview, would like to talk to someone.',
    contact: 'Signal: demo-person-2 (demo)',
    contactShared: 'yes',
  },
  conversation: {
    staff: 'demo-caseworker',
    lines: [
      'Hello, this is the demo caseworker (demo). We have your request; a psychologist and a lawyer will join your case.',
      'Thank you. The interview letter says the 14th (demo).',
      'Noted for the lawyer. We will write again tomorrow evening (demo).',
    ],
  },
};

/** Requests that stay in the inbox, one in each language, two of them urgent. */
export const INBOX_REQUESTS: DemoRequest[] = [
  {
    urgent: true,
    needs: ['evacuation', 'housing'],
    country: 'RU',
    language: 'ru',
    shows: 'a conversation with the coordinator',
    content: {
      city: 'Демо-город (демо)',
      story: 'Демо-персона (демо). Это вымышленная заявка для демонстрации: нужно срочно уехать, родственники узнали.',
      contact: 'Signal: demo-person-1 (демо)',
      contactShared: 'no',
      safeTimes: 'вечером, после 21:00 (демо)',
      codeWord: 'демо',
    },
    conversation: {
      staff: 'demo-coordinator',
      lines: [
        'Здравствуйте, это демо-координатор (демо). Мы получили вашу заявку. Вы сейчас в безопасном месте?',
        'Пока да, у подруги. Могу писать только вечером (демо).',
      ],
    },
  },
  {
    urgent: false,
    needs: ['housing', 'psychological'],
    country: 'NL',
    language: 'nl',
    shows: 'in Dutch; waiting for a first answer',
    content: {
      city: 'Demostad (demo)',
      story: 'Demopersoon (demo). Een verzonnen aanvraag: ik woon in een azc en voel me daar niet veilig. Ik zoek een rustige plek en iemand om mee te praten.',
      contact: 'e-mail: demo-person-3@example.invalid (demo)',
      contactShared: 'no',
      safeTimes: 'doordeweeks overdag (demo)',
    },
  },
  {
    urgent: false,
    needs: ['clothing', 'other'],
    country: 'GE',
    language: 'ru',
    shows: 'new',
    content: {
      city: 'Демо-город (демо)',
      story: 'Демо-персона (демо). Вымышленная заявка: нужна зимняя одежда.',
      otherNeed: 'SIM-карта (демо)',
      contactShared: 'unsure',
    },
  },
  {
    urgent: true,
    needs: ['legal'],
    country: 'TR',
    language: 'en',
    shows: 'new',
    content: {
      city: 'Demo City (demo)',
      story: 'Demo person (demo). An invented request: a document deadline is close.',
      contact: 'e-mail: demo-person-4@example.invalid (demo)',
      contactShared: 'no',
    },
  },
];

/** Notes in case A, each in the part its author's role reads. */
export const CASE_A_NOTES = [
  ['demo-caseworker', 'core', 'First call done (demo). Prefers to be written to in English, in the evening.'],
  ['demo-caseworker', 'legal', 'Asylum interview on the 14th, to be confirmed (demo).'],
  ['demo-psychologist', 'psych', 'First conversation planned for next week (demo). Sleeps badly since the journey.'],
  ['demo-lawyer', 'legal', 'Read the demo file; documents for the interview listed (demo).'],
] as const;

/** Case B: someone a partner organisation referred, who needs a room. */
export const CASE_B: { content: CaseContent; notes: readonly (readonly [DemoLogin, 'core' | 'housing', string])[] } = {
  content: {
    preferredName: 'Демо (демо)',
    languages: 'русский, немного английского',
    whereNow: 'Demo City (demo)',
    story: 'Вымышленное направление от партнёрской организации (демо).',
    referredBy: 'Demo Partner Organisation (demo)',
    safety: { contactShared: 'unsure' },
  },
  notes: [
    ['demo-caseworker', 'core', 'Met at the partner organisation (demo). Needs a room away from the asylum centre.'],
    ['demo-housing', 'housing', 'Two demo hosts could fit; to be discussed with the caseworker (demo).'],
  ],
};

/** Case C: a phone call, helped with clothing, and closed. */
export const CASE_C: { content: CaseContent; note: string } = {
  content: {
    preferredName: 'Demo (demo)',
    whereNow: 'Demostad (demo)',
    story: 'Called the association from a friend’s phone (demo): needed winter clothes.',
    safety: {},
  },
  note: 'Clothes handed over (demo). Nothing else needed for now; case closed.',
};
