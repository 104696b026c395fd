/** Generated catalog courses, sections and weekly schedules that satisfy the course-setup checklist. */
import type { Course, Instructor, ScheduleEntry, Section, TermSession } from '../campus-cloud/schemas';
import { daysBetween } from './calendar';
import { allocate, type GenerateContext } from './generate-context';
import type { GeneratedTerms } from './generate-terms';
import { SUBJECTS } from './names';

const DELIVERY_METHODS = {
  inPerson: { id: '1', name: 'In-Person' },
  online: { id: '2', name: 'Online' },
  blended: { id: '3', name: 'Blended' },
} as const;
type Modality = keyof typeof DELIVERY_METHODS;

const IN_PERSON_DAYS = [
  [1, 3, 5],
  [2, 4],
  [1, 3],
  [3, 5],
  [1, 2, 4],
];
const BLENDED_DAYS = [[2], [4], [1, 3], [2, 4]];
const START_TIMES = ['08:00', '08:30', '09:00', '10:00', '13:00', '14:00', '17:30', '18:00'];
const IN_PERSON_MINUTES = [50, 75, 90, 120, 150, 180, 240];
const BLENDED_MINUTES = [90, 120, 180];
const ASYNC_MINUTES_PER_WEEK = [120, 180, 240, 300, 360];

export interface SectionPlan {
  courses: number;
  sections: number;
  cancelled: number;
  /** Share of sections taught by two instructors. */
  coInstructorRate: number;
}

export interface GeneratedSections {
  courses: Course[];
  sections: Section[];
  schedules: Record<string, ScheduleEntry[]>;
}

interface SectionSpec {
  course: Course;
  session: TermSession;
  termCode: string;
  sectionNumber: number;
  modality: Modality;
  instructorIds: string[];
  cancelled: boolean;
}

function addMinutes(time: string, minutes: number): string {
  const total = Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5)) + minutes;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

function generateCourse(ctx: GenerateContext, index: number): Course {
  const [subject, names] = SUBJECTS[index % SUBJECTS.length]!;
  const level = Math.floor(index / SUBJECTS.length);
  const name = names[level % names.length]!;
  const series = Math.floor(level / names.length);
  const credits = ctx.random.pick([2, 3, 4]);
  return {
    courseId: ctx.nextId('course'),
    code: `${subject}${101 + level}`,
    name: series === 0 ? name : `${name} ${series + 1}`,
    credits,
    clockHours: ctx.random.chance(0.8) ? credits * 15 : undefined,
  };
}

function buildSection(ctx: GenerateContext, campusId: string, spec: SectionSpec) {
  const { course, session, modality } = spec;
  const sectionCode = `${course.code}-${String(spec.sectionNumber).padStart(2, '0')}`;
  const weeks = Math.ceil((daysBetween(session.startDate, session.endDate) + 1) / 7);
  const entry = (dayOfWeek: number, minutes: number, startTime?: string): ScheduleEntry => ({
    scheduleId: ctx.nextId('scheduleEntry'),
    dayOfWeek,
    startTime,
    endTime: startTime && addMinutes(startTime, minutes),
    minutes,
    effectiveFrom: session.startDate,
    effectiveTo: session.endDate,
  });

  const schedule: ScheduleEntry[] = [];
  let minutesPerDay: number | undefined;
  let syncMinutes = 0;
  if (modality !== 'online') {
    const days = ctx.random.pick(modality === 'inPerson' ? IN_PERSON_DAYS : BLENDED_DAYS);
    const startTime = ctx.random.pick(START_TIMES);
    minutesPerDay = ctx.random.pick(modality === 'inPerson' ? IN_PERSON_MINUTES : BLENDED_MINUTES);
    for (const day of days) schedule.push(entry(day, minutesPerDay, startTime));
    syncMinutes = weeks * days.length * minutesPerDay;
  }
  let asyncMinutes = 0;
  if (modality !== 'inPerson') {
    const perWeek = ctx.random.pick(ASYNC_MINUTES_PER_WEEK);
    asyncMinutes = weeks * perWeek;
    schedule.push(entry(0, perWeek));
  }

  const section: Section = {
    scheduledCourseId: ctx.nextId('section'),
    courseId: course.courseId,
    campusId,
    termId: session.termId,
    sessionId: session.sessionId,
    sectionCode,
    title: course.name,
    deliveryMethod: { ...DELIVERY_METHODS[modality] },
    startDate: session.startDate,
    endDate: session.endDate,
    minutesPerDay,
    courseHours: modality === 'inPerson' ? undefined : { syncMinutes, asyncMinutes },
    lmsCode: modality === 'inPerson' ? undefined : `LMS-${sectionCode}-${spec.termCode}`,
    instructorIds: spec.instructorIds,
    status: spec.cancelled ? 'Cancelled' : 'Active',
    modifiedAt: ctx.pastTimestamp(),
  };
  return { section, schedule };
}

