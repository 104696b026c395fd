/**
 * The small dataset plus one record for every reason a run skips one (src/coursekey/skip-reasons.ts),
 * and the skip counts a sync of it must store, derived by plain walks over the dataset.
 */
import type { Section } from '../../src/campus-cloud/schemas';
import type { Dataset } from '../../src/simulator/dataset';
import { generateDataset } from '../../src/simulator/generate';

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The demo configuration's sync window: 21 days before a section starts, 14 after it ends. */
function syncWindow(today: string) {
  return { from: addDays(today, -14), to: addDays(today, 21) };
}

const inWindow = (section: Section, today: string) => {
  const { from, to } = syncWindow(today);
  return (!section.startDate || section.startDate <= to) && (!section.endDate || section.endDate >= from);
};

export const GHOST_STUDENT = 'S-GHOST';
export const GHOST_INSTRUCTOR = 'I-GHOST';

/**
 * One section each that is cancelled, outside the sync window, of another campus, with an unmapped
 * delivery method, and of a catalog course the SIS does not serve; on `template` (a synced
 * in-person section) an enrollment of a student the SIS does not know, a student listed twice
 * (dropped earlier, registered now) and an instructor GetInstructors does not list.
 */
export function skippedDataset(today: string): { dataset: Dataset; template: Section } {
  const dataset = generateDataset({ preset: 'small', seed: 7 });
  // A campus of its own for the one section of another campus, and nothing else of it.
  dataset.otherCampusIds = ['NORTH'];
  const template = dataset.sections.find(
    (s) =>
      s.status === 'Active' &&
      s.campusId === dataset.campusId &&
      s.deliveryMethod.name === 'In-Person' &&
      inWindow(s, today) &&
      (dataset.enrollments[s.scheduledCourseId] ?? []).some((e) => e.status === 'Registered'),
  )!;
  const variants: Record<string, (section: Section) => void> = {
    'SKIP-CANCELLED': (s) => (s.status = 'Cancelled'),
    'SKIP-PAST': (s) => {
      s.startDate = addDays(today, -120);
      s.endDate = addDays(today, -30);
    },
    'SKIP-NORTH': (s) => (s.campusId = 'NORTH'),
    'SKIP-UNMAPPED': (s) => (s.deliveryMethod = { id: '9', name: 'Correspondence' }),
    'SKIP-NO-CATALOG': (s) => (s.courseId = 'NO-SUCH-COURSE'),
  };
  for (const [id, change] of Object.entries(variants)) {
    const section: Section = { ...structuredClone(template), scheduledCourseId: id, sectionCode: id };
    change(section);
    dataset.sections.push(section);
    dataset.schedules[id] = dataset.schedules[template.scheduledCourseId]!.map((entry) => ({
      ...entry,
      scheduleId: `${id}-${entry.scheduleId}`,
    }));
    dataset.enrollments[id] = [];
  }
  const enrollments = dataset.enrollments[template.scheduledCourseId]!;
  const registered = enrollments.find((e) => e.status === 'Registered')!;
  enrollments.push(
    {
      ...registered,
      enrollmentId: `${registered.enrollmentId}-OLD`,
      status: 'Dropped',
      statusDate: '2000-01-01',
    },
    {
      enrollmentId: 'E-GHOST',
      studentId: GHOST_STUDENT,
      status: 'Registered',
      statusDate: template.startDate,
    },
  );
  template.instructorIds = [...template.instructorIds, GHOST_INSTRUCTOR];
  return { dataset, template };
}

/** What a sync of `dataset` skips per reason, walked record by record as the SIS lists them. */
export function expectedSkips(dataset: Dataset, today: string) {
  const { from, to } = syncWindow(today);
  const listedTerms = new Set(
    dataset.terms.filter((t) => t.startDate <= to && t.endDate >= from).map((t) => t.termId),
  );
  const courseIds = new Set(dataset.courses.map((c) => c.courseId));
  const mapped = new Set(['In-Person', 'Online', 'Blended']);
  const courses = {
    cancelled: 0,
    'outside-sync-window': 0,
    'other-campus': 0,
    'unmapped-delivery-method': 0,
    'catalog-course-missing': 0,
  };
  const synced: Section[] = [];
  for (const section of dataset.sections.filter((s) => listedTerms.has(s.termId))) {
    if (section.campusId !== dataset.campusId) courses['other-campus']++;
    else if (!inWindow(section, today)) courses['outside-sync-window']++;
    else if (!mapped.has(section.deliveryMethod.name)) courses['unmapped-delivery-method']++;
    else if (!courseIds.has(section.courseId)) courses['catalog-course-missing']++;
    else if (section.status !== 'Active') courses.cancelled++;
    else synced.push(section);
  }
  const knownStudents = new Set([...dataset.students, ...dataset.hiddenStudents].map((s) => s.studentId));
  const listedInstructors = new Set(dataset.instructors.map((i) => i.instructorId));
  let superseded = 0;
  let studentNotFound = 0;
  let instructorNotFound = 0;
  const unknownStudents = new Set<string>();
  for (const section of synced) {
    const list = dataset.enrollments[section.scheduledCourseId] ?? [];
    const students = new Set(list.map((e) => e.studentId));
    superseded += list.length - students.size;
    for (const studentId of students) {
      if (!knownStudents.has(studentId)) {
        studentNotFound++;
        unknownStudents.add(studentId);
      }
    }
    instructorNotFound += section.instructorIds.filter((id) => !listedInstructors.has(id)).length;
  }
  return {
    courses,
    users: { 'not-found': unknownStudents.size },
    course_members: {
      'student-not-found': studentNotFound,
      'instructor-not-found': instructorNotFound,
      'superseded-enrollment': superseded,
    },
  };
}
