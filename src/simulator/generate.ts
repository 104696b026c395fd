/** Deterministic generator of realistic datasets, sized by preset, dated relative to an anchor date. */
import type { Enrollment, EnrollmentStatus, Section, Student } from '../campus-cloud/schemas';
import { localDate } from '../campus-cloud/schemas';
import { addDays, todayUtc } from './calendar';
import type { Dataset } from './dataset';
import { allocate, createContext, type GenerateContext } from './generate-context';
import { generateInstructors, generateStaff, generateStudents } from './generate-people';
import { generateSections, type SectionPlan } from './generate-sections';
import { generateTerms } from './generate-terms';

export type Preset = 'small' | 'large';

export interface GenerateOptions {
  preset: Preset;
  seed?: number;
  /** YYYY-MM-DD the data is current at; today (UTC) by default. */
  anchorDate?: string;
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

export function generateDataset({ preset, seed = 1, anchorDate = todayUtc() }: GenerateOptions): Dataset {
  if (!localDate.safeParse(anchorDate).success || Number.isNaN(Date.parse(anchorDate))) {
    throw new Error(`anchorDate must be a YYYY-MM-DD date, got "${anchorDate}"`);
  }
  const plan = PRESETS[preset];
  const ctx = createContext(seed, anchorDate);
  const terms = generateTerms(ctx);
  const staff = generateStaff(ctx, plan.staff);
  const { instructors, users: instructorUsers } = generateInstructors(ctx, plan.instructors);
  // The last instructor's user is served by GetUser only, to exercise fetching a missing reference.
  const hiddenUsers = instructorUsers.splice(-1, 1);
  const students = generateStudents(ctx, plan.students, plan.studentsWithoutEmail);
  const { courses, sections, schedules } = generateSections(
    ctx,
    CAMPUS_ID,
    terms,
    instructors,
    plan.sections,
  );
  const enrollments = generateEnrollments(ctx, students, sections, plan.enrollmentsPerStudent);

  // A student enrolled in a started section but absent from GetStudents, served by GetStudentByID only.
  const [hiddenStudent] = generateStudents(ctx, 1, 0);
  const startedSection = sections.find((s) => s.status === 'Active' && s.startDate! <= anchorDate)!;
  enrollments[startedSection.scheduledCourseId]!.push(
    enrollmentOf(ctx, hiddenStudent!.studentId, startedSection, 'Registered'),
  );

  return {
    campusId: CAMPUS_ID,
    terms: terms.terms,
    sessions: terms.sessions,
    courses,
    sections,
    schedules,
    users: [...instructorUsers, ...staff],
    instructors,
    students,
    enrollments,
    hiddenUsers,
    hiddenStudents: [hiddenStudent!],
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
