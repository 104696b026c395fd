/**
 * Two campuses of one institution on one Campus Cloud: two schools (one CourseKey School ID per
 * campus) sync from the same simulator, whose terms both campuses share. Each school holds only its
 * own campus: no course, person, member, session, posting or issue of the other.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { enableSchool } from '../../src/client/school-schedules';
import type { SchoolConfig } from '../../src/config/school-config';
import { campusToday } from '../../src/coursekey/sync-window';
import { insertCheckIns } from '../../src/db/check-ins';
import type { Dataset } from '../../src/simulator/dataset';
import { generateCheckIns } from '../../src/simulator/generate-check-ins';
import { generateDataset } from '../../src/simulator/generate';
import type { PostAttendanceCall } from '../../src/simulator/attendance';
import { DEFAULT_PASSWORD, DEFAULT_USERNAME } from '../../src/simulator/server';
import { expectedRoster } from '../support/expected-roster';
import { countRows } from '../support/roster-queries';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';

const dataset = generateDataset({ preset: 'small', seed: 5, otherCampusIds: ['NORTH'] });

/** The part of a dataset that belongs to one campus, as a one-campus SIS would serve it. */
function campusDataset(all: Dataset, campusId: string): Dataset {
  const ours = <T extends { campusId?: string }>(records: T[]) =>
    records.filter((record) => (record.campusId ?? all.campusId) === campusId);
  const sections = all.sections.filter((section) => section.campusId === campusId);
  const keep = <T>(bySection: Record<string, T>) =>
    Object.fromEntries(sections.map((s) => [s.scheduledCourseId, bySection[s.scheduledCourseId]!]));
  return {
    ...all,
    sections,
    courses: all.courses.filter((course) => sections.some((s) => s.courseId === course.courseId)),
    schedules: keep(all.schedules),
    enrollments: keep(all.enrollments),
    users: ours(all.users),
    instructors: ours(all.instructors),
    students: ours(all.students),
    hiddenUsers: ours(all.hiddenUsers),
    hiddenStudents: ours(all.hiddenStudents),
  };
}

/** Every SIS id of a campus: sections, catalog courses, users, instructors and students. */
function idsOf(campus: Dataset) {
  return {
    sections: new Set(campus.sections.map((s) => s.scheduledCourseId)),
    courses: new Set(campus.courses.map((c) => c.courseId)),
    users: new Set([...campus.users, ...campus.hiddenUsers].map((u) => u.userId)),
    instructors: new Set(campus.instructors.map((i) => i.instructorId)),
    students: new Set([...campus.students, ...campus.hiddenStudents].map((s) => s.studentId)),
  };
}
type CampusIds = ReturnType<typeof idsOf>;

interface School {
  env: TestEnvironment;
  campus: Dataset;
  ids: CampusIds;
  /** PostAttendance calls made while this school's sync ran. */
  calls: PostAttendanceCall[];
}

let env: TestEnvironment;
let main: School;
let north: School;
before(async () => {
  env = await startTestEnvironment({ dataset: structuredClone(dataset) });
  const northConfig: SchoolConfig = {
    ...structuredClone(env.config),
    schoolId: `${env.config.schoolId}-north`,
    name: 'Demo Career College, North Campus',
    campusId: 'NORTH',
  };
  await enableSchool(env.db, env.client, northConfig, { taskQueue: env.taskQueue, paused: true });
  const school = (config: SchoolConfig): School => {
    const campus = campusDataset(dataset, config.campusId);
    return { env: { ...env, config }, campus, ids: idsOf(campus), calls: [] };
  };
  main = school(env.config);
  north = school(northConfig);

  // Each school's check-ins are for its own sections; then each syncs and posts in turn.
  for (const { env: schoolEnv, campus } of [main, north]) {
    const checkIns = generateCheckIns(campus, schoolEnv.config, { now: new Date(), seed: 2 });
    await insertCheckIns(env.db, schoolEnv.config.schoolId, checkIns);
  }
  for (const school of [main, north]) {
    const before = env.simulator.getCalls().length;
    const summary = await runSync(school.env);
    assert.equal(summary.status, 'completed', `${school.env.config.campusId} syncs`);
    school.calls = env.simulator.getCalls().slice(before);
  }
});
after(async () => {
  await env?.close();
});

