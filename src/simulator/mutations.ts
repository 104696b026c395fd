/** Changes a test can make to the simulated SIS while it runs, each stamping modifiedAt on what it touched. */
import { z } from 'zod';
import {
  course,
  deliveryMethod,
  enrollment,
  enrollmentStatus,
  scheduleEntry,
  section,
} from '../campus-cloud/schemas';
import type { DatasetIndex } from './dataset-index';
import { notFound, SimulatorError } from './errors';

const id = z.string().min(1);

export const mutationSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('setStudentEmail'), studentId: id, email: z.string().nullable() }),
  z.object({ op: z.literal('setUserEmail'), userId: id, email: z.string().nullable() }),
  z.object({
    op: z.literal('setEnrollmentStatus'),
    scheduledCourseId: id,
    studentId: id,
    status: enrollmentStatus,
  }),
  z.object({
    op: z.literal('addSection'),
    section,
    course: course.optional(),
    schedule: z.array(scheduleEntry).default([]),
    enrollments: z.array(enrollment).default([]),
  }),
  z.object({ op: z.literal('cancelSection'), scheduledCourseId: id }),
  z.object({ op: z.literal('setSchedule'), scheduledCourseId: id, schedule: z.array(scheduleEntry) }),
  z.object({ op: z.literal('setDeliveryMethod'), scheduledCourseId: id, deliveryMethod }),
  /** GetStudents returns nothing from now on (students stay reachable by id), as a broken SIS might. */
  z.object({ op: z.literal('removeStudents') }),
]);

/** What a caller sends (ids may be numbers, defaults not yet applied). */
export type Mutation = z.input<typeof mutationSchema>;
type ParsedMutation = z.output<typeof mutationSchema>;

/** Applies a validated mutation to the indexed dataset in place; the caller rebuilds the index. */
export function applyMutation(index: DatasetIndex, mutation: ParsedMutation, now: Date): void {
  const { dataset } = index;
  const modifiedAt = now.toISOString();
  const sectionOf = (scheduledCourseId: string) => {
    const found = index.sectionsById.get(scheduledCourseId);
    if (!found) throw notFound(`no section with scheduledCourseId "${scheduledCourseId}"`);
    return found;
  };

  switch (mutation.op) {
    case 'setStudentEmail': {
      const student = index.studentsById.get(mutation.studentId);
      if (!student) throw notFound(`no student with studentId "${mutation.studentId}"`);
      Object.assign(student, { email: mutation.email ?? undefined, modifiedAt });
      return;
    }
    case 'setUserEmail': {
      const user = index.usersById.get(mutation.userId);
      if (!user) throw notFound(`no user with userId "${mutation.userId}"`);
      Object.assign(user, { email: mutation.email ?? undefined, modifiedAt });
      // An instructor record shows its user's email, so it changes with it.
      for (const instructor of dataset.instructors.filter((i) => i.userId === mutation.userId)) {
        Object.assign(instructor, { email: mutation.email ?? undefined, modifiedAt });
      }
      return;
    }
    case 'setEnrollmentStatus': {
      const found = index.enrollment(mutation.scheduledCourseId, mutation.studentId);
      if (!found) {
        throw notFound(
          `student "${mutation.studentId}" has no enrollment in section "${mutation.scheduledCourseId}"`,
        );
      }
      Object.assign(found, { status: mutation.status, statusDate: modifiedAt.slice(0, 10), modifiedAt });
      return;
    }
    case 'addSection': {
      const added = { ...mutation.section, modifiedAt };
      if (index.sectionsById.has(added.scheduledCourseId)) {
        throw new SimulatorError(409, 'Conflict', `section "${added.scheduledCourseId}" already exists`);
      }
      if (!index.termsById.has(added.termId)) throw notFound(`no term with termId "${added.termId}"`);
      if (mutation.course) {
        dataset.courses = dataset.courses.filter((c) => c.courseId !== mutation.course!.courseId);
        dataset.courses.push(mutation.course);
      }
      dataset.sections.push(added);
      dataset.schedules[added.scheduledCourseId] = mutation.schedule;
      dataset.enrollments[added.scheduledCourseId] = mutation.enrollments.map((e) => ({
        ...e,
        modifiedAt: e.modifiedAt ?? modifiedAt,
      }));
      return;
    }
    case 'cancelSection':
      Object.assign(sectionOf(mutation.scheduledCourseId), { status: 'Cancelled', modifiedAt });
      return;
    case 'setSchedule':
      // Schedule entries carry no modifiedAt, so the change shows on their section.
      Object.assign(sectionOf(mutation.scheduledCourseId), { modifiedAt });
      dataset.schedules[mutation.scheduledCourseId] = mutation.schedule;
      return;
    case 'setDeliveryMethod':
      Object.assign(sectionOf(mutation.scheduledCourseId), {
        deliveryMethod: mutation.deliveryMethod,
        modifiedAt,
      });
      return;
    case 'removeStudents':
      dataset.hiddenStudents.push(...dataset.students);
      dataset.students = [];
      return;
  }
}