/** The 52-week in-person externship whose meetings always cross a daylight-saving change. */
function buildExternship(
  ctx: GenerateContext,
  campusId: string,
  session: TermSession,
  termCode: string,
  instructorId: string,
) {
  const course: Course = {
    courseId: ctx.nextId('course'),
    code: 'MED290',
    name: 'Clinical Externship',
    credits: 12,
    clockHours: 900,
  };
  const { section, schedule } = buildSection(ctx, campusId, {
    course,
    session,
    termCode,
    sectionNumber: 1,
    modality: 'inPerson',
    instructorIds: [instructorId],
    cancelled: false,
  });
  return { course, section, schedule };
}

export function generateSections(
  ctx: GenerateContext,
  campusId: string,
  terms: GeneratedTerms,
  instructors: Instructor[],
  plan: SectionPlan,
): GeneratedSections {
  const { random } = ctx;
  const courses = Array.from({ length: plan.courses - 1 }, (_, index) => generateCourse(ctx, index));
  const regularCount = plan.sections - 1;
  const modalities = allocate<Modality>(random, regularCount, [
    ['inPerson', 0.6],
    ['online', 0.25],
    ['blended', 0.15],
  ]);
  const cancelled = allocate(random, regularCount, [
    [true, plan.cancelled],
    [false, regularCount - plan.cancelled],
  ]);
  const termCodeOf = new Map(terms.terms.map((t) => [t.termId, t.code]));
  const sectionsPerCourse = new Map<string, number>();
  const sections: Section[] = [];
  const schedules: Record<string, ScheduleEntry[]> = {};

  for (let index = 0; index < regularCount; index++) {
    const course = courses[index % courses.length]!;
    const session = terms.currentHalves[index % 2]!;
    const sectionNumber = (sectionsPerCourse.get(course.courseId) ?? 0) + 1;
    sectionsPerCourse.set(course.courseId, sectionNumber);
    // Round robin so every instructor (including the one whose user is hidden) teaches something.
    const instructorIds = [instructors[index % instructors.length]!.instructorId];
    if (random.chance(plan.coInstructorRate)) {
      const second = random.pick(instructors).instructorId;
      if (second !== instructorIds[0]) instructorIds.push(second);
    }
    const { section, schedule } = buildSection(ctx, campusId, {
      course,
      session,
      termCode: termCodeOf.get(session.termId)!,
      sectionNumber,
      modality: modalities[index]!,
      instructorIds,
      cancelled: cancelled[index]!,
    });
    sections.push(section);
    schedules[section.scheduledCourseId] = schedule;
  }

  const { clinicalYear } = terms;
  const externship = buildExternship(
    ctx,
    campusId,
    clinicalYear,
    termCodeOf.get(clinicalYear.termId)!,
    instructors[0]!.instructorId,
  );
  courses.push(externship.course);
  sections.push(externship.section);
  schedules[externship.section.scheduledCourseId] = externship.schedule;
  return { courses, sections, schedules };
}
