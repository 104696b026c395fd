/**
 * The small dataset plus one new section per course-setup rule, each breaking exactly that rule
 * (and a correct twin to "fix" it with), so tests can expect exactly one issue per rule.
 */
import type { ScheduleEntry, Section } from '../../src/campus-cloud/schemas';
import type { Dataset } from '../../src/simulator/dataset';
import { generateDataset } from '../../src/simulator/generate';

export interface Violation {
  sectionId: string;
  sectionCode: string;
  rule: string;
}

interface BrokenSection {
  rule: string;
  template: 'in-person' | 'online' | 'blended';
  /** Breaks the (cloned, correct) section and its schedule in place. */
  breakIt: (section: Section, schedule: ScheduleEntry[]) => ScheduleEntry[];
}

const broken: BrokenSection[] = [
  {
    rule: 'dates-required',
    template: 'in-person',
    breakIt: (s, schedule) => {
      s.endDate = undefined;
      return schedule;
    },
  },
  {
    rule: 'modality-matches-delivery-method',
    template: 'in-person',
    breakIt: (_, schedule) => [...schedule, { scheduleId: 'x-async', dayOfWeek: 0, minutes: 60 }],
  },
  { rule: 'meetings-required', template: 'in-person', breakIt: () => [] },
  {
    rule: 'meeting-minutes-match',
    template: 'in-person',
    breakIt: (_, schedule) => schedule.map((e, i) => (i === 0 ? { ...e, minutes: e.minutes - 15 } : e)),
  },
  {
    rule: 'course-hours-required',
    template: 'online',
    breakIt: (s, schedule) => {
      s.courseHours = undefined;
      return schedule;
    },
  },
  {
    rule: 'async-hours-on-sunday',
    template: 'online',
    breakIt: (_, schedule) => schedule.map((e) => ({ ...e, minutes: e.minutes + 30 })),
  },
  {
    rule: 'online-has-no-sync-days',
    template: 'online',
    breakIt: (_, schedule) => [
      ...schedule,
      { scheduleId: 'x-wed', dayOfWeek: 3, startTime: '18:00', endTime: '19:00', minutes: 60 },
    ],
  },
  {
    rule: 'lms-code-required',
    template: 'blended',
    breakIt: (s, schedule) => {
      s.lmsCode = undefined;
      return schedule;
    },
  },
  {
    rule: 'unmapped-delivery-method',
    template: 'in-person',
    breakIt: (s, schedule) => {
      s.deliveryMethod = { id: '9', name: 'Correspondence' };
      return schedule;
    },
  },
];

function templateOf(dataset: Dataset, modality: BrokenSection['template']): Section {
  const name = { 'in-person': 'In-Person', online: 'Online', blended: 'Blended' }[modality];
  return dataset.sections.find(
    (s) => s.status === 'Active' && s.deliveryMethod.name === name && s.endDate! < '2027-01-01',
  )!;
}

function withSections(dataset: Dataset, breakRules: boolean): Dataset {
  const copy = structuredClone(dataset);
  for (const [index, item] of brokenSections().entries()) {
    const template = templateOf(dataset, item.template);
    const section: Section = {
      ...structuredClone(template),
      scheduledCourseId: item.sectionId,
      sectionCode: item.sectionCode,
    };
    let schedule = dataset.schedules[template.scheduledCourseId]!.map((entry) => ({
      ...entry,
      scheduleId: `${item.sectionId}-${entry.scheduleId}`,
    }));
    if (breakRules) schedule = broken[index]!.breakIt(section, schedule);
    copy.sections.push(section);
    copy.schedules[section.scheduledCourseId] = schedule;
    copy.enrollments[section.scheduledCourseId] = [];
  }
  return copy;
}
export function brokenSections(): (Violation & { template: BrokenSection['template'] })[] {
  return broken.map((item, index) => ({
    rule: item.rule,
    template: item.template,
    sectionId: `9000${index}`,
    sectionCode: `CHK${index}-01`,
  }));
}

/** The dataset with one violation of every rule; `fixed` is the same sections done right. */
export function violationsDataset(seed = 7): { broken: Dataset; fixed: Dataset } {
  const base = generateDataset({ preset: 'small', seed });
  return { broken: withSections(base, true), fixed: withSections(base, false) };
}
