import assert from 'node:assert/strict';
import type { Browser, TestApp } from '../support/app.ts';
import { BANK_IBAN, uploadStatement } from './give-support.ts';

/**
 * Helpers for tests of reconciling a bank statement: a camt.053 file of the lines a test names
 * (in the shape of the import fixture, made up, no real person or account), and expenses made
 * through the pages as staff make them.
 */
export type Entry = { ref: string; amount: string; direction: 'CRDT' | 'DBIT'; party?: string; text?: string; day?: string };

export function entriesXml(entries: readonly Entry[], iban = BANK_IBAN): string {
  const escape = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const lines = entries.map((entry) => {
    const party = entry.direction === 'CRDT' ? 'Dbtr' : 'Cdtr';
    return `<Ntry>
        <Amt Ccy="EUR">${entry.amount}</Amt>
        <CdtDbtInd>${entry.direction}</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>${entry.day ?? '2026-03-02'}</Dt></BookgDt>
        <ValDt><Dt>${entry.day ?? '2026-03-02'}</Dt></ValDt>
        <AcctSvcrRef>${escape(entry.ref)}</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <RltdPties><${party}><Nm>${escape(entry.party ?? 'Verhuur B.V.')}</Nm></${party}></RltdPties>
          <RmtInf><Ustrd>${escape(entry.text ?? 'Betaling')}</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>RECONCILE</MsgId><CreDtTm>2026-03-03T06:12:44.000+01:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>RECONCILE.2026-03-02</Id>
      <CreDtTm>2026-03-03T06:12:44.000+01:00</CreDtTm>
      <Acct><Id><IBAN>${iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>
      ${lines.join('\n      ')}
    </Stmt>
  </BkToCstmrStmt>
</Document>`;
}

/** Uploads the lines and answers each line's id, by its entry ref. */
export async function importLines(t: TestApp, treasurer: Browser, entries: readonly Entry[]): Promise<Record<string, string>> {
  const uploaded = await uploadStatement(treasurer, entriesXml(entries));
  assert.equal(uploaded.status, 303, uploaded.html.slice(0, 400));
  const rows = await t.db.query<{ id: string; source_ref: string }>('select id, source_ref from bank_statement_lines where source_ref = any($1::text[])', [
    entries.map((entry) => `camt:${BANK_IBAN}:${entry.ref}`),
  ]);
  return Object.fromEntries(rows.map((row) => [row.source_ref.slice(`camt:${BANK_IBAN}:`.length), row.id]));
}

/** An expense submitted by one staff member and approved by a treasurer: its id. */
export async function approvedExpense(submitter: Browser, approver: Browser, amount: string, purpose = 'shelter'): Promise<string> {
  const made = await submitter.staffPost('/staff/expenses/new', { amount, purpose, category: 'rent', spentOn: '2026-02-20', description: 'Room for a week' });
  const id = /^\/staff\/expenses\/([0-9a-f-]{36})/.exec(made.location ?? '')?.[1] ?? assert.fail(made.html.slice(0, 300));
  assert.equal((await approver.staffPost(`/staff/expenses/${id}/approve`)).location, `/staff/expenses/${id}?done=approved`);
  return id;
}
