import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvField, toCsv } from '../../src/dashboard/csv';
import { membershipState, type MembershipFacts } from '../../src/coursekey/membership-state';

test('CSV fields are quoted as RFC 4180 asks and formulas are neutralised; numbers stay numbers', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  assert.equal(csvField('cr\rhere'), '"cr\rhere"');
  for (const start of ['=', '+', '-', '@', '\t'])
    assert.equal(csvField(`${start}1+1`), `'${start}1+1`, JSON.stringify(start));
  assert.equal(csvField('=A1,"x"'), `"'=A1,""x"""`);
  assert.equal(csvField(-5), '-5');
  assert.equal(csvField(null), '');
  assert.equal(csvField(undefined), '');
  assert.equal(toCsv(['a', 'b'], [[1, 'x,y']]), 'a,b\r\n1,"x,y"\r\n');
});

test("a membership's state says why a student does or does not see the course", () => {
  const base: MembershipFacts = {
    memberActive: true,
    memberSisStatus: 'Registered',
    enrolledFrom: null,
    enrolledUntil: null,
    courseActive: true,
    courseSisStatus: 'Active',
    courseStart: '2026-09-01',
    courseEnd: '2026-12-15',
  };
  const today = '2026-10-01';
  assert.equal(membershipState(base, today).state, 'active');
  assert.equal(membershipState({ ...base, courseStart: '2026-10-05' }, today).state, 'future start');
  assert.match(membershipState({ ...base, enrolledFrom: '2026-10-03' }, today).reason, /on 2026-10-03/);
  assert.equal(membershipState({ ...base, courseEnd: '2026-09-30' }, today).state, 'ended');
  const dropped = membershipState(
    { ...base, memberActive: false, memberSisStatus: 'Dropped', enrolledUntil: '2026-09-20' },
    today,
  );
  assert.equal(dropped.state, 'dropped');
  assert.match(dropped.reason, /Dropped \(last day 2026-09-20\)/);
  const cancelled = membershipState({ ...base, courseActive: false, courseSisStatus: 'Cancelled' }, today);
  assert.equal(cancelled.state, 'course inactive');
  assert.match(cancelled.reason, /SIS status Cancelled/);
});
