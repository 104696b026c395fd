/**
 * The web process's HTTP behaviour around failures: /healthz answers without dependencies,
 * /readyz names the dependency that is down, and an error of the database reaches the client only
 * as a generic message with a request id, while the log line (under that id) has the cause and no
 * SQL.
 */
import { Client, Connection } from '@temporalio/client';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Writable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import { createApiKey } from '../../src/accounts/api-keys';
import { loadSchoolConfig } from '../../src/config/load-school-config';
import { createDb } from '../../src/db/connection';
import type { Database } from '../../src/db/database';
import { createHttpServer } from '../../src/http/server';
import { freePort } from '../../src/infra/ports';
import { projectRoot } from '../../src/infra/paths';
import { createLogger } from '../../src/logging/logger';
import { createEmptyTestDatabase, createTestDatabase } from '../support/environment';

const schoolId = 'http-errors-school';
let db: Kysely<Database>;
let connection: Connection;
let temporal: Client;
const closers: (() => Promise<unknown>)[] = [];

before(async () => {
  ({ db } = await createTestDatabase());
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  temporal = new Client({ connection });
  const config = loadSchoolConfig(`${projectRoot}/config/schools/demo.json`);
  await db
    .insertInto('schools')
    .values({
      id: schoolId,
      name: 'HTTP Errors School',
      campus_id: config.campusId,
      time_zone: config.timeZone,
      environment: 'test',
      sis_base_url: config.sis.baseUrl,
      config: JSON.stringify({ ...config, schoolId }),
    })
    .execute();
});

after(async () => {
  for (const close of closers) await close();
  await connection.close();
  await db.destroy();
});

/** A server whose log lines land in `lines`. */
async function server(deps: { db: Kysely<Database>; temporal?: Client }) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ name: 'web', level: 'info', destination });
  const app = await createHttpServer({ ...deps, temporalUiUrl: 'http://ui.test', logger });
  closers.push(() => app.close());
  return { app, lines };
}

async function unreachableDb() {
  const port = await freePort();
  const broken = createDb(`postgres://nobody:secret@127.0.0.1:${port}/nothing`, 1);
  closers.push(() => broken.destroy());
  return broken;
}

test('/readyz is 200 when the database, its migrations and Temporal are all there', async () => {
  const { app } = await server({ db, temporal });
  // Each check has 2 s to answer; a loaded machine may miss that once, so it is asked up to 3 times.
  let response = await app.inject({ method: 'GET', url: '/readyz' });
  for (let retry = 0; retry < 2 && response.statusCode !== 200; retry++)
    response = await app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(response.statusCode, 200, response.body);
  assert.deepEqual(response.json(), {
    ready: true,
    checks: { database: 'ok', migrations: 'ok', temporal: 'ok' },
  });
});

test('/healthz answers and /readyz is 503 naming the database when it is unreachable', async () => {
  const { app, lines } = await server({ db: await unreachableDb(), temporal });
  const health = await app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(health.statusCode, 200, 'alive without its dependencies');
  assert.deepEqual(health.json(), { ok: true });

  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(ready.statusCode, 503);
  assert.deepEqual(ready.json(), {
    ready: false,
    checks: { database: 'unreachable', migrations: 'unknown', temporal: 'ok' },
  });
  assert.doesNotMatch(ready.body, /ECONNREFUSED|127\.0\.0\.1/, 'the cause is not shown to the client');
  const logged = lines.find((line) => line.msg === 'not ready');
  assert.match(JSON.stringify(logged?.causes), /ECONNREFUSED/, 'the cause is logged');
});

test('/readyz is 503 naming Temporal when it is unreachable, and pending migrations by name', async () => {
  const port = await freePort();
  // As the web process probes: a connection without gRPC retries.
  const deadTemporal = Connection.lazy({ address: `127.0.0.1:${port}`, interceptors: [] });
  closers.push(() => deadTemporal.close());
  const { app } = await server({ db, temporal: new Client({ connection: deadTemporal }) });
  const noTemporal = await app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(noTemporal.statusCode, 503);
  assert.equal(noTemporal.json().checks.temporal, 'unreachable');
  assert.equal(noTemporal.json().checks.database, 'ok');

  // A database the migrations have not reached yet: not ready until the worker (or migrate) runs them.
  const empty = createDb(await createEmptyTestDatabase(), 2);
  closers.push(() => empty.destroy());
  const { app: fresh } = await server({ db: empty, temporal });
  const pending = await fresh.inject({ method: 'GET', url: '/readyz' });
  assert.equal(pending.statusCode, 503);
  assert.equal(pending.json().checks.migrations, 'pending migrations');
  assert.ok(pending.json().pending.includes('0001_roster'), pending.body);
});

test('a database error is a generic 500 with a request id; the log has the cause under that id, no SQL', async () => {
  const { key } = await createApiKey(db, schoolId, 'errors test');
  const { app, lines } = await server({ db, temporal });
  await sql`ALTER TABLE sync_runs RENAME TO sync_runs_moved`.execute(db);
  try {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/schools/${schoolId}/runs`,
      headers: { authorization: `Bearer ${key}` },
    });
    assert.equal(response.statusCode, 500);
    const body = response.json() as { error: { code: string; message: string; requestId: string } };
    assert.equal(body.error.code, 'internal');
    assert.equal(body.error.message, 'Something went wrong on our side; try again.');
    assert.doesNotMatch(response.body, /sync_runs|relation|does not exist|select/i, 'no database text');
    assert.equal(response.headers['x-request-id'], body.error.requestId);

    const failed = lines.find((line) => line.reqId === body.error.requestId && line.msg === 'request failed');
    assert.ok(failed, `a log line for request ${body.error.requestId}`);
    const text = JSON.stringify(failed);
    assert.match(text, /relation \\"sync_runs\\" does not exist/, 'the cause is in the log');
    assert.doesNotMatch(text, /select\s.+\sfrom/i, 'no SQL text in the log');
    assert.doesNotMatch(text, new RegExp(key), 'no API key in the log');
    assert.doesNotMatch(JSON.stringify(lines), /authorization|Bearer/i, 'the request log keeps no headers');
  } finally {
    await sql`ALTER TABLE sync_runs_moved RENAME TO sync_runs`.execute(db);
  }
});

test('a 4xx keeps its message: a validation error is answered as it is', async () => {
  const { key } = await createApiKey(db, schoolId, 'validation test');
  const { app } = await server({ db, temporal });
  const response = await app.inject({
    method: 'POST',
    url: `/api/v1/schools/${schoolId}/check-ins`,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    payload: '{"not json',
  });
  assert.equal(response.statusCode, 400);
  assert.equal(response.json().error.code, 'invalid-request');
  assert.match(response.json().error.message, /JSON/i);
});
