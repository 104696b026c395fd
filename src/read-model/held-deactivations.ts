/**
 * Deactivations a school's running sync holds back for approval (mass-change safety): what, how
 * many, and until when the run waits. Past that time the run keeps nothing, so it is not shown.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';
import { recordTypes, type RecordType } from '../coursekey/record-types';

export interface HeldDeactivations {
  syncRunId: string;
  workflowId: string;
  /** Per record type, in the usual order: only the types held. */
  held: { recordType: RecordType; count: number }[];
  /** When the approval wait ends (ISO); null for a run recorded before the deadline was kept. */
  heldUntil: string | null;
}

export async function heldDeactivations(
  db: Kysely<Database>,
  schoolId: string,
): Promise<HeldDeactivations | undefined> {
  const run = await db
    .selectFrom('sync_runs')
    .select(['id', 'workflow_id', 'held_deactivations', 'held_until'])
    .where('school_id', '=', schoolId)
    .where('kind', '=', 'sync')
    .where('status', '=', 'running')
    .where('held_deactivations', 'is not', null)
    .where((eb) => eb.or([eb('held_until', 'is', null), eb('held_until', '>', sql<Date>`now()`)]))
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!run?.held_deactivations) return undefined;
  const counts = run.held_deactivations;
  const held = recordTypes.flatMap((recordType) =>
    typeof counts[recordType] === 'number' && counts[recordType] > 0
      ? [{ recordType, count: counts[recordType] }]
      : [],
  );
  if (held.length === 0) return undefined;
  return {
    syncRunId: run.id,
    workflowId: run.workflow_id,
    held,
    heldUntil: run.held_until?.toISOString() ?? null,
  };
}
