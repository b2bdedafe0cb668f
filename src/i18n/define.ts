import type { Lang } from './lang.ts';

/** A message is plain text, or a function of named values (for counts, names and dates). */
// biome-ignore lint: parameters differ per message
export type Message = string | ((values: any) => string);

type Widen<M> = { [K in keyof M]: M[K] extends string ? string : M[K] };

/**
 * Defines one domain's messages in all three languages at once; the type makes a missing or
 * misspelt key in Russian or Dutch a compile error.
 */
export function defineMessages<const M extends Record<string, Message>>(catalogues: {
  en: M;
  ru: Widen<M>;
  nl: Widen<M>;
}): Record<Lang, Widen<M>> {
  return catalogues as Record<Lang, Widen<M>>;
}
