import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { resolveCredentials } from '../../src/config/credentials';
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

test('the SIS base URL must be https; http only for a loopback host (the simulator, the demo)', () => {
  const demo = JSON.parse(JSON.stringify(loadSchoolConfig(demoFile)));
  for (const baseUrl of [
    'http://sis.example.edu/api',
    'http://10.0.0.5:8080/api',
    'ftp://sis.example.edu/api',
  ]) {
    const file = withFile(
      JSON.stringify({ ...demo, environment: 'production', sis: { ...demo.sis, baseUrl } }),
    );
    assert.throws(
      () => loadSchoolConfig(file),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /field "sis\.baseUrl": must use https .*write "https:\/\/\.\.\."/);
        return true;
      },
      baseUrl,
    );
  }
  for (const baseUrl of [
    'https://sis.example.edu/api',
    'http://127.0.0.1:4010/api',
    'http://localhost:4010/api',
    'http://[::1]:4010/api',
  ]) {
    const file = withFile(JSON.stringify({ ...demo, sis: { ...demo.sis, baseUrl } }));
    assert.equal(loadSchoolConfig(file).sis.baseUrl, baseUrl);
  }
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

test('a misspelt or unknown key is refused, naming the field and the key it likely means', () => {
  const demo = JSON.parse(JSON.stringify(loadSchoolConfig(demoFile)));
  demo.posting = { afterEditWindw: true };
  demo.attendanceMethods.Classroom.checkInWindow.beforeMinute = 5;
  demo.colour = 'blue';
  const file = withFile(JSON.stringify(demo));
  assert.throws(
    () => loadSchoolConfig(file),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.ok(err.message.startsWith(`${file}: invalid School Configuration`));
      assert.match(
        err.message,
        /field "posting\.afterEditWindw": unknown key; did you mean "afterEditWindow"\? Fix the spelling/,
      );
      assert.match(
        err.message,
        /field "attendanceMethods\.Classroom\.checkInWindow\.beforeMinute": unknown key; did you mean "beforeMinutes"\?/,
      );
      assert.match(err.message, /field "colour": unknown key; remove it \(this object takes "schoolId", /);
      return true;
    },
  );
});

test('one SIS delivery method mapped twice is refused, naming both mappings', () => {
  const demo = JSON.parse(JSON.stringify(loadSchoolConfig(demoFile)));
  demo.deliveryMethods.push({ sisId: '2', attendanceMethod: 'Classroom' });
  demo.deliveryMethods.push({ sisName: 'blended', attendanceMethod: 'Classroom' });
  const file = withFile(JSON.stringify(demo));
  assert.throws(
    () => loadSchoolConfig(file),
    (err: Error) => {
      assert.ok(err.message.startsWith(`${file}: invalid School Configuration`));
      assert.match(
        err.message,
        /field "deliveryMethods\.3\.sisId": SIS delivery method "2" is already mapped by deliveryMethods\.1; map each SIS delivery method once/,
      );
      assert.match(
        err.message,
        /field "deliveryMethods\.4\.sisName": SIS delivery method "blended" is already mapped by deliveryMethods\.2;/,
      );
      return true;
    },
  );
});

test('credential variables that are not set, or a secrets file that is missing or malformed, are named with the fix', () => {
  const config = loadSchoolConfig(demoFile);
  config.sis.credentials = { usernameEnv: 'UNSET_SIS_USER_4711', passwordEnv: 'UNSET_SIS_PASSWORD_4711' };
  assert.throws(
    () => resolveCredentials(config, 'school.json'),
    (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.match(
        err.message,
        /^school\.json: the SIS credentials of school demo-college-main are not available/,
      );
      assert.match(
        err.message,
        /field "sis\.credentials\.usernameEnv": the environment variable UNSET_SIS_USER_4711 is not set\. Fix: set it/,
      );
      assert.match(
        err.message,
        /field "sis\.credentials\.passwordEnv": the environment variable UNSET_SIS_PASSWORD_4711/,
      );
      return true;
    },
  );

  const missing = path.join(os.tmpdir(), 'no-such-dir-4711', 'secrets.json');
  config.sis.credentials = { secretsFile: missing };
  assert.throws(
    () => resolveCredentials(config, 'school.json'),
    new RegExp(`field "sis\\.credentials\\.secretsFile": ${missing} does not exist\\. Fix: create it`),
  );

  // Not JSON: the parser's message would quote the file; the secret must not show.
  config.sis.credentials = { secretsFile: withFile('username=svc password=hunter2') };
  assert.throws(
    () => resolveCredentials(config, 'school.json'),
    (err: Error) => {
      assert.match(err.message, /is not JSON of the form \{"username": "\.\.\.", "password": "\.\.\."\}/);
      assert.ok(!err.message.includes('hunter2'), 'the secret is not echoed');
      return true;
    },
  );
  config.sis.credentials = { secretsFile: withFile('{"username": "svc", "password": "hunter2"}') };
  assert.deepEqual(resolveCredentials(config, 'school.json'), { username: 'svc', password: 'hunter2' });
});
