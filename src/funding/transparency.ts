import type { Db } from '../db/client.ts';
import { countPeopleHelped } from '../cases/people-helped.ts';
import { TRACKS, type Track } from '../cases/tracks.ts';
import type { PageSource } from '../web/prerendered.ts';
import { campaignVersion, dayOf } from './campaign-home.ts';
import { accountBalances, monthlyMovements, recentTransactions } from './ledger.ts';
import { PURPOSES, giftAccount, spendAccount, type Purpose } from './purposes.ts';
import { readCampaign } from './read-campaign.ts';
import { EXPENSE_CATEGORIES, type ExpenseCategory } from './expense-content.ts';

/** Months the spending charts cover, this one included. */
export const MONTHS_SHOWN = 12;
/** Expenses the recent list shows, newest first. */
export const EXPENSES_SHOWN = 20;
/** Under this many people, a count is not published: it could point at someone. */
export const SMALLEST_COUNT_SHOWN = 5;

/** A count of people as the public may see it: the number from 5 up, otherwise only "fewer than 5". */
export type PublicCount = { shown: 'exact'; n: number } | { shown: 'fewer_than_5' };

export function publicCount(n: number): PublicCount {
  return n >= SMALLEST_COUNT_SHOWN ? { shown: 'exact', n } : { shown: 'fewer_than_5' };
}

export type PurposeFigures = { purpose: Purpose; goalCents: bigint; raisedCents: bigint; spentCents: bigint; months: { month: string; spentCents: bigint }[] };

/** One expense as the public sees it: the month, the purpose, its category (a code from a closed list), the amount; no free text, no day, no one. */
export type PublicExpense = { month: string; purpose: Purpose; category: ExpenseCategory | null; amountCents: bigint };

export type Transparency = { months: string[]; purposes: PurposeFigures[]; reached: { track: Track; count: PublicCount }[]; expenses: PublicExpense[] };

/** First days of the last `count` months up to today's (YYYY-MM-01), oldest first. */
export function lastMonths(today: string, count: number): string[] {
  const [year, month] = today.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(Date.UTC(year, month - 1 - (count - 1 - i), 1));
    return at.toISOString().slice(0, 10);
  });
}

/**
 * Everything from the ledger's kept rows (balances and months: a few rows whatever the number of
 * entries) and a handful of recent expenses, plus the casework aggregates, asked of the cases
 * domain and reduced here to what may be published.
 */
async function loadTransparency(db: Db, now: Date): Promise<Transparency> {
  const months = lastMonths(dayOf(now), MONTHS_SHOWN);
  const balances = await accountBalances(db, PURPOSES.flatMap((purpose) => [giftAccount(purpose), spendAccount(purpose)]));
  const movements = await monthlyMovements(db, { accountPrefix: 'expenses:', fromMonth: months[0]!, toMonth: months.at(-1)! });
  const goals = new Map((await readCampaign(db, { publishedOnly: true, updates: 0 })).purposes.map((item) => [item.purpose, item.goalCents]));
  const purposes = PURPOSES.map((purpose) => {
    // Spent in a month: what was debited, less what a correction credited back.
    const spentIn = (month: string) =>
      movements.filter((row) => row.account === spendAccount(purpose) && row.month === month).reduce((sum, row) => sum + row.debitCents - row.creditCents, 0n);
    return {
      purpose,
      goalCents: goals.get(purpose) ?? 0n,
      raisedCents: -(balances.get(giftAccount(purpose)) ?? 0n),
      spentCents: balances.get(spendAccount(purpose)) ?? 0n,
      months: months.map((month) => ({ month, spentCents: spentIn(month) })),
    };
  });
  const helped = await countPeopleHelped(db);
  const reached = TRACKS.map((track) => ({ track, count: publicCount(helped.get(track) ?? 0) }));
  return { months, purposes, reached, expenses: await recentExpenses(db) };
}

/** Recent expenses, one line per purpose an expense spent from, with the month only. */
async function recentExpenses(db: Db): Promise<PublicExpense[]> {
  const transactions = await recentTransactions(db, 'expense', EXPENSES_SHOWN);
  return transactions.flatMap((transaction) =>
    PURPOSES.flatMap((purpose) => {
      const amountCents = transaction.entries.filter((entry) => entry.account === spendAccount(purpose)).reduce((sum, entry) => sum + entry.amountCents, 0n);
      return amountCents === 0n ? [] : [{ month: `${transaction.occurredOn.slice(0, 7)}-01`, purpose, category: categoryOf(transaction.description), amountCents }];
    }),
  );
}

/**
 * The category a paid expense names in its ledger description ("Expense · rent", written by
 * src/funding/pay-expense.ts). Only a code of the closed list is taken: whatever else a
 * description says (an expense booked by hand, say) never reaches the public.
 */
export function categoryOf(description: string): ExpenseCategory | null {
  const code = /^Expense · ([a-z_]+)$/.exec(description)?.[1];
  return (EXPENSE_CATEGORIES as readonly string[]).includes(code ?? '') ? (code as ExpenseCategory) : null;
}

/** Kept under the home page's version: the ledger's head, the campaign's content, the day. */
export const transparencySource: PageSource<Transparency> = { version: campaignVersion, load: loadTransparency };
