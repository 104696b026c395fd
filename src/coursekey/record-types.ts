/** The record types a run counts, as PRODUCT.md names them. */
export const recordTypes = ['courses', 'users', 'course_members', 'class_sessions'] as const;
export type RecordType = (typeof recordTypes)[number];
/** How people read them, in the CLI, the dry-run report and the dashboard. */
export const recordTypeLabels = {
  courses: 'Courses',
  users: 'Users',
  course_members: 'Course members',
  class_sessions: 'Class sessions',
} as const satisfies Record<RecordType, string>;
