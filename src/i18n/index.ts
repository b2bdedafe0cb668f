import { webMessages } from '../web/messages.ts';
import { helpMessages } from '../help/messages.ts';
import { triageMessages } from '../help/triage-messages.ts';
import { authMessages } from '../auth/messages.ts';
import { casesMessages } from '../cases/messages.ts';
import { auditMessages } from '../audit/messages.ts';
import { tracksMessages } from '../cases/tracks-messages.ts';
import { notifyMessages } from '../notify/messages.ts';
import { documentsMessages } from '../cases/documents-messages.ts';
import { queueMessages } from '../help/queue-messages.ts';
import { duressMessages } from '../help/duress-messages.ts';
import { safetyMessages } from '../cases/safety-messages.ts';
import { directoryMessages } from '../directory/messages.ts';
import { timelineMessages } from '../cases/timeline-messages.ts';
import { overviewMessages } from '../overview/messages.ts';
import { taskRemindersMessages } from '../cases/task-reminders-messages.ts';
import { forgetMessages } from '../cases/forget-messages.ts';
import { purposeMessages } from '../funding/purpose-messages.ts';
import { campaignMessages } from '../funding/campaign-messages.ts';
import { campaignEditorMessages } from '../funding/campaign-editor-messages.ts';
import { giveMessages } from '../funding/give-messages.ts';
import { donorMailMessages } from '../funding/donor-mail-messages.ts';
import { treasuryMessages } from '../funding/treasury-messages.ts';
import { booksMessages } from '../funding/books-messages.ts';
import { expenseMessages } from '../funding/expense-messages.ts';
import { paymentMessages } from '../funding/payment-messages.ts';
import { transparencyMessages } from '../funding/transparency-messages.ts';
import type { Lang } from './lang.ts';

export * from './lang.ts';
export { plural, formatDateTime, relativeTime } from './format.ts';

const catalogues = {
  en: { ...webMessages.en, ...helpMessages.en, ...triageMessages.en, ...authMessages.en, ...casesMessages.en, ...auditMessages.en, ...tracksMessages.en, ...documentsMessages.en, ...notifyMessages.en, ...queueMessages.en, ...duressMessages.en, ...safetyMessages.en, ...directoryMessages.en, ...timelineMessages.en, ...overviewMessages.en, ...taskRemindersMessages.en, ...forgetMessages.en, ...purposeMessages.en, ...campaignMessages.en, ...campaignEditorMessages.en, ...giveMessages.en, ...treasuryMessages.en, ...booksMessages.en, ...expenseMessages.en, ...paymentMessages.en, ...transparencyMessages.en, ...donorMailMessages.en },
  ru: { ...webMessages.ru, ...helpMessages.ru, ...triageMessages.ru, ...authMessages.ru, ...casesMessages.ru, ...auditMessages.ru, ...tracksMessages.ru, ...documentsMessages.ru, ...notifyMessages.ru, ...queueMessages.ru, ...duressMessages.ru, ...safetyMessages.ru, ...directoryMessages.ru, ...timelineMessages.ru, ...overviewMessages.ru, ...taskRemindersMessages.ru, ...forgetMessages.ru, ...purposeMessages.ru, ...campaignMessages.ru, ...campaignEditorMessages.ru, ...giveMessages.ru, ...treasuryMessages.ru, ...booksMessages.ru, ...expenseMessages.ru, ...paymentMessages.ru, ...transparencyMessages.ru, ...donorMailMessages.ru },
  nl: { ...webMessages.nl, ...helpMessages.nl, ...triageMessages.nl, ...authMessages.nl, ...casesMessages.nl, ...auditMessages.nl, ...tracksMessages.nl, ...documentsMessages.nl, ...notifyMessages.nl, ...queueMessages.nl, ...duressMessages.nl, ...safetyMessages.nl, ...directoryMessages.nl, ...timelineMessages.nl, ...overviewMessages.nl, ...taskRemindersMessages.nl, ...forgetMessages.nl, ...purposeMessages.nl, ...campaignMessages.nl, ...campaignEditorMessages.nl, ...giveMessages.nl, ...treasuryMessages.nl, ...booksMessages.nl, ...expenseMessages.nl, ...paymentMessages.nl, ...transparencyMessages.nl, ...donorMailMessages.nl },
};

export type Catalogue = (typeof catalogues)['en'];
export type MessageKey = keyof Catalogue;
type ValuesOf<K extends MessageKey> = Catalogue[K] extends (values: infer V) => string ? [V] : [];

export type Translate = <K extends MessageKey>(key: K, ...values: ValuesOf<K>) => string;

export function translator(lang: Lang): Translate {
  const catalogue: Catalogue = catalogues[lang];
  return (key, ...values) => {
    const message = catalogue[key] as string | ((v: unknown) => string);
    return typeof message === 'function' ? message(values[0]) : message;
  };
}

/** Every key of every language, for the test that checks nothing is left untranslated. */
export function allCatalogues(): Record<Lang, Record<string, unknown>> {
  return catalogues;
}
