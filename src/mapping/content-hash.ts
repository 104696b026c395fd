import { createHash } from 'node:crypto';

/** A stable fingerprint of a row's synced fields: equal hash means nothing to write. */
export function contentHash(fields: readonly unknown[]): string {
  return createHash('sha1').update(JSON.stringify(fields)).digest('base64url');
}
