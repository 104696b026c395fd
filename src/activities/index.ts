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
import { countSyncedSections } from './section-batches';
import { createSyncRunActivities } from './sync-runs';
import { createUserActivities } from './users';
import { heartbeating } from './heartbeat';

export function createActivities(db: Kysely<Database>, fleet: FleetContext = {}) {
  const schools = new SchoolContexts(db);
  return heartbeating({
    ...createSyncRunActivities(db, fleet),
    ...createFleetAlertActivities(db, fleet),
    ...createCourseActivities(db, schools),
    ...createUserActivities(db, schools),
    ...createClassSessionActivities(db, schools),
    ...createCourseMemberActivities(db, schools),
    ...createDeactivationActivities(db, schools, fleet),
    ...createAttendancePostingActivities(db, schools),
    countSyncedSections: (input: { schoolId: string; syncRunId: string }) => countSyncedSections(db, input),
  });
}

export type Activities = ReturnType<typeof createActivities>;
