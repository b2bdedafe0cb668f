import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Browser, textOf, type Fields, type Page, type TestApp } from '../support/app.ts';
import type { Lang } from '../../src/i18n/lang.ts';

/**
 * Helpers for tests of giving: the Give form as a donor's browser posts it, what the pledge page
 * shows, and bank statements filled in from the fixture template.
 */

/** An invented but valid Dutch IBAN (the mod-97 example of the standard) and its holder. */
export const BANK = { BANK_IBAN: 'NL91 ABNA 0417 1643 00', BANK_ACCOUNT_NAME: 'Stichting Beside', BANK_BIC: 'ABNANL2A' };
export const BANK_IBAN = 'NL91ABNA0417164300';

/** The form's key, as the page a donor opened carries it. */
export function formKeyOf(html: string): string | undefined {
  return /<input type="hidden" name="key" value="([^"]+)"/.exec(html)?.[1];
}

/** Opens the Give page and posts it with the fields (a key from the page unless the fields bring one). */
export async function give(from: TestApp | Browser, lang: Lang, fields: Fields & Record<string, string | undefined>): Promise<{ page: Page; key: string; browser: Browser }> {
  const browser = from instanceof Browser ? from : new Browser(from);
  const form = await browser.get(`/${lang}/give`);
  const key = fields.key ?? formKeyOf(form.html);
  if (!key) throw new Error(`give: the Give page (${form.status}) carries no form key`);
  const page = await browser.post(`/${lang}/give`, { key, purpose: 'general', display: 'anonymous', ...fields });
  return { page, key, browser };
}

export type ShownPledge = { rf: string; code: string; amount: string; expires: string };

/** What the pledge page shows: the RF reference (compact), the gift code, the amount and the last day. */
export function pledgeOf(html: string): ShownPledge {
  const rf = /data-rf[^>]*>([\s\S]*?)<\/strong>/.exec(html)?.[1]?.replace(/<[^>]*>/g, '').replace(/\s/g, '');
  const code = /data-gift-code[^>]*>([\s\S]*?)<\/p>/.exec(html)?.[1]?.replace(/<[^>]*>/g, '').replace(/\s/g, '');
  const amount = /data-amount[^>]*>([^<]+)</.exec(html)?.[1];
  const expires = /data-expires="([^"]+)"/.exec(html)?.[1];
  if (!rf || !code || !amount || !expires) throw new Error(`pledgeOf: no pledge on the page: ${textOf(html).slice(0, 400)}`);
  return { rf, code, amount: textOf(amount).trim(), expires };
}

const TEMPLATE = readFileSync(fileURLToPath(new URL('./fixtures/import-statement.xml', import.meta.url)), 'utf8');

export type StatementFill = {
  iban?: string;
  run: string;
  rfExact: string;
  rfWrong: string;
  /** the reference as the donor typed it into the description (groups, spaces) */
  rfText: string;
  text?: string;
  payers?: Partial<Record<'exact' | 'wrong' | 'text' | 'unknown', string>>;
};

/** The fixture statement with its places filled in: five lines (exact, wrong amount, RF in the text, no reference, a debit). */
export function statementXml(fill: StatementFill): string {
  const payers = { exact: 'J. de Vries', wrong: 'A. Bakker', text: 'Смит & Янсен', unknown: 'M. Jansen', ...fill.payers };
  const escape = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const values: Record<string, string> = {
    IBAN: fill.iban ?? BANK_IBAN,
    RUN: fill.run,
    RF_EXACT: fill.rfExact,
    RF_WRONG: fill.rfWrong,
    RF_TEXT: fill.rfText,
    TEXT: fill.text ?? 'succes!',
    PAYER_EXACT: payers.exact,
    PAYER_WRONG: payers.wrong,
    PAYER_TEXT: payers.text,
    PAYER_UNKNOWN: payers.unknown,
  };
  return TEMPLATE.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`statementXml: no value for {{${name}}}`);
    return escape(value);
  });
}

/** Uploads a statement file as the page's form does: the CSRF token first, then the file. */
export function uploadStatement(browser: Browser, content: string | Uint8Array, name = 'statement.xml'): Promise<Page> {
  const boundary = '----besidestatement';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${browser.csrfToken ?? ''}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/xml\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return browser.request('/staff/funding/statements', {
    method: 'POST',
    headers: { 'Sec-Fetch-Site': 'same-origin', 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    body: new Uint8Array(body),
  });
}
