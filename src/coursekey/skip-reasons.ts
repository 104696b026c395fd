/**
 * Why a run fetched a record and did not sync it: a small fixed set per record type, so a run's
 * counts add up (fetched = created + updated + unchanged + failed + skipped) and say why.
 */
import type { RecordType } from './record-types';

export const skipReasons = {
  courses: [
    'cancelled',
    'outside-sync-window',
    'other-campus',
    'unmapped-delivery-method',
    'catalog-course-missing',
    'not-modified',
  ],
  users: ['not-found'],
  course_members: ['student-not-found', 'instructor-not-found', 'superseded-enrollment'],
  class_sessions: ['drift-not-applied'],
} as const satisfies Record<RecordType, readonly string[]>;

export type SkipReason<T extends RecordType = RecordType> = (typeof skipReasons)[T][number];

/** How people read them after a count ("2 cancelled in the SIS"): CLI, dry-run report, dashboard. */
export const skipReasonLabels = {
  cancelled: 'cancelled in the SIS',
  'outside-sync-window': 'outside the sync window',
  'other-campus': 'of another campus',
  'unmapped-delivery-method': 'with an unmapped delivery method',
  'catalog-course-missing': 'without their catalog course (GetCourse failed)',
  'not-modified': 'not synced and unchanged in the SIS since the last run (not read again)',
  'not-found': 'not found in the SIS by id',
  'student-not-found': 'whose student the SIS does not know',
  'instructor-not-found': 'whose instructor is not in GetInstructors',
  'superseded-enrollment': 'superseded (the student is listed twice)',
  'drift-not-applied': 'schedule changes not applied (drift)',
} as const satisfies Record<SkipReason, string>;

/** How many records were skipped for each reason. */
export type SkipCounts<T extends RecordType = RecordType> = Partial<Record<SkipReason<T>, number>>;

/** "2 cancelled in the SIS, 1 outside the sync window", in the order of `skipReasons`; empty when none. */
export function describeSkipped<T extends RecordType>(recordType: T, skippedBy: SkipCounts<T>): string {
  const reasons: readonly SkipReason<T>[] = skipReasons[recordType];
  return reasons
    .filter((reason) => skippedBy[reason])
    .map((reason) => `${skippedBy[reason]} ${skipReasonLabels[reason]}`)
    .join(', ');
}
