export { SyncWorkflow } from './sync';
export { RosterSyncWorkflow } from './roster-sync';
export { AttendancePostingWorkflow } from './attendance-posting';
