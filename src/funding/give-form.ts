import { z } from 'zod';
import type { Giving } from '../config.ts';
import type { Translate } from '../i18n/index.ts';
import { formatEuros, parseEuros } from './money.ts';
import { PURPOSES, type Purpose } from './purposes.ts';
import { DISPLAYS, EMAIL_MAX, MESSAGE_MAX, NAME_MAX, type Display } from './gift-content.ts';
import type { Lang } from '../i18n/lang.ts';

/** The amounts offered as choices, in euros; those outside the configured bounds are left out. */
const PRESET_EUROS = [10, 25, 50, 100] as const;

export function presetsFor(giving: Giving): bigint[] {
  return PRESET_EUROS.map((euros) => BigInt(euros) * 100n).filter((cents) => cents >= giving.minCents && cents <= giving.maxCents);
}

export type GiveFields = 'key' | 'preset' | 'amount' | 'purpose' | 'display' | 'name' | 'email' | 'receipt' | 'message' | 'way' | 'frequency';

/** A pledge as the form asked for it, checked. */
export type GiveRequest = {
  /** the form's own random key: the same form posted twice makes one pledge (src/funding/pledge-gift.ts) */
  key: string;
  amountCents: bigint;
  purpose: Purpose;
  display: Display;
  name: string | null;
  email: string | null;
  receipt: boolean;
  message: string | null;
};

export const FORM_KEY = /^[A-Za-z0-9_-]{32,64}$/;

const shape = z.object({
  key: z.string().regex(FORM_KEY),
  preset: z.string().max(20).optional(),
  amount: z.string().max(40).optional(),
  purpose: z.enum(PURPOSES),
  display: z.enum(DISPLAYS),
  name: z.string().max(NAME_MAX * 4).optional(),
  email: z.string().max(EMAIL_MAX * 2).optional(),
  receipt: z.literal('yes').optional(),
  message: z.string().max(MESSAGE_MAX * 8).optional(),
});

const characters = (text: string) => [...text].length;
const tidy = (text: string | undefined) => (text ?? '').replace(/\r\n?/g, '\n').trim() || null;
const email = z.email();

export type ParsedGive = { ok: true; gift: GiveRequest } | { ok: false; errors: Partial<Record<GiveFields, string>> };

/**
 * Checks the Give form. A typed amount wins over the choice of a preset: without JavaScript a
 * person types into "another amount" and may leave the preset chosen. Every problem is named next
 * to its field, in the reader's language.
 */
export function parseGiveForm(values: Partial<Record<string, string | string[]>>, giving: Giving, t: Translate, lang: Lang): ParsedGive {
  const single = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));
  const errors: Partial<Record<GiveFields, string>> = {};
  const parsed = shape.safeParse(single);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? 'key') as GiveFields;
      errors[field] ??= fieldMessage(t, field);
    }
    // The amount is checked on its own as well, so a single post names every problem at once.
    const amountProblem = checkAmount(single, giving, t, lang);
    if (typeof amountProblem === 'string') errors.amount ??= amountProblem;
    return { ok: false, errors };
  }
  const form = parsed.data;
  const amount = checkAmount(form, giving, t, lang);
  if (typeof amount === 'string') errors.amount = amount;
  const name = tidy(form.name);
  const mail = tidy(form.email);
  const message = tidy(form.message);
  const receipt = form.receipt === 'yes';
  if (form.display === 'private') {
    // Fully anonymous keeps nothing but the amount: saying so beats throwing away what was typed.
    if (name) errors.name = t('give.error.privateName');
    if (mail) errors.email = t('give.error.privateEmail');
    if (receipt) errors.receipt = t('give.error.privateReceipt');
    if (message) errors.message = t('give.error.privateMessage');
  } else {
    if (form.display === 'public' && !name) errors.name = t('give.error.nameMissing');
    if (name && characters(name) > NAME_MAX) errors.name = t('give.error.nameLong');
    if (mail && (characters(mail) > EMAIL_MAX || !email.safeParse(mail).success)) errors.email = t('give.error.email');
    if (receipt && !mail) errors.email = t('give.error.receiptEmail');
    if (message && characters(message) > MESSAGE_MAX) errors.message = t('give.error.messageLong');
  }
  if (Object.keys(errors).length > 0 || typeof amount === 'string') return { ok: false, errors };
  // Without SMTP the form offers no receipt; an old page's box asks for what cannot be sent.
  return { ok: true, gift: { key: form.key, amountCents: amount, purpose: form.purpose, display: form.display, name, email: mail, receipt: receipt && giving.receipts, message } };
}

function checkAmount(form: { preset?: unknown; amount?: unknown }, giving: Giving, t: Translate, lang: Lang): bigint | string {
  const typed = typeof form.amount === 'string' ? form.amount.trim() : '';
  const preset = typeof form.preset === 'string' ? form.preset : '';
  let cents: bigint | null;
  if (typed) cents = parseEuros(typed);
  else if (/^\d{1,9}$/.test(preset)) cents = presetsFor(giving).find((offered) => offered === BigInt(preset)) ?? null;
  else return t('give.error.amountMissing');
  if (cents === null) return t('give.error.amountJunk');
  if (cents < giving.minCents) return `${t('give.error.amountLow')} ${formatEuros(giving.minCents, lang)}.`;
  if (cents > giving.maxCents) return `${t('give.error.amountHigh')} ${formatEuros(giving.maxCents, lang)}.`;
  return cents;
}

function fieldMessage(t: Translate, field: GiveFields): string {
  switch (field) {
    case 'purpose':
      return t('give.error.purpose');
    case 'display':
      return t('give.error.display');
    case 'name':
      return t('give.error.nameLong');
    case 'email':
      return t('give.error.email');
    case 'message':
      return t('give.error.messageLong');
    case 'preset':
    case 'amount':
      return t('give.error.amountJunk');
    default:
      // The form's own key or a box a browser cannot send: the page was not ours, or it is old.
      return t('give.error.form');
  }
}

/** URL-encoded, a character of any script takes at most 12 bytes: the longest allowed form fits. */
export const GIVE_BODY_BYTES = (NAME_MAX + EMAIL_MAX + MESSAGE_MAX) * 12 + 4096;
