import type { Translate } from '../i18n/index.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Country } from './needs.ts';
import { countryName } from './needs.ts';
import { EMERGENCY_NUMBERS, emergencyNumbers, type EmergencyNumbers } from './emergency.ts';

type Props = { t: Translate; lang: Lang };

function Numbers({ t, numbers }: { t: Translate; numbers: EmergencyNumbers }) {
  if ('any' in numbers) return <strong class="phone">{numbers.any}</strong>;
  return (
    <>
      {t('emergency.police')} <strong class="phone">{numbers.police}</strong>, {t('emergency.ambulance')} <strong class="phone">{numbers.ambulance}</strong>
    </>
  );
}

/**
 * What a person in danger can do now, even where the association has no other contact to give:
 * the emergency number of the country they are in (honest that the police may be the danger),
 * and that the team answers here. With a country, its number; without, the short list.
 */
export function EmergencyAdvice({ t, lang, country, heading }: Props & { country: Country | null; heading: 'h2' | 'h3' }) {
  const numbers = emergencyNumbers(country);
  const Heading = heading;
  return (
    <section class="emergency" aria-labelledby="emergency-title">
      <Heading id="emergency-title">{t('emergency.title')}</Heading>
      <p>{t('emergency.lead')}</p>
      {numbers && country ? (
        <p>
          {countryName(lang, country)}: <Numbers t={t} numbers={numbers} />
        </p>
      ) : (
        <EmergencyList t={t} lang={lang} />
      )}
      <p>{t('emergency.police.warning')}</p>
      <p>{t('emergency.here')}</p>
    </section>
  );
}

/** The countries people most often write from, each with its number: a static page cannot know which. */
export function EmergencyList({ t, lang }: Props) {
  return (
    <>
      <ul class="numbers">
        {(Object.entries(EMERGENCY_NUMBERS) as [Country, EmergencyNumbers][]).map(([code, numbers]) => (
          <li>
            {countryName(lang, code)}: <Numbers t={t} numbers={numbers} />
          </li>
        ))}
      </ul>
      <p class="hint">{t('emergency.elsewhere')}</p>
    </>
  );
}
