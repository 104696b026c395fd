/** A SIS record that cannot be synced becomes a warning issue naming it; the page goes on. */
import { SisBadRecordError, SisRequestError } from '../campus-cloud/errors';
import type { IssueInput } from '../db/run-bookkeeping';

export function quarantineIssue(
  recordType: IssueInput['recordType'],
  sisKey: string,
  err: unknown,
): IssueInput {
  const reason =
    err instanceof SisBadRecordError || err instanceof SisRequestError ? err.message : String(err);
  return {
    recordType,
    sisKey,
    rule: 'invalid-sis-record',
    severity: 'warning',
    message: `${recordType} ${sisKey}: the SIS returned data that cannot be synced (${reason}). Correct the record in Campus Cloud; the next sync picks it up.`,
  };
}
