import { hash, verify } from '@node-rs/argon2';

/** Password hashes for the login check (argon2id with the library's defaults, its own salt). */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function passwordMatches(stored: string, password: string): Promise<boolean> {
  return verify(stored, password).catch(() => false);
}
