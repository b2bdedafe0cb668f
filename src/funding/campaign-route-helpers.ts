import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../web/context.ts';
import { notFound } from '../web/errors.ts';
import { formValues, textOf } from '../web/forms.tsx';

/** A form's fields as typed, as plain strings (lists and files are dropped, and so is the CSRF token). */
export async function typedValues(c: Context<AppEnv>): Promise<Record<string, string>> {
  const raw = formValues(await c.req.parseBody());
  return Object.fromEntries(Object.entries(raw).filter(([key]) => key !== '_csrf').map(([key, value]) => [key, textOf(value)]));
}

const uuid = z.uuid();

/** The :id of the address, or "not found" for anything that is not an id. */
export function idParam(c: Context<AppEnv>): string {
  const parsed = uuid.safeParse(c.req.param('id') ?? '');
  if (!parsed.success) throw notFound();
  return parsed.data;
}
