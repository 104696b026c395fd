/** A password hash as the project stored it before the scrypt cost was raised (N = 2^15). */
import { randomBytes, scryptSync } from 'node:crypto';

export const OLD_COST_N = 2 ** 15;

export function oldCostHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: OLD_COST_N, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', OLD_COST_N, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}
