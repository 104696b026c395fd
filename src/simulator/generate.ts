/** Deterministic generator of realistic datasets, sized by preset, dated relative to an anchor date. */
import type { Enrollment, EnrollmentStatus, Section, Student } from '../campus-cloud/schemas';
import { localDate } from '../campus-cloud/schemas';
import { addDays, todayUtc } from './calendar';
import type { Dataset } from './dataset';
import { allocate, createContext, type GenerateContext } from './generate-context';
import { generateInstructors, generateStaff, generateStudents } from './generate-people';
import { generateSections, type SectionPlan } from './generate-sections';
import { generateTerms, type GeneratedTerms } from './generate-terms';

export type Preset = 'small' | 'large';

export interface GenerateOptions {
  preset: Preset;
  seed?: number;
  /** YYYY-MM-DD the data is current at; today (UTC) by default. */
  anchorDate?: string;
  /**
   * More campuses on the same SIS besides "MAIN" (e.g. ["NORTH"]): each gets people, catalog
   * courses and sections of its own, as many as the preset's, in the shared terms.
   */
  otherCampusIds?: string[];
}

interface PresetPlan {
  students: number;
  studentsWithoutEmail: number;
  instructors: number;
  staff: number;
  sections: SectionPlan;
  /** [number of sections a student takes, share of students]; shares are allocated exactly. */
  enrollmentsPerStudent: ReadonlyArray<readonly [number, number]>;
}

const PRESETS: Record<Preset, PresetPlan> = {
  small: {
    students: 200,
    studentsWithoutEmail: 3,
    instructors: 8,
    staff: 4,
    sections: { courses: 8, sections: 14, cancelled: 2, coInstructorRate: 0.15 },
    enrollmentsPerStudent: [
      [2, 0.1],
      [3, 0.35],
      [4, 0.45],
      [5, 0.1],
    ],
  },
  large: {
    students: 66_000,
    studentsWithoutEmail: 330,
    instructors: 350,
    staff: 400,
    sections: { courses: 600, sections: 3_600, cancelled: 0, coInstructorRate: 0.05 },
    enrollmentsPerStudent: [
      [0, 0.04],
      [1, 0.9],
      [2, 0.06],
    ],
  },
};

const CAMPUS_ID = 'MAIN';

export function generateDataset({
  preset,
  seed = 1,
  anchorDate = todayUtc(),
  otherCampusIds = [],
}: GenerateOptions): Dataset {
  if (!localDate.safeParse(anchorDate).success || Number.isNaN(Date.parse(anchorDate))) {
    throw new Error(`anchorDate must be a YYYY-MM-DD date, got "${anchorDate}"`);
  }
  const campusIds = [CAMPUS_ID, ...otherCampusIds];
  if (new Set(campusIds).size !== campusIds.length) {
    throw new Error(
      `otherCampusIds must be distinct and other than "${CAMPUS_ID}", got ${otherCampusIds.join(', ')}`,
    );
  }
  const plan = PRESETS[preset];
  const ctx = createContext(seed, anchorDate);
  const terms = generateTerms(ctx);
  // The main campus first, so a one-campus dataset is the same as it always was for a seed.
  const campuses = campusIds.map((campusId) => generateCampus(ctx, campusId, terms, plan));
  return {
    campusId: CAMPUS_ID,
    otherCampusIds,
    terms: terms.terms,
    sessions: terms.sessions,
    ...campuses.reduce(joinCampuses),
  };
}

type GeneratedCampus = Omit<Dataset, 'campusId' | 'otherCampusIds' | 'terms' | 'sessions'>;

function joinCampuses(a: GeneratedCampus, b: GeneratedCampus): GeneratedCampus {
  return {
    courses: [...a.courses, ...b.courses],
    sections: [...a.sections, ...b.sections],
    schedules: { ...a.schedules, ...b.schedules },
    users: [...a.users, ...b.users],
    instructors: [...a.instructors, ...b.instructors],
    students: [...a.students, ...b.students],
    enrollments: { ...a.enrollments, ...b.enrollments },
    hiddenUsers: [...a.hiddenUsers, ...b.hiddenUsers],
    hiddenStudents: [...a.hiddenStudents, ...b.hiddenStudents],
  };
}

