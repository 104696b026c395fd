import { defineSignal } from '@temporalio/workflow';

/** Sent by `npm run cli -- approve`: apply the deactivations this run is holding. */
export const approveDeactivationsSignal = defineSignal('approveDeactivations');
