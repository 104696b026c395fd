/**
 * What a full sync of a simulator dataset must store, derived from the dataset by a deliberately
 * plain second implementation (day-by-day walks, no shared code with src/coursekey).
 */
import type { Dataset } from '../../src/simulator/dataset';

export interface ExpectedRoster {
  courses: number;
  users: number;
  courseMembers: number;
  activeCourseMembers: number;
  classSessions: number;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function syncedSections(dataset: Dataset, today: string, daysBeforeStart = 21, daysAfterEnd = 14) {
  const from = addDays(today, -daysAfterEnd);
  const to = addDays(today, daysBeforeStart);
  return dataset.sections.filter(
    (s) => s.status === 'Active' && (!s.startDate || s.startDate <= to) && (!s.endDate || s.endDate >= from),
  );
}

export function expectedSessionCount(dataset: Dataset, sectionId: string): number {
  const section = dataset.sections.find((s) => s.scheduledCourseId === sectionId)!;
  let count = 0;
  for (const entry of dataset.schedules[sectionId] ?? []) {
    for (let day = section.startDate!; day <= section.endDate!; day = addDays(day, 1)) {
      if (entry.effectiveFrom && day < entry.effectiveFrom) continue;
      if (entry.effectiveTo && day > entry.effectiveTo) continue;
      if (new Date(`${day}T00:00:00Z`).getUTCDay() === entry.dayOfWeek) count++;
    }
  }
  return count;
}

export function expectedRoster(dataset: Dataset, today: string): ExpectedRoster {
  const sections = syncedSections(dataset, today);
  const enrollments = sections.flatMap((s) => dataset.enrollments[s.scheduledCourseId] ?? []);
  const listedStudents = new Set(dataset.students.map((s) => s.studentId));
  const hiddenReferenced = new Set(
    enrollments.map((e) => e.studentId).filter((id) => !listedStudents.has(id)),
  );
  const listedUsers = new Set(dataset.users.map((u) => u.userId));
  const hiddenInstructorUsers = new Set(
    dataset.instructors.filter((i) => i.active && !listedUsers.has(i.userId)).map((i) => i.userId),
  );
  const instructorMembers = sections.reduce((n, s) => n + s.instructorIds.length, 0);
  return {
    courses: sections.length,
    users:
      dataset.users.length + dataset.students.length + hiddenReferenced.size + hiddenInstructorUsers.size,
    courseMembers: enrollments.length + instructorMembers,
    activeCourseMembers:
      enrollments.filter((e) => e.status === 'Registered' || e.status === 'Completed').length +
      instructorMembers,
    classSessions: sections.reduce((n, s) => n + expectedSessionCount(dataset, s.scheduledCourseId), 0),
  };
}
