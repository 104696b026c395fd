/**
 * Admin passwords are hashed at today's scrypt cost (N = 2^17), the cost is stored with the hash,
 * and a hash made at an older, lower cost still verifies and is marked for rehashing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword, needsRehash, verifyPassword } from '../../src/accounts/password';
import { oldCostHash } from '../support/old-password-hash';

test('a new hash is scrypt at N >= 2^17, r = 8, p = 1, salted, and verifies only its password', async () => {
  const stored = await hashPassword('a long enough password');
  const [scheme, n, r, p] = stored.split('$');
  assert.equal(scheme, 'scrypt');
  assert.ok(Number(n) >= 2 ** 17, `N is ${n}`);
  assert.equal(r, '8');
  assert.equal(p, '1');
  assert.equal(await verifyPassword('a long enough password', stored), true);
  assert.equal(await verifyPassword('a long enough passworD', stored), false);
  assert.notEqual(await hashPassword('a long enough password'), stored, 'salted');
  assert.equal(needsRehash(stored), false);
});

test('a hash made at the old cost still verifies and needs rehashing', async () => {
  const stored = oldCostHash('an older password here');
  assert.equal(await verifyPassword('an older password here', stored), true);
  assert.equal(await verifyPassword('not the password', stored), false);
  assert.equal(needsRehash(stored), true);
  assert.equal(needsRehash('not a hash'), true);
});
