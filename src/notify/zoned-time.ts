/**
 * Shifts are entered as a wall-clock time in a named zone (a coordinator in Amsterdam and one in
 * Moscow mean different instants by "22:00"), and stored as instants.
 */
export const SHIFT_ZONES = ['Europe/Amsterdam', 'Europe/Moscow', 'UTC'] as const;
export type ShiftZone = (typeof SHIFT_ZONES)[number];

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** How far the zone's clock is ahead of UTC at the instant, in milliseconds. */
function zoneOffset(zone: string, instant: number): number {
  let format = offsetFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    offsetFormats.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a form's `datetime-local` value names in the zone, or null when it is no date.
 * A time the clocks skip (spring forward) moves on by the gap; a time they repeat is the later one.
 */
export function zonedInstant(local: string, zone: ShiftZone): Date | null {
  const match = LOCAL.exec(local);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as [number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(wall);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  const first = wall - zoneOffset(zone, wall);
  return new Date(wall - zoneOffset(zone, first));
}
