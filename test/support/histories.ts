import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

export async function workflowHistories(
  client: Client,
  workflowIds: string[],
): Promise<temporal.api.history.v1.IHistory[]> {
  return Promise.all(workflowIds.map((id) => client.workflow.getHandle(id).fetchHistory()));
}
