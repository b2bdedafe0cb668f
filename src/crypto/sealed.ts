/**
 * Sealed fields: what a vault protects. Every column that holds a vault's ciphertext is declared
 * once with `sealedField`, so that crypto/ can list every field of a vault (for rotation and
 * crypto-shredding) and bind each ciphertext to its table, row, field and the metadata that gives
 * it its meaning (who wrote it, when, which part of a case it belongs to).
 */
declare const sealedBrand: unique symbol;

/** A ciphertext made by a vault handle. Plain text and plain bytes cannot be assigned to it. */
export type Sealed = Uint8Array & { readonly [sealedBrand]: true };

/** A value of a bound column, as the database returns it. */
export type BoundValue = string | number | boolean | bigint | Date | null;

export type SealedField<Bound extends string = string> = {
  /** the table and column that hold the ciphertext */
  readonly table: string;
  readonly field: string;
  /** the column naming the vault whose key seals this field */
  readonly vaultColumn: string;
  /** plain columns bound to the ciphertext: changing one makes the field fail to open */
  readonly bound: readonly Bound[];
  /** crypto-shredding: clear the column (it must be nullable), or delete the whole row */
  readonly shred: 'clear' | 'delete-row';
};

/** Where one sealed value lives: its row id and the values of its bound columns. */
export type SealedPlace<Bound extends string = string> = { id: string } & { readonly [K in Bound]: BoundValue };

const registry = new Map<string, SealedField>();

const NAME = /^[a-z][a-z0-9_]{0,62}$/;

/** Declares a sealed column. Names are checked because the generic rotation builds SQL from them. */
export function sealedField<const Bound extends string>(field: SealedField<Bound>): SealedField<Bound> {
  for (const name of [field.table, field.field, field.vaultColumn, ...field.bound]) {
    if (!NAME.test(name)) throw new Error(`sealedField: "${name}" is not a plain column or table name`);
  }
  const key = `${field.table}.${field.field}`;
  const known = registry.get(key);
  if (known && JSON.stringify(known) !== JSON.stringify(field)) throw new Error(`sealedField: ${key} declared twice, differently`);
  registry.set(key, field);
  return field;
}

/** Every declared sealed column: what rotation re-encrypts and shredding destroys. */
export function sealedFields(): SealedField[] {
  return [...registry.values()];
}

function normalise(value: BoundValue | undefined): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** The associated data of one sealed value: version, place and bound metadata, unambiguous JSON. */
export function associatedData<B extends string>(field: SealedField<B>, place: SealedPlace<B>): Uint8Array {
  const bound = field.bound.map((column) => [column, normalise(place[column])]);
  return new TextEncoder().encode(`beside/v2|${JSON.stringify([field.table, place.id, field.field, bound])}`);
}
