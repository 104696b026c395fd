/** Bearer tokens issued by Authenticate, each valid for a fixed time. */
import { randomBytes } from 'node:crypto';

export class TokenStore {
  private readonly expiresAt = new Map<string, number>();

  constructor(private readonly ttlSeconds: number) {}

  issue(now = Date.now()): { token: string; expiresIn: number } {
    const token = randomBytes(24).toString('base64url');
    this.expiresAt.set(token, now + this.ttlSeconds * 1000);
    return { token, expiresIn: this.ttlSeconds };
  }

  isValid(token: string, now = Date.now()): boolean {
    const expiry = this.expiresAt.get(token);
    if (expiry === undefined) return false;
    if (expiry > now) return true;
    this.expiresAt.delete(token);
    return false;
  }

  /** Makes every issued token invalid, as when the SIS rotates its signing key. */
  revokeAll(): void {
    this.expiresAt.clear();
  }
}
