import { defineMessages } from '../i18n/define.ts';

/**
 * The names of what the money buys (src/funding/purposes.ts), one key per purpose: the campaign
 * page, the Give form and the transparency page all say them the same way.
 */
export const purposeMessages = defineMessages({
  en: {
    'purpose.shelter': 'Safe housing',
    'purpose.clothing': 'Clothing',
    'purpose.psych': 'Psychological help',
    'purpose.legal': 'Legal help',
    'purpose.evacuation': 'Emergency evacuation',
    'purpose.general': 'Where most needed',
  },
  ru: {
    'purpose.shelter': 'Безопасное жильё',
    'purpose.clothing': 'Одежда',
    'purpose.psych': 'Психологическая помощь',
    'purpose.legal': 'Юридическая помощь',
    'purpose.evacuation': 'Экстренная эвакуация',
    'purpose.general': 'Туда, где нужнее всего',
  },
  nl: {
    'purpose.shelter': 'Veilige woonplek',
    'purpose.clothing': 'Kleding',
    'purpose.psych': 'Psychologische hulp',
    'purpose.legal': 'Juridische hulp',
    'purpose.evacuation': 'Noodevacuatie',
    'purpose.general': 'Waar het het meest nodig is',
  },
});
