import type { Country } from './needs.ts';

/**
 * Whom to call in an emergency in the countries people most often write from. Where one number
 * reaches every service it is `any`; where it does not (or 112 is not reliably answered), the
 * police and ambulance numbers. Written from the numbers these countries publish as widely
 * known; they were not checked against each country's official source when written (the build
 * machine has no internet), so have a partner organisation in each country confirm its line, and
 * correct one line at a time.
 */
export type EmergencyNumbers = { any: string } | { police: string; ambulance: string };

export const EMERGENCY_NUMBERS: Record<Exclude<Country, 'OTHER'>, EmergencyNumbers> = {
  RU: { any: '112' },
  GE: { any: '112' },
  AM: { any: '911' },
  AZ: { any: '112' },
  KZ: { any: '112' },
  KG: { police: '102', ambulance: '103' },
  UZ: { police: '102', ambulance: '103' },
  TR: { any: '112' },
  AE: { police: '999', ambulance: '998' },
  RS: { police: '192', ambulance: '194' },
  BY: { police: '102', ambulance: '103' },
  UA: { any: '112' },
  DE: { any: '112' },
  NL: { any: '112' },
  BE: { any: '112' },
  FR: { any: '112' },
};

export function emergencyNumbers(country: Country | null): EmergencyNumbers | null {
  return country && country !== 'OTHER' ? EMERGENCY_NUMBERS[country] : null;
}
