/**
 * What the audit log records: a closed set of event kinds that carry ids and codes only,
 * never personal content or decrypted text.
 */
export type AuditEvent =
  | SafetyAuditEvent
  | ForgettingAuditEvent
  | DirectoryAuditEvent
  | LedgerAuditEvent
  | GivingAuditEvent
  | CampaignAuditEvent
  | { kind: 'instance.initialised' }
  | { kind: 'login.succeeded'; userId: string }
  | { kind: 'login.failed'; userId: string | null; reason: 'password' | 'totp' | 'locked' | 'inactive' }
  | { kind: 'logout'; userId: string }
  | { kind: 'totp.enrolled'; userId: string }
  | { kind: 'user.created'; userId: string; roles: string[] }
  | { kind: 'user.invited'; inviteId: string; roles: string[] }
  | { kind: 'user.invite_revoked'; inviteId: string }
  | { kind: 'user.deactivated'; userId: string }
  | { kind: 'user.keys_reset'; userId: string }
  | { kind: 'user.coordinator_confirmed'; userId: string }
  | { kind: 'vault.decrypted'; vaultId: string; purpose: string }
  | { kind: 'vault.granted'; vaultId: string; principalKind: string; principalRef: string }
  | { kind: 'vault.revoked'; vaultId: string; principalKind: string; principalRef: string }
  | { kind: 'vault.rotated'; vaultId: string; fields: number }
  | { kind: 'vault.shredded'; vaultId: string; fields: number }
  | { kind: 'key.rejected'; principalKind: string; principalRef: string }
  | { kind: 'entitlement.rejected'; userId: string; onCase: string | null }
  | { kind: 'entitlement.adopted'; users: number; members: number }
  | { kind: 'case.member_removed'; caseId: string; userId: string }
  | { kind: 'case.request_joined'; caseId: string; requestId: string }
  | { kind: 'request.received'; requestId: string; urgent: boolean }
  | { kind: 'request.replied'; requestId: string }
  | { kind: 'request.status_changed'; requestId: string; from: string; to: string }
  | { kind: 'request.erasure_requested'; requestId: string }
  | { kind: 'request.coerced'; requestId: string }
  | { kind: 'case.created'; caseId: string; origin: string }
  | { kind: 'case.assigned'; caseId: string; userId: string; role: string }
  | { kind: 'case.note_added'; caseId: string; part: string }
  | { kind: 'case.status_changed'; caseId: string; from: string; to: string }
  | { kind: 'case.document_added'; caseId: string; documentId: string; part: string; documentKind: string }
  | { kind: 'case.document_downloaded'; caseId: string; documentId: string; part: string }
  | { kind: 'case.track_opened'; caseId: string; track: string }
  | { kind: 'case.track_state_changed'; caseId: string; track: string; from: string; to: string }
  | { kind: 'case.track_recorded'; caseId: string; track: string; record: string }
  | { kind: 'case.task_changed'; caseId: string; taskId: string; change: 'added' | 'done' | 'reopened' }
  | { kind: 'backup.created' }
  | { kind: 'audit.rekeyed'; entries: number; legacyHead: string }
  | { kind: 'recovery.regranted'; userId: string; vaults: number }
  | { kind: 'alert.raised'; alertId: string; requestId: string }
  | { kind: 'alert.notified'; alertId: string; userId: string; step: number }
  | { kind: 'alert.exhausted'; alertId: string; step: number }
  | { kind: 'alert.acknowledged'; alertId: string; userId: string }
  | { kind: 'alert.mail_sent'; alertId: string; userId: string }
  | { kind: 'alert.mail_failed'; alertId: string; userId: string; error: string }
  | { kind: 'on_call.shift_added'; shiftId: string; userId: string }
  | { kind: 'on_call.shift_removed'; shiftId: string; userId: string }
  | { kind: 'on_call.address_set'; userId: string; removed: boolean }
  | { kind: 'request.claimed'; requestId: string } | { kind: 'request.released'; requestId: string } | { kind: 'template.saved'; templateId: string } | { kind: 'template.deleted'; templateId: string };

export type DirectoryAuditEvent = { kind: 'directory.entry_saved'; entryId: string; change: 'added' | 'changed' | 'retired' } | { kind: 'case.referred'; caseId: string; entryId: string; referralId: string; change: 'referred' | 'ended' };

