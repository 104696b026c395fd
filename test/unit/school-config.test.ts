import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadSchoolConfig } from '../../src/config/load-school-config';
import { projectRoot } from '../../src/infra/paths';

const demoFile = path.join(projectRoot, 'config/schools/demo.json');

function withFile(content: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'config-')), 'school.json');
  writeFileSync(file, content);
  return file;
}

test('the demo school configuration loads with defaults filled in', () => {
  const config = loadSchoolConfig(demoFile);
  assert.equal(config.schoolId, 'demo-college-main');
  assert.deepEqual(config.syncWindow, { daysBeforeStart: 21, daysAfterEnd: 14 });
  assert.equal(config.safety.maxDeactivationShare, 0.1);
});

test('a bad file names the file, each field and the fix', () => {
  const demo = JSON.parse(JSON.stringify(loadSchoolConfig(demoFile)));
  demo.timeZone = 'Eastern';
  demo.deliveryMethods[0].attendanceMethod = 'Lecture';
  delete demo.campusId;
  const file = withFile(JSON.stringify(demo));
  assert.throws(
    () => loadSchoolConfig(file),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.ok(err.message.startsWith(`${file}: invalid School Configuration`));
      assert.match(
        err.message,
        /field "timeZone": not an IANA time zone; use a name such as "America\/New_York"/,
      );
      assert.match(err.message, /field "campusId": is required; add it/);
      return true;
    },
  );
  // Field-level checks that need the whole object run once the shape is right.
  delete demo.campusId;
  demo.campusId = 'MAIN';
  demo.timeZone = 'America/Chicago';
  assert.throws(
    () => loadSchoolConfig(withFile(JSON.stringify(demo))),
    /deliveryMethods\.0\.attendanceMethod": "Lecture" is not defined under "attendanceMethods"/,
  );
});

test('secrets are referenced, never inlined', () => {
  const demo = JSON.parse(JSON.stringify(loadSchoolConfig(demoFile)));
  demo.sis.credentials = { username: 'svc', password: 'hunter2' };
  assert.throws(
    () => loadSchoolConfig(withFile(JSON.stringify(demo))),
    (err: Error) => {
      assert.match(err.message, /field "sis.credentials": give "usernameEnv" and "passwordEnv"/);
      assert.ok(!err.message.includes('hunter2'), 'the secret is not echoed');
      return true;
    },
  );
});

test('unreadable JSON is reported with the file name', () => {
  assert.throws(
    () => loadSchoolConfig(withFile('{ nope')),
    /school\.json: cannot read the School Configuration/,
  );
});
