/**
 * "Why can't this student see this course?" from the student's side: one membership's state, with
 * the reason in words an admin can act on. The course's state comes first (an inactive course
 * hides every membership), then the membership's own, then its dates against the campus date.
 */
export type MembershipState = 'active' | 'future start' | 'ended' | 'dropped' | 'course inactive';

export interface MembershipFacts {
  memberActive: boolean;
  memberSisStatus: string;
  enrolledFrom: string | null;
  enrolledUntil: string | null;
  courseActive: boolean;
  courseSisStatus: string;
  courseStart: string | null;
  courseEnd: string | null;
}

export function membershipState(
  facts: MembershipFacts,
  today: string,
): { state: MembershipState; reason: string } {
  if (!facts.courseActive)
    return {
      state: 'course inactive',
      reason: `The course is inactive in CourseKey (SIS status ${facts.courseSisStatus}): nobody sees it.`,
    };
  if (!facts.memberActive)
    return {
      state: 'dropped',
      reason: `The SIS lists the enrollment as ${facts.memberSisStatus}${facts.enrolledUntil ? ` (last day ${facts.enrolledUntil})` : ''}: change it in Campus Cloud if that is wrong.`,
    };
  const startsOn = [facts.courseStart, facts.enrolledFrom]
    .filter((d): d is string => d !== null)
    .sort()
    .at(-1);
  if (startsOn !== undefined && startsOn > today)
    return { state: 'future start', reason: `Enrolled; the course starts for this student on ${startsOn}.` };
  if (facts.courseEnd !== null && facts.courseEnd < today)
    return { state: 'ended', reason: `The course ended on ${facts.courseEnd}.` };
  return { state: 'active', reason: 'Enrolled and active: the course shows for this student.' };
}
