/**
 * A school that maps its SIS delivery methods by name: when the SIS renames a method (same id), the
 * courses keep syncing under the method they had, with a warning about the stale name.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { enableSchool } from '../../src/client/school-schedules';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';

let env: TestEnvironment;
before(async () => {
  env = await startTestEnvironment({
    configure: (config) => {
      config.deliveryMethods = config.deliveryMethods.map(({ sisName, attendanceMethod }) => ({
        sisName,
        attendanceMethod,
      }));
    },
  });
});
after(async () => {
  await env?.close();
});

const inPersonCourses = () =>
  env.db
    .selectFrom('courses')
    .select(['sis_key', 'active', 'attendance_method', 'delivery_method_id', 'delivery_method_name'])
    .where('school_id', '=', env.config.schoolId)
    .where('delivery_method_id', '=', '1')
    .orderBy('sis_key')
    .execute();

const openIssues = (rules: string[]) =>
  env.db
    .selectFrom('sync_issues')
    .select(['sis_key', 'rule', 'severity', 'message', 'details'])
    .where('school_id', '=', env.config.schoolId)
    .where('resolved_at', 'is', null)
    .where('rule', 'in', rules)
    .orderBy('sis_key')
    .execute();

const NEW_SECTION = '39001';

test('a method mapped by name and renamed in the SIS keeps its courses syncing, with a warning', async () => {
  assert.equal((await runSync(env)).status, 'completed');
  const before = await inPersonCourses();
  assert.ok(before.length >= 2, 'in-person courses synced');
  for (const course of before) assert.equal(course.attendance_method, 'Classroom');

  // The SIS renames method 1 everywhere; in the same run a student drops one of its courses.
  const dataset = env.simulator.getDataset();
  const renamed = { id: '1', name: 'Face to Face' };
  for (const section of dataset.sections.filter((s) => s.deliveryMethod.id === '1')) {
    env.simulator.mutate({
      op: 'setDeliveryMethod',
      scheduledCourseId: section.scheduledCourseId,
      deliveryMethod: renamed,
    });
  }
  const droppedIn = before[0]!.sis_key;
  const dropped = dataset.enrollments[droppedIn]!.find((e) => e.status === 'Registered')!;
  env.simulator.mutate({
    op: 'setEnrollmentStatus',
    scheduledCourseId: droppedIn,
    studentId: dropped.studentId,
    status: 'Dropped',
  });
  // A new section with the renamed method: its id is known from the school's other courses.
  const model = dataset.sections.find((s) => s.scheduledCourseId === droppedIn)!;
  env.simulator.mutate({
    op: 'addSection',
    section: { ...model, scheduledCourseId: NEW_SECTION, sectionCode: 'NEW101-01' },
    schedule: dataset.schedules[droppedIn],
  });

  const summary = await runSync(env);
  assert.equal(summary.status, 'completed');
  assert.deepEqual(await openIssues(['unmapped-delivery-method']), [], 'nothing is blocked');
  const after = await inPersonCourses();
  assert.deepEqual(
    after.map((course) => course.sis_key),
    [...before.map((course) => course.sis_key), NEW_SECTION].sort(),
  );
  for (const course of after) {
    assert.equal(course.active, true, `${course.sis_key} stays active`);
    assert.equal(course.attendance_method, 'Classroom', `${course.sis_key} keeps its method`);
  }

  const member = await env.db
    .selectFrom('course_members')
    .select(['active', 'sis_status'])
    .where('school_id', '=', env.config.schoolId)
    .where('course_sis_key', '=', droppedIn)
    .where('user_sis_key', '=', `student:${dropped.studentId}`)
    .executeTakeFirstOrThrow();
  assert.deepEqual(member, { active: false, sis_status: 'Dropped' }, 'the drop is applied');

  const stale = await openIssues(['stale-delivery-method-name']);
  assert.equal(stale.length, 1, 'one warning for the method, not one per section');
  assert.equal(stale[0]!.severity, 'warning');
  assert.equal(stale[0]!.sis_key, 'delivery-method:1');
  assert.match(stale[0]!.message, /id 1 is now named "Face to Face" in Campus Cloud/);
  assert.match(stale[0]!.message, /by its earlier name "In-Person"/);
  assert.match(stale[0]!.message, /"sisId": "1"/, 'names the fix');
  assert.deepEqual(stale[0]!.details, {
    deliveryMethod: renamed,
    staleName: 'In-Person',
    attendanceMethod: 'Classroom',
  });
});

test('updating the mapping to the new name resolves the warning and the courses take the new name', async () => {
  const updated = structuredClone(env.config);
  updated.deliveryMethods = updated.deliveryMethods.map((mapping) =>
    mapping.sisName === 'In-Person' ? { ...mapping, sisName: 'Face to Face' } : mapping,
  );
  await enableSchool(env.db, env.client, updated, { taskQueue: env.taskQueue, paused: true });
  const summary = await runSync(env);
  assert.equal(summary.status, 'completed');
  assert.deepEqual(await openIssues(['stale-delivery-method-name', 'unmapped-delivery-method']), []);
  for (const course of await inPersonCourses()) {
    assert.deepEqual(
      [course.active, course.attendance_method, course.delivery_method_name],
      [true, 'Classroom', 'Face to Face'],
      course.sis_key,
    );
  }
});
