/**
 * Admin passwords: scrypt (a memory-hard KDF) with a random salt per password. The stored form
 * names its parameters (`scrypt$N$r$p$salt$key`), so stored hashes keep verifying when the cost is
 * raised, and a sign-in replaces a hash made at a lower cost (`needsRehash`).
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;
/** Today's cost: N = 2^17, r = 8, p = 1 (OWASP's scrypt minimum), 128 MiB and ~0.5 s per hash. */
export const PASSWORD_COST = { N: 2 ** 17, r: 8, p: 1 };

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

// scrypt needs 128 * N * r bytes and node refuses to reach its maxmem (32 MiB by default): allow twice that.
const maxmem = (N: number, r: number) => 2 * 128 * N * r;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = PASSWORD_COST;
  const key = await scrypt(password, salt, KEY_LENGTH, { N, r, p, maxmem: maxmem(N, r) });
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

function parseStored(stored: string) {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (scheme !== 'scrypt' || !salt || !key || !Object.values(cost).every(Number.isSafeInteger))
    return undefined;
  return { ...cost, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseStored(stored);
  if (!parsed) return false;
  const { N, r, p, salt, key: expected } = parsed;
  const actual = await scrypt(password, salt, expected.length, { N, r, p, maxmem: maxmem(N, r) });
  return timingSafeEqual(actual, expected);
}

/** True when a stored hash was made at a lower cost than today's: hash the password again at sign-in. */
export function needsRehash(stored: string): boolean {
  const parsed = parseStored(stored);
  return !parsed || parsed.N < PASSWORD_COST.N || parsed.r < PASSWORD_COST.r || parsed.p < PASSWORD_COST.p;
}

/** Spends the same time as a real check, so an unknown email is not told apart by timing. */
let decoyHash: Promise<string> | undefined;
export async function verifyDecoy(password: string): Promise<false> {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(password, await decoyHash);
  return false;
}

/** A password for a new account, printed once: 20 characters from a 32-letter alphabet (100 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789'; // no l, o, 0, 1: read aloud safely
  return Array.from(randomBytes(20), (byte) => alphabet[byte % 32]).join('');
}