/** The ledger (funding/ledger-post.ts): which transaction, its place in the chain and its kind; no amounts, no donors. */
export type LedgerAuditEvent =
  | { kind: 'ledger.posted'; transactionId: string; seq: string; transactionKind: string }
  // The accountant's exports and "Check the books" (funding/export-books.ts, check-books.ts): a format, a range, a count.
  | { kind: 'ledger.exported'; format: 'csv' | 'journal'; from: string | null; to: string | null }
  | { kind: 'ledger.checked'; problems: number }
  // Expenses (funding/submit-expense.ts, decide-expense.ts, pay-expense.ts): ids, codes and seqs; never the description.
  | { kind: 'expense.submitted'; expenseId: string }
  | { kind: 'expense.approved'; expenseId: string }
  | { kind: 'expense.rejected'; expenseId: string }
  | { kind: 'expense.paid'; expenseId: string; seq: string }
  | { kind: 'expense.overspent'; expenseId: string; purpose: string; seq: string }
  | { kind: 'expense.reversed'; expenseId: string; seq: string }
  | { kind: 'expense.receipt_added'; expenseId: string }
  | { kind: 'expense.receipt_downloaded'; expenseId: string };

/** The campaign editors keep (funding/save-*.ts): what was changed, by ids and codes; never its text. */
export type CampaignAuditEvent =
  | { kind: 'campaign.edited'; part: 'campaign' | 'purposes' }
  | { kind: 'campaign.supporter_saved'; supporterId: string; change: 'added' | 'changed' | 'moved' | 'removed' | 'logo_set' | 'logo_removed' }
  | { kind: 'campaign.update_saved'; updateId: string; change: 'added' | 'changed' | 'published' | 'unpublished' };

/** Giving (funding/pledge-gift.ts, import-statement.ts, statement-lines.ts, gift-messages.ts): ids, counts and codes; never a donor. */
export type GivingAuditEvent =
  | { kind: 'gift.pledged'; giftId: string; method: 'transfer' | 'mollie' | 'stripe' }
  | { kind: 'gift.received'; giftId: string; seq: string }
  | { kind: 'gift.message_decided'; giftId: string; messageId: string; decision: 'approved' | 'rejected' }
  | { kind: 'statement.imported'; importId: string | null; fresh: number; booked: number }
  | { kind: 'statement.line_booked'; lineId: string; seq: string }
  | { kind: 'statement.line_dismissed'; lineId: string; reason: string }
  | { kind: 'statement.line_reconciled'; lineId: string; expenseId: string; seq: string }
  | { kind: 'statement.costs_booked'; lineId: string; seq: string }
  | { kind: 'statement.payout_booked'; lineId: string; provider: 'mollie' | 'stripe'; seq: string }
  // Paying online (funding/book-*.ts, receive-*.ts, monthly-gifts.ts): ids and codes; never a donor.
  | { kind: 'gift.payment_mismatch'; provider: 'mollie' | 'stripe'; what: 'amount' | 'currency'; giftId: string }
  | { kind: 'gift.payment_mismatch'; provider: 'mollie' | 'stripe'; what: 'amount' | 'currency'; monthlyGiftId: string }
  | { kind: 'gift.payment_failed'; giftId: string; provider: 'mollie' | 'stripe' }
  | { kind: 'payment.delivery_given_up'; provider: 'mollie' | 'stripe'; deliveryId: string; attempts: number; error: string }
  | { kind: 'payment.deliveries_retried'; count: number }
  | { kind: 'gift.reversal_booked'; giftId: string; seq: string; cause: 'refund' | 'chargeback' }
  | { kind: 'gift.reversal_undone'; giftId: string; seq: string; cause: 'refund' | 'chargeback' }
  // E-mails to donors (funding/thank-donor.ts, send-statement.ts): ids and codes; never an address.
  | { kind: 'gift.thanks_sent'; giftId: string }
  | { kind: 'gift.thanks_failed'; giftId: string; error: string }
  | { kind: 'gift.statement_sent'; requestId: string; year: number; gifts: number }
  | { kind: 'gift.statement_failed'; requestId: string; error: string }
  | { kind: 'monthly.subscribed'; monthlyGiftId: string; provider: 'mollie' | 'stripe' }
  | { kind: 'monthly.cancelled'; monthlyGiftId: string; by: 'donor' | 'provider' };

/** Forgetting (cases/forget*.ts, cases/erase-case.ts, cases/retention.ts): ids and codes only. */
export type ForgettingAuditEvent =
  | { kind: 'case.forget_asked'; caseId: string; reason: string }
  | { kind: 'case.forget_withdrawn'; caseId: string }
  | { kind: 'case.erased'; caseId: string; cause: 'person' | 'retention' | 'restore'; vaults: number }
  | { kind: 'request.expired'; requestId: string };

