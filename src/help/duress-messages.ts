import { defineMessages } from '../i18n/define.ts';
import { plural } from '../i18n/format.ts';

/** The duress code: on the help form, the receipt page, and the flag the team sees. */
export const duressMessages = defineMessages({
  en: {
    'help.duress.title': 'A code for danger (you may skip this)',
    'help.duress.explain':
      'If someone ever forces you to open your request in front of them, you can type a different code. They will see an empty page, as if nothing had happened. We will quietly know that you are in danger.',
    'help.duress.label': 'Four digits of your choice',
    'help.duress.hint':
      'Your code for danger will be your real code with these four digits at the end instead of its last four. Choose digits you will remember. Keep them in your head, not next to your code.',
    'help.duress.error': (v: { count: number }) => plural('en', v.count, { one: 'Type # digit, or leave this empty.', other: 'Type # digits, or leave this empty.' }),
    'help.duress.reminder': 'Your code for danger is your code above with these four digits at the end instead of its last four. Keep them in your head. If someone forces you to open your request, type that code.',
    'help.duress.ending': 'Its last four digits:',
    'duress.flag': 'Under coercion',
    'duress.flag.explain':
      'The person opened this request with their code for danger: someone was forcing them. They were shown an empty page. Do not write to them or call them as usual; check their safe-contact answers first.',
    'duress.flag.at': 'Last time:',
    'audit.kind.request.coerced': 'the person opened the request with their code for danger',
  },
  ru: {
    'help.duress.title': 'Код на случай опасности (можно пропустить)',
    'help.duress.explain':
      'Если кто-то заставит вас открыть просьбу при нём, вы можете ввести другой код. Он увидит пустую страницу, как будто ничего не было. А мы тихо узнаем, что вы в опасности.',
    'help.duress.label': 'Четыре цифры на ваш выбор',
    'help.duress.hint':
      'Код на случай опасности — это ваш настоящий код, но с этими четырьмя цифрами в конце вместо последних четырёх. Выберите цифры, которые не забудете. Держите их в голове, а не рядом с кодом.',
    'help.duress.error': (v: { count: number }) =>
      plural('ru', v.count, {
        one: 'Введите # цифру или оставьте поле пустым.',
        few: 'Введите # цифры или оставьте поле пустым.',
        many: 'Введите # цифр или оставьте поле пустым.',
        other: 'Введите # цифры или оставьте поле пустым.',
      }),
    'help.duress.reminder': 'Ваш код на случай опасности — это код выше, но с этими четырьмя цифрами в конце вместо последних четырёх. Держите их в голове. Если вас заставят открыть просьбу, введите этот код.',
    'help.duress.ending': 'Последние четыре цифры:',
    'duress.flag': 'Под принуждением',
    'duress.flag.explain':
      'Человек открыл эту просьбу кодом на случай опасности: его к этому принуждали. Ему показали пустую страницу. Не пишите и не звоните ему как обычно — сначала посмотрите его ответы о безопасной связи.',
    'duress.flag.at': 'Последний раз:',
    'audit.kind.request.coerced': 'человек открыл просьбу кодом на случай опасности',
  },
  nl: {
    'help.duress.title': 'Een code voor gevaar (mag u overslaan)',
    'help.duress.explain':
      'Als iemand u ooit dwingt uw verzoek te openen waar hij bij is, kunt u een andere code typen. Hij ziet dan een lege pagina, alsof er niets gebeurd is. Wij weten dan stilletjes dat u in gevaar bent.',
    'help.duress.label': 'Vier cijfers naar keuze',
    'help.duress.hint':
      'Uw code voor gevaar is uw echte code, maar met deze vier cijfers aan het eind in plaats van de laatste vier. Kies cijfers die u onthoudt. Bewaar ze in uw hoofd, niet naast uw code.',
    'help.duress.error': (v: { count: number }) => plural('nl', v.count, { one: 'Typ # cijfer, of laat dit leeg.', other: 'Typ # cijfers, of laat dit leeg.' }),
    'help.duress.reminder': 'Uw code voor gevaar is uw code hierboven, met deze vier cijfers aan het eind in plaats van de laatste vier. Bewaar ze in uw hoofd. Als iemand u dwingt uw verzoek te openen, typ dan die code.',
    'help.duress.ending': 'De laatste vier cijfers:',
    'duress.flag': 'Onder dwang',
    'duress.flag.explain':
      'De persoon opende dit verzoek met de code voor gevaar: iemand dwong hem of haar daartoe. Er werd een lege pagina getoond. Schrijf of bel niet zoals gewoonlijk; kijk eerst naar de antwoorden over veilig contact.',
    'duress.flag.at': 'Het laatst:',
    'audit.kind.request.coerced': 'de persoon opende het verzoek met de code voor gevaar',
  },
});