/** One campus's people, catalog courses and sections in the shared terms; ids come from shared sequences. */
function generateCampus(
  ctx: GenerateContext,
  campusId: string,
  terms: GeneratedTerms,
  plan: PresetPlan,
): GeneratedCampus {
  // People of the main campus name none: the dataset's campusId is theirs.
  const tag = <T extends object>(people: T[]) =>
    campusId === CAMPUS_ID ? people : people.map((person) => ({ ...person, campusId }));
  const staff = generateStaff(ctx, plan.staff);
  const { instructors, users: instructorUsers } = generateInstructors(ctx, plan.instructors);
  // The last instructor's user is served by GetUser only, to exercise fetching a missing reference.
  const hiddenUsers = instructorUsers.splice(-1, 1);
  const students = generateStudents(ctx, plan.students, plan.studentsWithoutEmail);
  const { courses, sections, schedules } = generateSections(ctx, campusId, terms, instructors, plan.sections);
  const enrollments = generateEnrollments(ctx, students, sections, plan.enrollmentsPerStudent);

  // A student enrolled in a started section but absent from GetStudents, served by GetStudentByID only.
  const [hiddenStudent] = generateStudents(ctx, 1, 0);
  const startedSection = sections.find((s) => s.status === 'Active' && s.startDate! <= ctx.anchor)!;
  enrollments[startedSection.scheduledCourseId]!.push(
    enrollmentOf(ctx, hiddenStudent!.studentId, startedSection, 'Registered'),
  );

  return {
    courses,
    sections,
    schedules,
    users: tag([...instructorUsers, ...staff]),
    instructors: tag(instructors),
    students: tag(students),
    enrollments,
    hiddenUsers: tag(hiddenUsers),
    hiddenStudents: tag([hiddenStudent!]),
  };
}

function generateEnrollments(
  ctx: GenerateContext,
  students: Student[],
  sections: Section[],
  perStudent: PresetPlan['enrollmentsPerStudent'],
): Record<string, Enrollment[]> {
  const enrollments: Record<string, Enrollment[]> = {};
  for (const section of sections) enrollments[section.scheduledCourseId] = [];
  const open = sections.filter((s) => s.status === 'Active');
  const counts = allocate(ctx.random, students.length, perStudent);
  students.forEach((student, index) => {
    const chosen = new Set<Section>();
    const wanted = Math.min(counts[index]!, open.length);
    while (chosen.size < wanted) chosen.add(ctx.random.pick(open));
    for (const section of chosen) {
      enrollments[section.scheduledCourseId]!.push(enrollmentOf(ctx, student.studentId, section));
    }
  });
  return enrollments;
}

/** Mostly Registered; a few Dropped, and Withdrawn only once the section has started. */
function enrollmentOf(
  ctx: GenerateContext,
  studentId: string,
  section: Section,
  status: EnrollmentStatus = pickStatus(ctx, section),
): Enrollment {
  const start = section.startDate!;
  const changed = addDays(start, ctx.random.int(-10, 20));
  return {
    enrollmentId: ctx.nextId('enrollment'),
    studentId,
    status,
    statusDate:
      status === 'Registered' ? addDays(start, -ctx.random.int(3, 30)) : minDate(changed, ctx.anchor),
    modifiedAt: ctx.pastTimestamp(),
  };
}

function pickStatus(ctx: GenerateContext, section: Section): EnrollmentStatus {
  const roll = ctx.random.next();
  if (roll < 0.05) return 'Dropped';
  if (roll < 0.09 && section.startDate! <= ctx.anchor) return 'Withdrawn';
  return 'Registered';
}

function minDate(a: string, b: string): string {
  return a < b ? a : b;
}
