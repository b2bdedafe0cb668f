import type { Context } from 'hono';
import { z } from 'zod';
import { dbOf, type App, type AppEnv } from '../web/context.ts';
import { route, staff } from '../web/route.ts';
import { notFound } from '../web/errors.ts';
import { staffPage } from '../web/layout.tsx';
import { staffOf } from '../auth/access.ts';
import { todayIn } from '../i18n/days.ts';
import { approveExpense, rejectExpense } from './decide-expense.ts';
import { DESCRIPTION_MAX, EXPENSE_CATEGORIES, REASON_MAX, sealedText } from './expense-content.ts';
import { ExpenseForm, type ExpenseDraft, type ExpenseProblem } from './expense-form-views.tsx';
import { ExpensePage, ExpensesPage } from './expense-views.tsx';
import { formatEuros, parseEuros } from './money.ts';
import { payExpense } from './pay-expense.ts';
import { PURPOSES } from './purposes.ts';
import { listExpenseQueue, listOwnExpenses, readExpense } from './read-expenses.ts';
import { reverseExpense } from './reverse-expense.ts';
import { submitExpense } from './submit-expense.ts';
import { registerExpenseReceipts } from './expense-receipt-routes.tsx';
import { REFUSALS } from '../files/content-check.ts';

/** Any staff member spends for the association and records it; the treasurers decide and pay. */
const ANY_STAFF = staff('any');
const TREASURER = staff('treasurer');

/** At most 1,000,000 euros: the database holds the same bound. */
const MAX_CENTS = 100_000_000n;

const uuid = z.uuid();
function uuidParam(c: Context<AppEnv>): string {
  const parsed = uuid.safeParse(c.req.param('id') ?? '');
  if (!parsed.success) throw notFound();
  return parsed.data;
}

const text = (field: string) => z.string().max(8000).catch('').parse(field);
const reasonForm = z.object({ reason: sealedText(REASON_MAX) });
const payForm = z.object({ override: z.literal('yes').optional(), reason: z.string().max(8000).optional() });

/** Notices carried by the redirect after an action. */
const DONE = ['submitted', 'approved', 'rejected', 'paid', 'already_paid', 'reversed', 'own', 'not_waiting', 'not_approved', 'not_paid', 'locked', 'no_reason', 'receipt_added'] as const;

function formPage(c: Context<AppEnv>, draft: ExpenseDraft, problems: ExpenseProblem[] = []) {
  const t = c.get('t');
  return staffPage(c, t('expenses.new'), <ExpenseForm t={t} staff={staffOf(c)} draft={draft} problems={problems} />, problems.length > 0 ? 400 : 200);
}

/** One rule, one place: the form's fields checked, each problem named. */
function parseExpense(body: Record<string, unknown>) {
  const draft: ExpenseDraft = {
    amount: text(String(body['amount'] ?? '')),
    purpose: text(String(body['purpose'] ?? '')),
    category: text(String(body['category'] ?? '')),
    spentOn: text(String(body['spentOn'] ?? '')),
    description: text(String(body['description'] ?? '')),
    caseId: text(String(body['caseId'] ?? '')).trim(),
  };
  const problems: ExpenseProblem[] = [];
  const cents = parseEuros(draft.amount);
  if (cents === null || cents <= 0n || cents > MAX_CENTS) problems.push('amount');
  const purpose = z.enum(PURPOSES).catch('general').parse(draft.purpose);
  const category = z.enum(EXPENSE_CATEGORIES).catch('other').parse(draft.category);
  const spentOn = z.iso.date().safeParse(draft.spentOn);
  if (!spentOn.success) problems.push('spentOn');
  const description = sealedText(DESCRIPTION_MAX).safeParse(draft.description);
  if (!description.success) problems.push('description');
  const caseId = draft.caseId === '' ? null : uuid.safeParse(draft.caseId);
  if (caseId && !caseId.success) problems.push('case');
  if (problems.length > 0 || cents === null || !spentOn.success || !description.success) return { draft, problems };
  return { draft, problems, expense: { amountCents: cents, purpose, category, spentOn: spentOn.data, description: description.data, caseId: caseId?.data ?? null } };
}

