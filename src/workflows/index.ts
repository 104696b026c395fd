export { SyncWorkflow } from './sync';
export { RosterSyncWorkflow } from './roster-sync';
export { EnablementDryRunWorkflow } from './enablement-dry-run';
export { AttendancePostingWorkflow } from './attendance-posting';
export { FleetWatchWorkflow } from './fleet-watch';
