/**
 * Sign-in throttling over HTTP is per (account, client address): five wrong passwords from one
 * address lock that address out of that account only; the same admin signs in from another
 * address; an account-wide ceiling stops guessing spread over many addresses; X-Forwarded-For is
 * not believed unless the server trusts its proxy. A password hashed at the old scrypt cost is
 * rehashed at today's when its admin signs in.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createAdmin } from '../../src/accounts/admin-accounts';
import { PASSWORD_COST, verifyPassword } from '../../src/accounts/password';
import { THROTTLE } from '../../src/accounts/sign-in-throttle';
import { dashboardServer, postSignIn } from '../support/dashboard';
import { startTestEnvironment, type TestEnvironment } from '../support/environment';
import { OLD_COST_N, oldCostHash } from '../support/old-password-hash';

let env: TestEnvironment;
let app: FastifyInstance;
const PASSWORD = 'correct horse battery staple';

before(async () => {
  env = await startTestEnvironment();
  app = await dashboardServer(env);
});
after(async () => {
  await app?.close();
  await env?.close();
});

async function newAdmin(name: string): Promise<string> {
  const email = `${name}@school.example`;
  await createAdmin(env.db, { email, password: PASSWORD, schoolIds: [env.config.schoolId], isStaff: false });
  return email;
}

const A = { remoteAddress: '198.51.100.7' };
const B = { remoteAddress: '203.0.113.20' };

test('five wrong passwords from address A lock A out of the account; from B the admin still signs in', async () => {
  const email = await newAdmin('pair');
  for (let i = 0; i < THROTTLE.perAccountAndAddress; i++)
    assert.equal((await postSignIn(app, email, `guess ${i}`, A)).statusCode, 401);

  const lockedA = await postSignIn(app, email, PASSWORD, A);
  assert.equal(lockedA.statusCode, 429, 'A waits, even with the right password');
  assert.ok(Number(lockedA.headers['retry-after']) > 0);

  const fromB = await postSignIn(app, email, PASSWORD, B);
  assert.equal(fromB.statusCode, 303, 'B signs in');
  assert.ok(fromB.cookies.some((c) => c.name === 'ck_dashboard_session'));
  assert.equal((await postSignIn(app, email, PASSWORD, A)).statusCode, 429, "B's sign-in does not unlock A");
});

test('X-Forwarded-For is not believed without a trusted proxy: a new header value is still address A', async () => {
  const email = await newAdmin('forwarded');
  // Four failures from A recorded directly (each over HTTP spends a full scrypt check), the fifth over HTTP.
  await env.db
    .insertInto('sign_in_failures')
    .values(
      Array.from({ length: THROTTLE.perAccountAndAddress - 1 }, () => ({
        email,
        client_ip: A.remoteAddress,
      })),
    )
    .execute();
  const fifth = await postSignIn(app, email, 'guess 5', {
    ...A,
    headers: { 'x-forwarded-for': '192.0.2.1' },
  });
  assert.equal(fifth.statusCode, 401);
  const spoofed = await postSignIn(app, email, PASSWORD, {
    ...A,
    headers: { 'x-forwarded-for': '192.0.2.99' },
  });
  assert.equal(spoofed.statusCode, 429);
});

test('guessing spread over many addresses meets the account-wide ceiling', async () => {
  const email = await newAdmin('ceiling');
  // Recorded directly: 50 HTTP failures would each spend a full scrypt check.
  await env.db
    .insertInto('sign_in_failures')
    .values(
      Array.from({ length: THROTTLE.perAccount }, (_, i) => ({
        email,
        client_ip: `10.1.${Math.floor(i / 4)}.${i % 4}`,
      })),
    )
    .execute();
  assert.ok(THROTTLE.perAccount >= 10 * THROTTLE.perAccountAndAddress, 'the ceiling is much higher');
  assert.equal((await postSignIn(app, email, PASSWORD, B)).statusCode, 429);
});

test('a password hashed at the old cost signs in and is rehashed at today’s cost', async () => {
  const email = await newAdmin('rehash');
  const old = oldCostHash(PASSWORD);
  await env.db.updateTable('admin_accounts').set({ password_hash: old }).where('email', '=', email).execute();

  assert.equal((await postSignIn(app, email, PASSWORD, B)).statusCode, 303);
  const { password_hash: stored } = await env.db
    .selectFrom('admin_accounts')
    .select('password_hash')
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  assert.notEqual(stored, old, 'the stored hash changed');
  assert.equal(Number(old.split('$')[1]), OLD_COST_N);
  assert.equal(Number(stored.split('$')[1]), PASSWORD_COST.N);
  assert.ok(PASSWORD_COST.N >= 2 ** 17);
  assert.equal(await verifyPassword(PASSWORD, stored), true);
  assert.equal((await postSignIn(app, email, PASSWORD, B)).statusCode, 303, 'and signs in with it');
});