export function registerExpenses(app: App): void {
  route(app, 'GET', '/staff/expenses', ANY_STAFF, async (c) => {
    const me = staffOf(c);
    const t = c.get('t');
    const mine = await listOwnExpenses(dbOf(c), me.userId);
    const queue = me.roles.includes('treasurer') ? await listExpenseQueue(dbOf(c)) : null;
    return staffPage(c, t('expenses.nav'), <ExpensesPage t={t} lang={c.get('lang')} mine={mine} queue={queue} />);
  });

  route(app, 'GET', '/staff/expenses/new', ANY_STAFF, (c) =>
    formPage(c, { amount: '', purpose: 'general', category: 'other', spentOn: todayIn(), description: '', caseId: '' }),
  );

  route(app, 'POST', '/staff/expenses/new', ANY_STAFF, async (c) => {
    const parsed = parseExpense(await c.req.parseBody());
    if (!parsed.expense) return formPage(c, parsed.draft, parsed.problems);
    const made = await submitExpense(dbOf(c), staffOf(c), parsed.expense);
    if (made === 'no_case') return formPage(c, parsed.draft, ['case']);
    return c.redirect(`/staff/expenses/${made.id}?done=submitted`, 303);
  });

  route(app, 'GET', '/staff/expenses/:id', ANY_STAFF, async (c) => {
    const expense = await readExpense(dbOf(c), staffOf(c), uuidParam(c));
    if (!expense) throw notFound();
    const t = c.get('t');
    const lang = c.get('lang');
    const done = DONE.find((code) => code === c.req.query('done'));
    const short = /^\d{1,12}$/.exec(c.req.query('short') ?? '');
    const refused = REFUSALS.find((code) => code === c.req.query('refused'));
    const notice = short
      ? t('expenses.short', { amount: formatEuros(BigInt(short[0]), lang) })
      : refused
        ? t(refused === 'form' || refused === 'type' || refused === 'heic' || refused === 'size' ? `expenses.refused.${refused}` : `documents.refused.${refused}`)
        : done
          ? t(`expenses.done.${done}`)
          : undefined;
    return staffPage(c, t('expenses.title'), <ExpensePage t={t} lang={lang} staff={staffOf(c)} expense={expense} notice={notice} />);
  });

  const back = (c: Context<AppEnv>, id: string, query: string) => c.redirect(`/staff/expenses/${id}?${query}`, 303);

  route(app, 'POST', '/staff/expenses/:id/approve', TREASURER, async (c) => {
    const id = uuidParam(c);
    const done = await approveExpense(dbOf(c), staffOf(c), id);
    if (!done) throw notFound();
    return back(c, id, `done=${done}`);
  });

  route(app, 'POST', '/staff/expenses/:id/reject', TREASURER, async (c) => {
    const id = uuidParam(c);
    const form = reasonForm.safeParse(await c.req.parseBody());
    if (!form.success) return back(c, id, 'done=no_reason');
    const done = await rejectExpense(dbOf(c), staffOf(c), id, form.data.reason);
    if (!done) throw notFound();
    return back(c, id, `done=${done}`);
  });

  route(app, 'POST', '/staff/expenses/:id/pay', TREASURER, async (c) => {
    const id = uuidParam(c);
    const form = payForm.safeParse(await c.req.parseBody());
    if (!form.success) return back(c, id, 'done=no_reason');
    const reason = form.data.override ? sealedText(REASON_MAX).safeParse(form.data.reason ?? '') : null;
    if (reason && !reason.success) return back(c, id, 'done=no_reason');
    const paid = await payExpense(dbOf(c), staffOf(c), id, reason?.success ? { reason: reason.data } : null);
    if (!paid) throw notFound();
    if (paid.done === 'short') return back(c, id, `short=${paid.availableCents}`);
    return back(c, id, `done=${paid.done}`);
  });

  route(app, 'POST', '/staff/expenses/:id/reverse', TREASURER, async (c) => {
    const id = uuidParam(c);
    const form = reasonForm.safeParse(await c.req.parseBody());
    if (!form.success) return back(c, id, 'done=no_reason');
    const reversed = await reverseExpense(dbOf(c), staffOf(c), id, form.data.reason);
    if (!reversed) throw notFound();
    return back(c, id, `done=${reversed.done}`);
  });

  registerExpenseReceipts(app);
}
