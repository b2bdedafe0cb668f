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
    'duress.clear.title': 'Clear the flag',
    'duress.clear.explain': 'Only when you know the person can safely be contacted again. The flag comes back by itself if they use their code for danger again.',
    'duress.clear.reason': 'Why',
    'duress.clear.reason.spoke_safely': 'We spoke with the person on a safe channel: they are safe',
    'duress.clear.reason.mistaken_code': 'The person used the code by mistake',
    'duress.clear.reason.danger_over': 'The danger has passed (agreed with the person)',
    'duress.clear.reason.other': 'Another reason (write it in a note on the case)',
    'duress.clear.submit': 'Clear the flag',
    'duress.clear.done': 'The flag was cleared.',
    'duress.clear.newer': 'The person used their code for danger again after you opened this page. The flag stays: read the new time first.',
    'duress.clear.noReason': 'Choose why. Nothing was changed.',
    'duress.mywork.title': 'Under coercion',
    'duress.mywork.count': (v: { n: number }) => plural('en', v.n, { one: '# case whose person used their code for danger', other: '# cases whose person used their code for danger' }),
    'duress.mywork.at': 'Last time',
    'audit.kind.case.coercion_cleared': 'the “under coercion” flag was cleared',
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
    'duress.clear.title': 'Снять отметку',
    'duress.clear.explain': 'Только если вы знаете, что с человеком снова можно безопасно связаться. Отметка вернётся сама, если он снова введёт код на случай опасности.',
    'duress.clear.reason': 'Причина',
    'duress.clear.reason.spoke_safely': 'Мы поговорили с человеком по безопасному каналу: он в безопасности',
    'duress.clear.reason.mistaken_code': 'Человек ввёл код по ошибке',
    'duress.clear.reason.danger_over': 'Опасность миновала (согласовано с человеком)',
    'duress.clear.reason.other': 'Другая причина (запишите её в заметке к делу)',
    'duress.clear.submit': 'Снять отметку',
    'duress.clear.done': 'Отметка снята.',
    'duress.clear.newer': 'После того как вы открыли эту страницу, человек снова ввёл код на случай опасности. Отметка остаётся: сначала посмотрите новое время.',
    'duress.clear.noReason': 'Выберите причину. Ничего не изменено.',
    'duress.mywork.title': 'Под принуждением',
    'duress.mywork.count': (v: { n: number }) =>
      plural('ru', v.n, {
        one: '# дело, где человек ввёл код на случай опасности',
        few: '# дела, где человек ввёл код на случай опасности',
        many: '# дел, где человек ввёл код на случай опасности',
        other: '# дела, где человек ввёл код на случай опасности',
      }),
    'duress.mywork.at': 'Последний раз',
    'audit.kind.case.coercion_cleared': 'снята отметка «под принуждением»',
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
    'duress.clear.title': 'Markering opheffen',
    'duress.clear.explain': 'Alleen als u weet dat de persoon weer veilig te benaderen is. De markering komt vanzelf terug als de persoon de code voor gevaar opnieuw gebruikt.',
    'duress.clear.reason': 'Waarom',
    'duress.clear.reason.spoke_safely': 'We hebben de persoon via een veilig kanaal gesproken: hij of zij is veilig',
    'duress.clear.reason.mistaken_code': 'De persoon gebruikte de code per vergissing',
    'duress.clear.reason.danger_over': 'Het gevaar is voorbij (afgesproken met de persoon)',
    'duress.clear.reason.other': 'Een andere reden (schrijf die in een notitie bij de zaak)',
    'duress.clear.submit': 'Markering opheffen',
    'duress.clear.done': 'De markering is opgeheven.',
    'duress.clear.newer': 'De persoon gebruikte de code voor gevaar opnieuw nadat u deze pagina opende. De markering blijft: bekijk eerst het nieuwe tijdstip.',
    'duress.clear.noReason': 'Kies waarom. Er is niets gewijzigd.',
    'duress.mywork.title': 'Onder dwang',
    'duress.mywork.count': (v: { n: number }) => plural('nl', v.n, { one: '# zaak waarvan de persoon de code voor gevaar gebruikte', other: '# zaken waarvan de persoon de code voor gevaar gebruikte' }),
    'duress.mywork.at': 'Het laatst',
    'audit.kind.case.coercion_cleared': 'de markering ‘onder dwang’ is opgeheven',
  },
});
