export { SyncWorkflow } from './sync';
export { RosterSyncWorkflow } from './roster-sync';
