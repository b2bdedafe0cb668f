import { defineMessages } from '../i18n/define.ts';
import { plural } from '../i18n/format.ts';

type N = { n: number };

/** Optional daily task reminders (cases/task-reminders.ts): the form on My work and the e-mail. */
export const taskRemindersMessages = defineMessages({
  en: {
    'reminders.title': 'E-mail reminders',
    'reminders.explain': 'Once a day, at 7:00 Amsterdam time (CET/CEST), an e-mail with only the number of your tasks due today or overdue. It names no case, person or task.',
    'reminders.on': 'Send me a daily reminder when tasks are due',
    'reminders.email': 'E-mail address',
    'reminders.emailShared': 'The same address receives on-call alerts, if you are on call.',
    'reminders.save': 'Save reminders',
    'reminders.saved': 'Your reminder setting is saved.',
    'reminders.invalid': 'Enter a valid e-mail address to receive reminders.',
    'reminders.mail.subject': ({ n }: N) => plural('en', n, { one: 'You have # task due today', other: 'You have # tasks due today' }),
    'reminders.mail.body': ({ n }: N) => plural('en', n, { one: 'You have # task due today or overdue.\n\nOpen "My work" to see it:', other: 'You have # tasks due today or overdue.\n\nOpen "My work" to see them:' }),
    'reminders.mail.footer': 'This message contains no details on purpose. You can turn these reminders off on "My work".',
    'audit.kind.case.task_reminders_set': 'task reminders turned on or off',
  },
  ru: {
    'reminders.title': 'Напоминания по e-mail',
    'reminders.explain': 'Раз в день, в 7:00 по Амстердаму (CET/CEST), письмо только с числом ваших задач со сроком сегодня или просроченных. В нём нет ни дела, ни человека, ни задачи.',
    'reminders.on': 'Присылать мне напоминание, когда у задач наступает срок',
    'reminders.email': 'Адрес e-mail',
    'reminders.emailShared': 'На этот же адрес приходят оповещения дежурства, если вы дежурите.',
    'reminders.save': 'Сохранить напоминания',
    'reminders.saved': 'Настройка напоминаний сохранена.',
    'reminders.invalid': 'Укажите правильный адрес e-mail, чтобы получать напоминания.',
    'reminders.mail.subject': ({ n }: N) =>
      plural('ru', n, { one: 'У вас # задача со сроком сегодня', few: 'У вас # задачи со сроком сегодня', many: 'У вас # задач со сроком сегодня', other: 'У вас # задачи со сроком сегодня' }),
    'reminders.mail.body': ({ n }: N) =>
      plural('ru', n, {
        one: 'У вас # задача со сроком сегодня или просроченная.\n\nОткройте «Мою работу», чтобы её увидеть:',
        few: 'У вас # задачи со сроком сегодня или просроченные.\n\nОткройте «Мою работу», чтобы их увидеть:',
        many: 'У вас # задач со сроком сегодня или просроченных.\n\nОткройте «Мою работу», чтобы их увидеть:',
        other: 'У вас # задачи со сроком сегодня или просроченные.\n\nОткройте «Мою работу», чтобы их увидеть:',
      }),
    'reminders.mail.footer': 'В этом письме намеренно нет подробностей. Напоминания можно отключить на странице «Моя работа».',
    'audit.kind.case.task_reminders_set': 'напоминания о задачах включены или отключены',
  },
  nl: {
    'reminders.title': 'Herinneringen per e-mail',
    'reminders.explain': 'Eén keer per dag, om 7:00 uur Amsterdamse tijd (CET/CEST), een e-mail met alleen het aantal taken dat vandaag of eerder af moest zijn. Er staat geen dossier, persoon of taak in.',
    'reminders.on': 'Stuur mij een dagelijkse herinnering als er taken af moeten',
    'reminders.email': 'E-mailadres',
    'reminders.emailShared': 'Hetzelfde adres krijgt de waarschuwingen van de piketdienst, als u dienst heeft.',
    'reminders.save': 'Herinneringen opslaan',
    'reminders.saved': 'Uw keuze voor herinneringen is opgeslagen.',
    'reminders.invalid': 'Vul een geldig e-mailadres in om herinneringen te krijgen.',
    'reminders.mail.subject': ({ n }: N) => plural('nl', n, { one: 'U heeft # taak voor vandaag', other: 'U heeft # taken voor vandaag' }),
    'reminders.mail.body': ({ n }: N) => plural('nl', n, { one: 'U heeft # taak die vandaag of eerder af moest zijn.\n\nOpen "Mijn werk" om die te zien:', other: 'U heeft # taken die vandaag of eerder af moesten zijn.\n\nOpen "Mijn werk" om ze te zien:' }),
    'reminders.mail.footer': 'Dit bericht bevat met opzet geen details. U kunt deze herinneringen uitzetten op "Mijn werk".',
    'audit.kind.case.task_reminders_set': 'taakherinneringen aan- of uitgezet',
  },
});