/** One GET of the simulated SIS, as the wire has it. */
async function sisGet(endpoint: string, query: Record<string, string>) {
  const auth = await fetch(`${env.simulator.url}/Authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: DEFAULT_USERNAME, password: DEFAULT_PASSWORD }),
  });
  const { token } = (await auth.json()) as { token: string };
  const response = await fetch(`${env.simulator.url}/${endpoint}?${new URLSearchParams(query)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, body: (await response.json()) as { data: Record<string, unknown>[] } };
}

test('the simulator lists each campus its own people, and both campuses the shared terms', async () => {
  assert.deepEqual(dataset.otherCampusIds, ['NORTH']);
  for (const school of [main, north]) {
    const campusId = school.env.config.campusId;
    assert.ok(school.campus.sections.length >= 12, 'each campus has sections');
    const page = { campusId, pageSize: '1000' };
    const students = (await sisGet('GetStudents', page)).body.data;
    assert.deepEqual(
      students.map((s) => s.studentId),
      school.campus.students.map((s) => s.studentId),
    );
    assert.ok(
      students.every((s) => !('campusId' in s)),
      'a person is served as the contract has it',
    );
    const users = (await sisGet('GetUsers', page)).body.data;
    assert.deepEqual(
      users.map((u) => u.userId),
      school.campus.users.map((u) => u.userId),
    );
    const instructors = (await sisGet('GetInstructors', page)).body.data;
    assert.deepEqual(
      instructors.map((i) => i.instructorId),
      school.campus.instructors.map((i) => i.instructorId),
    );
    const terms = (await sisGet('GetTerm', { campusId })).body.data;
    assert.deepEqual(
      terms.map((t) => t.termId),
      dataset.terms.map((t) => t.termId),
    );
  }
  assert.equal((await sisGet('GetStudents', { campusId: 'WEST' })).status, 404);
  const shared = [...main.ids.students].filter((id) => north.ids.students.has(id));
  assert.deepEqual(shared, [], 'no student belongs to both campuses');
});

for (const [name, own, other] of [
  ['MAIN', () => main, () => north],
  ['NORTH', () => north, () => main],
] as const) {
  test(`the ${name} school holds exactly its campus's roster`, async () => {
    const school = own();
    const expected = expectedRoster(school.campus, campusToday(school.env.config));
    assert.deepEqual(await countRows(env.db, school.env.config.schoolId), {
      courses: expected.courses,
      users: expected.users,
      courseMembers: expected.courseMembers,
      activeCourseMembers: expected.activeCourseMembers,
      classSessions: expected.classSessions,
    });
  });

  test(`the ${name} school has no record of the other campus in its tables or postings`, async () => {
    const school = own();
    const foreign = other().ids;
    const schoolId = school.env.config.schoolId;
    const idOf = (key: string) => key.replace(/^(student|user):/, '');

    const courses = await env.db
      .selectFrom('courses')
      .select(['sis_key', 'catalog_sis_key'])
      .where('school_id', '=', schoolId)
      .execute();
    assert.ok(courses.length > 0);
    for (const course of courses) {
      assert.ok(school.ids.sections.has(course.sis_key), `course ${course.sis_key} is of ${name}`);
      assert.ok(school.ids.courses.has(course.catalog_sis_key));
    }
    const catalog = await env.db
      .selectFrom('catalog_courses')
      .select('sis_key')
      .where('school_id', '=', schoolId)
      .execute();
    for (const course of catalog)
      assert.ok(school.ids.courses.has(course.sis_key), `catalog ${course.sis_key}`);

    const users = await env.db
      .selectFrom('users')
      .select(['sis_key', 'sis_kind', 'sis_id'])
      .where('school_id', '=', schoolId)
      .execute();
    for (const user of users) {
      const ownIds = user.sis_kind === 'student' ? school.ids.students : school.ids.users;
      assert.ok(ownIds.has(user.sis_id), `user ${user.sis_key} is of ${name}`);
    }
    const instructors = await env.db
      .selectFrom('instructors')
      .select('sis_key')
      .where('school_id', '=', schoolId)
      .execute();
    for (const instructor of instructors) assert.ok(school.ids.instructors.has(instructor.sis_key));

    const members = await env.db
      .selectFrom('course_members')
      .select(['course_sis_key', 'user_sis_key', 'role'])
      .where('school_id', '=', schoolId)
      .execute();
    assert.ok(members.length > 0);
    for (const member of members) {
      assert.ok(school.ids.sections.has(member.course_sis_key), `member of ${member.course_sis_key}`);
      const ownIds = member.role === 'student' ? school.ids.students : school.ids.users;
      assert.ok(ownIds.has(idOf(member.user_sis_key)), `member ${member.user_sis_key}`);
    }
    const sessions = await env.db
      .selectFrom('class_sessions')
      .select('course_sis_key')
      .distinct()
      .where('school_id', '=', schoolId)
      .execute();
    for (const session of sessions) assert.ok(school.ids.sections.has(session.course_sis_key));

    const ledger = await env.db
      .selectFrom('attendance_ledger')
      .select(['course_sis_key', 'student_sis_id'])
      .where('school_id', '=', schoolId)
      .execute();
    assert.ok(ledger.length > 0, 'the school posted attendance');
    for (const entry of ledger) {
      assert.ok(school.ids.sections.has(entry.course_sis_key), `posted for ${entry.course_sis_key}`);
      assert.ok(school.ids.students.has(entry.student_sis_id), `posted for student ${entry.student_sis_id}`);
    }
    const lda = await env.db
      .selectFrom('lda_ledger')
      .select(['course_sis_key', 'student_sis_id'])
      .where('school_id', '=', schoolId)
      .execute();
    for (const entry of lda) {
      assert.ok(
        school.ids.sections.has(entry.course_sis_key) && school.ids.students.has(entry.student_sis_id),
      );
    }

    // What reached the SIS while this school ran: its own sections and students only.
    const posted = school.calls.flatMap((call) => call.records);
    assert.equal(posted.length, ledger.length, "every ledger entry was posted in this school's run");
    for (const record of posted) {
      assert.ok(
        school.ids.sections.has(record.scheduledCourseId ?? ''),
        `PostAttendance ${record.scheduledCourseId}`,
      );
      assert.ok(
        school.ids.students.has(record.studentId ?? ''),
        `PostAttendance student ${record.studentId}`,
      );
    }
    for (const lastDate of school.calls.flatMap((call) => call.lastDatesAttended)) {
      assert.ok(
        school.ids.sections.has(lastDate.scheduledCourseId) && school.ids.students.has(lastDate.studentId),
      );
    }

    // Nor does an issue of the school name a record of the other campus.
    const issues = await env.db
      .selectFrom('sync_issues')
      .select('sis_key')
      .where('school_id', '=', schoolId)
      .execute();
    const foreignIds = new Set(Object.values(foreign).flatMap((ids) => [...ids]));
    for (const issue of issues) {
      for (const part of issue.sis_key.split(/[:\s]/))
        assert.ok(!foreignIds.has(part), `issue ${issue.sis_key}`);
    }
  });
}
