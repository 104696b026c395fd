import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scheduleOffsetMs } from '../../src/coursekey/schedule-offset';

const ids = Array.from({ length: 200 }, (_, i) => `school-${i}`);

test('a school keeps its offset, within its interval, in whole seconds', () => {
  for (const id of ids) {
    const offset = scheduleOffsetMs(id, '1h');
    assert.equal(scheduleOffsetMs(id, '1h'), offset);
    assert.ok(offset >= 0 && offset < 3_600_000, `${id}: ${offset}`);
    assert.equal(offset % 1000, 0);
    assert.ok(scheduleOffsetMs(id, '15m') < 900_000);
  }
  // Pinned: a change of the hash would move every school's schedule at the next enable.
  assert.equal(scheduleOffsetMs('demo-college-main', '1h'), 3_556_000);
});

test('200 schools spread over the hour rather than all starting at :00', () => {
  const minutes = new Set(ids.map((id) => Math.floor(scheduleOffsetMs(id, '1h') / 60_000)));
  assert.ok(minutes.size >= 45, `only ${minutes.size} distinct minutes`);
  const perQuarter = [0, 0, 0, 0];
  for (const id of ids) perQuarter[Math.floor(scheduleOffsetMs(id, '1h') / 900_000)]!++;
  for (const count of perQuarter) assert.ok(count >= 30 && count <= 70, `quarters ${perQuarter.join(', ')}`);
});

test('an interval of a second or less has no room for an offset', () => {
  assert.equal(scheduleOffsetMs('school-1', '1s'), 0);
  assert.equal(scheduleOffsetMs('school-1', '500ms'), 0);
});
