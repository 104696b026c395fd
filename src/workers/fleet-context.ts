/** What fleet alerts need of Temporal (src/activities/fleet-alerts.ts): which schedules run, Web UI links. */
import { Client, Connection } from '@temporalio/client';
import type { FleetContext } from '../activities/fleet-alerts';
import { temporalConnectionOptions, temporalNamespace, workflowUrl } from '../temporal/connection';
import { schoolScheduleStates } from '../temporal/schedules';

export const fleetContext: FleetContext = {
  async scheduledSchools() {
    // A connection per judgement (after a run, every 15 min): nothing left open when the worker stops.
    const connection = await Connection.connect(temporalConnectionOptions());
    try {
      const states = await schoolScheduleStates(new Client({ connection, namespace: temporalNamespace() }));
      return new Set([...states].filter(([, state]) => !state.paused).map(([schoolId]) => schoolId));
    } finally {
      await connection.close();
    }
  },
  workflowUrl: (workflowId) => workflowUrl(workflowId),
};
