import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDatasetFile } from '../../src/simulator/dataset';

const EXAMPLE = 'docs/examples/tiny-dataset.json';

async function writeTemp(name: string, content: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'simulator-dataset-')), name);
  await writeFile(path, content);
  return path;
}

test('the documented example dataset loads, with optional parts defaulted', async () => {
  const dataset = await loadDatasetFile(EXAMPLE);
  assert.equal(dataset.sections.length, 2);
  assert.deepEqual(dataset.hiddenUsers, []);
  assert.equal(dataset.students.find((s) => s.studentId === '100002')?.email, undefined);
});

test('a bad field is reported with the file, its JSON path and the fix', async () => {
  const json = JSON.parse(await readFile(EXAMPLE, 'utf8'));
  json.sections[1].startDate = '01/05/2026';
  const path = await writeTemp('bad.json', JSON.stringify(json));
  await assert.rejects(loadDatasetFile(path), (err: Error) => {
    assert.match(err.message, new RegExp(path));
    assert.match(
      err.message,
      /\$\.sections\[1\]\.startDate: expected a YYYY-MM-DD date \(found "01\/05\/2026"\)/,
    );
    assert.match(err.message, /docs\/simulator\.md/);
    return true;
  });
});

test('references to sections that do not exist and duplicate ids are reported', async () => {
  const json = JSON.parse(await readFile(EXAMPLE, 'utf8'));
  json.schedules['39999'] = [];
  json.students.push(json.students[0]);
  const path = await writeTemp('refs.json', JSON.stringify(json));
  await assert.rejects(
    loadDatasetFile(path),
    /\$\.schedules\["39999"\]: key "39999" is not the scheduledCourseId/,
  );
  await assert.rejects(loadDatasetFile(path), /\$\.students\[2\]\.studentId: duplicate studentId "100001"/);
});

test('unreadable and non-JSON files name the file', async () => {
  await assert.rejects(
    loadDatasetFile('/nonexistent/dataset.json'),
    /Cannot read dataset file \/nonexistent\/dataset\.json/,
  );
  const path = await writeTemp('broken.json', '{ "campusId": ');
  await assert.rejects(loadDatasetFile(path), new RegExp(`${path} is not valid JSON`));
});

test('several campuses: people name their campus, and a campus the dataset does not declare is reported', async () => {
  const json = JSON.parse(await readFile(EXAMPLE, 'utf8'));
  json.otherCampusIds = ['NORTH'];
  json.students[1].campusId = 'NORTH';
  json.sections[1].campusId = 'NORTH';
  const dataset = await loadDatasetFile(await writeTemp('campuses.json', JSON.stringify(json)));
  assert.deepEqual(dataset.otherCampusIds, ['NORTH']);
  assert.equal(dataset.students[1]!.campusId, 'NORTH');
  assert.equal(dataset.students[0]!.campusId, undefined, 'the main campus by default');

  json.users[0].campusId = 'WEST';
  await assert.rejects(
    loadDatasetFile(await writeTemp('west.json', JSON.stringify(json))),
    /\$\.users\[0\]\.campusId: campus "WEST" is neither campusId nor in otherCampusIds/,
  );
});
