/**
 * Which days makeup minutes may be entered for: a day of the course (the SIS rejects a record
 * outside the section's dates), not before the school's posting start date (nothing earlier is
 * posted) and not after today on campus (time not made up yet).
 */
export function makeupDateProblem(
  date: string,
  limits: {
    courseId: string;
    courseStart: string | null;
    courseEnd: string | null;
    postingStart: string | undefined;
    today: string;
  },
): string | undefined {
  const { courseId, courseStart, courseEnd, postingStart, today } = limits;
  if (courseStart && date < courseStart) {
    return `${date} is before course ${courseId} starts (${courseStart}): enter a day of the course.`;
  }
  if (courseEnd && date > courseEnd) {
    return `${date} is after course ${courseId} ends (${courseEnd}): enter a day of the course.`;
  }
  if (postingStart && date < postingStart) {
    return `${date} is before the school's posting start date (${postingStart}), so it would never be posted: enter a day from then on.`;
  }
  if (date > today) {
    return `${date} is in the future (today is ${today} on campus): enter makeup minutes once they were made up.`;
  }
  return undefined;
}
