/** Every activity the worker registers, bound to its database and per-school SIS clients. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { createAttendancePostingActivities } from './attendance-posting';
import { createClassSessionActivities } from './class-sessions';
import { createCourseMemberActivities } from './course-members';
import { createCourseActivities } from './courses';
import { createDeactivationActivities } from './deactivation';
import { createFleetAlertActivities, type FleetContext } from './fleet-alerts';
import { SchoolContexts } from './school-context';
import { allSettled } from './all-settled';
import { countSyncedSections, type SectionBatchInput } from './section-batches';
import { createSyncRunActivities } from './sync-runs';
import { createUserActivities } from './users';
import { heartbeating } from './heartbeat';

export function createActivities(db: Kysely<Database>, fleet: FleetContext = {}) {
  const schools = new SchoolContexts(db);
  const classSessions = createClassSessionActivities(db, schools);
  const courseMembers = createCourseMemberActivities(db, schools);
  return heartbeating({
    ...createSyncRunActivities(db, fleet),
    ...createFleetAlertActivities(db, fleet),
    ...createCourseActivities(db, schools),
    ...createUserActivities(db, schools),
    ...classSessions,
    ...courseMembers,
    /** A batch of sections' meetings and enrollments side by side, in one activity (lean runs). */
    syncSectionsBatch: async (input: SectionBatchInput): Promise<void> => {
      await allSettled<unknown>([
        classSessions.syncClassSessionsBatch(input),
        courseMembers.syncCourseMembersBatch(input),
      ]);
    },
    ...createDeactivationActivities(db, schools, fleet),
    ...createAttendancePostingActivities(db, schools),
    countSyncedSections: (input: { schoolId: string; syncRunId: string }) => countSyncedSections(db, input),
  });
}

export type Activities = ReturnType<typeof createActivities>;
