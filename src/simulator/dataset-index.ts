/** Lookup maps over a dataset, built once per dataset version so every request is a map hit or a slice. */
import type { Course, Enrollment, Section, Term, TermSession } from '../campus-cloud/schemas';
import type { Dataset, DatasetInstructor, DatasetStudent, DatasetUser } from './dataset';

const enrollmentKey = (scheduledCourseId: string, studentId: string) =>
  `${scheduledCourseId}\u0000${studentId}`;

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

export interface CampusStudents {
  students: DatasetStudent[];
  /** modifiedAt of `students[i]` in epoch ms, so modifiedSince filters without parsing dates. */
  modifiedMs: Float64Array;
}

export class DatasetIndex {
  readonly termsById: Map<string, Term>;
  readonly sessionsByTerm: Map<string, TermSession[]>;
  readonly sectionsById: Map<string, Section>;
  readonly sectionsByTerm: Map<string, Section[]>;
  readonly coursesById: Map<string, Course>;
  /** Listed and hidden users. */
  readonly usersById: Map<string, DatasetUser>;
  /** Listed and hidden students. */
  readonly studentsById: Map<string, DatasetStudent>;
  /** Every campus the SIS serves. */
  readonly campusIds: Set<string>;
  /** What GetUsers, GetInstructors and GetStudents list, per campus. */
  readonly usersByCampus: Map<string, DatasetUser[]>;
  readonly instructorsByCampus: Map<string, DatasetInstructor[]>;
  readonly studentsByCampus: Map<string, CampusStudents>;
  private readonly enrollmentsByKey: Map<string, Enrollment>;

  constructor(readonly dataset: Dataset) {
    this.termsById = new Map(dataset.terms.map((t) => [t.termId, t]));
    this.sessionsByTerm = groupBy(dataset.sessions, (s) => s.termId);
    this.sectionsById = new Map(dataset.sections.map((s) => [s.scheduledCourseId, s]));
    this.sectionsByTerm = groupBy(dataset.sections, (s) => s.termId);
    this.coursesById = new Map(dataset.courses.map((c) => [c.courseId, c]));
    this.usersById = new Map([...dataset.users, ...dataset.hiddenUsers].map((u) => [u.userId, u]));
    this.studentsById = new Map(
      [...dataset.students, ...dataset.hiddenStudents].map((s) => [s.studentId, s]),
    );
    this.campusIds = new Set([dataset.campusId, ...dataset.otherCampusIds]);
    const campusOf = (record: { campusId?: string }) => record.campusId ?? dataset.campusId;
    this.usersByCampus = groupBy(dataset.users, campusOf);
    this.instructorsByCampus = groupBy(dataset.instructors, campusOf);
    this.studentsByCampus = new Map(
      [...groupBy(dataset.students, campusOf)].map(([campusId, students]) => [
        campusId,
        {
          students,
          modifiedMs: Float64Array.from(students, (s) => (s.modifiedAt ? Date.parse(s.modifiedAt) : 0)),
        },
      ]),
    );
    this.enrollmentsByKey = new Map();
    for (const [scheduledCourseId, enrollments] of Object.entries(dataset.enrollments)) {
      for (const e of enrollments)
        this.enrollmentsByKey.set(enrollmentKey(scheduledCourseId, e.studentId), e);
    }
  }

  enrollment(scheduledCourseId: string, studentId: string): Enrollment | undefined {
    return this.enrollmentsByKey.get(enrollmentKey(scheduledCourseId, studentId));
  }
}
