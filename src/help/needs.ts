export const NEEDS = ['evacuation', 'housing', 'clothing', 'psychological', 'legal', 'other'] as const;
export type Need = (typeof NEEDS)[number];

export const REQUEST_STATUSES = ['new', 'triage', 'accepted', 'referred', 'closed'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
/** What the database may hold: a request the person erased keeps only its dates and this status. */
export type StoredRequestStatus = RequestStatus | 'erased';

/** Where a person may be now: the places people flee from and through, and where they arrive. */
export const COUNTRIES = ['RU', 'GE', 'AM', 'AZ', 'KZ', 'KG', 'UZ', 'TR', 'AE', 'RS', 'BY', 'UA', 'DE', 'NL', 'BE', 'FR', 'OTHER'] as const;
export type Country = (typeof COUNTRIES)[number];

const regionNames = new Map<string, Intl.DisplayNames>();

/** A country's name in the reader's language; Intl's formatters are costly to build, so one per language. */
export function countryName(lang: string, code: string): string {
  if (code === 'OTHER') return { ru: 'другая страна', en: 'another country', nl: 'een ander land' }[lang] ?? code;
  let names = regionNames.get(lang);
  if (!names) regionNames.set(lang, (names = new Intl.DisplayNames([lang], { type: 'region' })));
  return names.of(code) ?? code;
}
