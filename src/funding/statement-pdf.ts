import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import type { Config } from '../config.ts';
import { translator } from '../i18n/index.ts';
import type { Lang } from '../i18n/lang.ts';
import { formatDay } from '../i18n/days.ts';
import { formatEuros } from './money.ts';
import type { StatementGift } from './statement-gifts.ts';

/** DejaVu carries Cyrillic; TTF from the npm package, so nothing is fetched to render. */
const FONT = fileURLToPath(import.meta.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
const BOLD = fileURLToPath(import.meta.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'));

export type StatementInput = { year: number; email: string; issuedOn: string; gifts: StatementGift[] };

const MARGIN = 56;
const COLUMNS = { date: MARGIN, receipt: MARGIN + 130, purpose: MARGIN + 220, amountRight: 595.28 - MARGIN } as const;

/**
 * A donor's yearly statement of gifts, for the Dutch gift deduction (giftenaftrek): the
 * association (name, address and RSIN when configured), the address the gifts were given with,
 * each gift (day, receipt number, purpose, amount net of refunds) and the total, on A4.
 */
export async function renderStatementPdf(config: Pick<Config, 'orgName' | 'orgAddress' | 'orgRsin'>, lang: Lang, input: StatementInput): Promise<Uint8Array> {
  const t = translator(lang);
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: t('donor.pdf.title', { year: input.year }), Author: config.orgName, Producer: 'Beside', Creator: 'Beside' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('text', FONT);
  doc.registerFont('bold', BOLD);
  const width = COLUMNS.amountRight - MARGIN;

  doc.font('bold').fontSize(16).text(config.orgName);
  doc.font('text').fontSize(10);
  if (config.orgAddress) doc.text(config.orgAddress);
  if (config.orgRsin) doc.text(`${t('donor.pdf.rsin')}: ${config.orgRsin}`);
  doc.moveDown(1.5);
  doc.font('bold').fontSize(14).text(t('donor.pdf.title', { year: input.year }));
  doc.font('text').fontSize(10).moveDown(0.5);
  doc.text(`${t('donor.pdf.issued')}: ${formatDay(lang, input.issuedOn)}`);
  doc.text(`${t('donor.pdf.email')}: ${input.email}`);
  doc.moveDown(1.5);

  const row = (cells: { date: string; receipt: string; purpose: string; amount: string }, font: 'text' | 'bold') => {
    if (doc.y > doc.page.height - MARGIN - 40) doc.addPage();
    const y = doc.y;
    doc.font(font);
    doc.text(cells.date, COLUMNS.date, y, { width: COLUMNS.receipt - COLUMNS.date - 8, lineBreak: false });
    doc.text(cells.receipt, COLUMNS.receipt, y, { width: COLUMNS.purpose - COLUMNS.receipt - 8, lineBreak: false });
    doc.text(cells.purpose, COLUMNS.purpose, y, { width: 160, lineBreak: false });
    doc.text(cells.amount, COLUMNS.amountRight - 100, y, { width: 100, align: 'right', lineBreak: false });
    doc.x = MARGIN;
    doc.y = y + 16;
  };
  row({ date: t('donor.pdf.date'), receipt: t('donor.pdf.receipt'), purpose: t('donor.pdf.purpose'), amount: t('donor.pdf.amount') }, 'bold');
  doc.moveTo(MARGIN, doc.y - 3).lineTo(COLUMNS.amountRight, doc.y - 3).stroke();
  for (const gift of input.gifts) {
    row({ date: formatDay(lang, gift.receivedOn), receipt: gift.receipt, purpose: t(`purpose.${gift.purpose}`), amount: formatEuros(gift.netCents, lang) }, 'text');
  }
  doc.moveTo(MARGIN, doc.y - 3).lineTo(COLUMNS.amountRight, doc.y - 3).stroke();
  const total = input.gifts.reduce((sum, gift) => sum + gift.netCents, 0n);
  row({ date: t('donor.pdf.total'), receipt: '', purpose: '', amount: formatEuros(total, lang) }, 'bold');

  doc.moveDown(1.5).font('text').fontSize(9);
  doc.text(t('donor.pdf.net'), MARGIN, doc.y, { width });
  doc.moveDown(0.5);
  doc.text(t('donor.pdf.deduction', { year: input.year }), { width });
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}