/** Check-ins and break-glass access (cases/checkins.ts, cases/break-glass.ts): ids, codes and hours only. */
export type SafetyAuditEvent =
  | { kind: 'case.checkins_set'; caseId: string; hours: number | null }
  | { kind: 'case.checkin_recorded'; caseId: string; by: 'staff' | 'person' }
  | { kind: 'case.checkin_missed'; caseId: string }
  | { kind: 'case.mail_sent'; userId: string; about: string }
  | { kind: 'case.break_glass_requested'; caseId: string; breakGlassId: string }
  | { kind: 'case.break_glass_approved'; caseId: string; breakGlassId: string; userId: string }
  | { kind: 'case.break_glass_ended'; caseId: string; breakGlassId: string; revoked: boolean }
  | { kind: 'case.break_glass_lapsed'; caseId: string; breakGlassId: string }
  | { kind: 'case.coercion_cleared'; caseId: string; reason: string; requests: number }
  | { kind: 'case.task_reminders_set'; userId: string; on: boolean };

export type AuditKind = AuditEvent['kind'];

/** Every kind once: the Record type makes a kind missing here a compile error. */
const KINDS: Record<AuditKind, true> = {
  'instance.initialised': true,
  'login.succeeded': true,
  'login.failed': true,
  logout: true,
  'totp.enrolled': true,
  'user.created': true,
  'user.invited': true,
  'user.invite_revoked': true,
  'user.deactivated': true,
  'user.keys_reset': true,
  'user.coordinator_confirmed': true,
  'vault.decrypted': true,
  'vault.granted': true,
  'vault.revoked': true,
  'vault.rotated': true,
  'vault.shredded': true,
  'key.rejected': true,
  'entitlement.rejected': true,
  'entitlement.adopted': true,
  'case.member_removed': true,
  'case.request_joined': true,
  'request.received': true,
  'request.replied': true,
  'request.status_changed': true,
  'request.erasure_requested': true,
  'request.coerced': true,
  'case.created': true,
  'case.assigned': true,
  'case.note_added': true,
  'case.status_changed': true,
  'case.document_added': true,
  'case.document_downloaded': true,
  'case.track_opened': true,
  'case.track_state_changed': true,
  'case.track_recorded': true,
  'case.task_changed': true,
  'backup.created': true,
  'audit.rekeyed': true,
  'recovery.regranted': true,
  'alert.raised': true,
  'alert.notified': true,
  'alert.exhausted': true,
  'alert.acknowledged': true,
  'alert.mail_sent': true,
  'alert.mail_failed': true,
  'on_call.shift_added': true,
  'on_call.shift_removed': true,
  'on_call.address_set': true,
  'directory.entry_saved': true,
  'case.referred': true,
  'request.claimed': true, 'request.released': true, 'template.saved': true, 'template.deleted': true,
  'case.checkins_set': true, 'case.checkin_recorded': true, 'case.checkin_missed': true, 'case.mail_sent': true, 'case.break_glass_requested': true, 'case.break_glass_approved': true, 'case.break_glass_ended': true,
  'case.break_glass_lapsed': true, 'case.coercion_cleared': true,
  'case.forget_asked': true, 'case.forget_withdrawn': true, 'case.erased': true, 'request.expired': true,
  'case.task_reminders_set': true,
  'ledger.posted': true, 'ledger.exported': true, 'ledger.checked': true,
  'expense.submitted': true, 'expense.approved': true, 'expense.rejected': true, 'expense.paid': true, 'expense.overspent': true, 'expense.reversed': true, 'expense.receipt_added': true, 'expense.receipt_downloaded': true,
  'campaign.edited': true, 'campaign.supporter_saved': true, 'campaign.update_saved': true,
  'gift.pledged': true, 'gift.received': true, 'gift.message_decided': true, 'statement.imported': true, 'statement.line_booked': true, 'statement.line_dismissed': true,
  'statement.line_reconciled': true, 'statement.costs_booked': true, 'statement.payout_booked': true,
  'gift.payment_mismatch': true, 'gift.payment_failed': true, 'payment.delivery_given_up': true, 'payment.deliveries_retried': true, 'gift.reversal_booked': true, 'gift.reversal_undone': true, 'gift.thanks_sent': true, 'gift.thanks_failed': true, 'gift.statement_sent': true, 'gift.statement_failed': true, 'monthly.subscribed': true, 'monthly.cancelled': true,
};

export function isAuditKind(value: string): value is AuditKind {
  return Object.hasOwn(KINDS, value);
}
