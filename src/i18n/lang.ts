export const LANGUAGES = ['ru', 'en', 'nl'] as const;
export type Lang = (typeof LANGUAGES)[number];

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** Chooses from the browser's Accept-Language, preferring Russian when nothing matches. */
export function pickLanguage(acceptLanguage: string | undefined): Lang {
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { base: tag.toLowerCase().split('-')[0] ?? '', q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  return wanted.map((entry) => entry.base).find(isLang) ?? 'ru';
}

export const LANGUAGE_NAMES: Record<Lang, string> = { ru: 'Русский', en: 'English', nl: 'Nederlands' };
