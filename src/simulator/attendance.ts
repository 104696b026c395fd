/** PostAttendance: per-record validation, storage keyed as the SIS keys it, and a log of every call. */
import { z } from 'zod';
import {
  attendanceRecord,
  lastDateAttended,
  type AttendanceRecord,
  type Enrollment,
  type LastDateAttended,
  type PostAttendanceResponse,
} from '../campus-cloud/schemas';
import type { DatasetIndex } from './dataset-index';
import { badRequest } from './errors';

const MAX_RECORDS_PER_CALL = 500;
const MINUTES_PER_DAY = 1440;

/** Only the envelope is strict; each record is checked on its own so one bad record is rejected alone. */
const postAttendanceBody = z.object({
  records: z
    .array(z.looseObject({ externalId: z.string().min(1) }))
    .max(MAX_RECORDS_PER_CALL, `at most ${MAX_RECORDS_PER_CALL} records per call`),
  lastDatesAttended: z.array(lastDateAttended).default([]),
});

export interface StoredAttendance extends AttendanceRecord {
  attendanceId: string;
  postedAt: string;
}

export interface StoredLastDateAttended extends LastDateAttended {
  postedAt: string;
}

type AttendanceResult = PostAttendanceResponse['results'][number];

export interface PostAttendanceCall {
  at: string;
  records: Array<AttendanceResult & Partial<AttendanceRecord>>;
  lastDatesAttended: LastDateAttended[];
}

export interface AttendanceSnapshot {
  records: StoredAttendance[];
  lastDatesAttended: StoredLastDateAttended[];
}

const ATTENDING_STATUSES = new Set(['Registered', 'Completed']);

/**
 * Whether an enrollment covers a date: a Registered one from its status date (the registration
 * date), a Completed one throughout, a Dropped or Withdrawn one up to its status date (the
 * attendance before a withdrawal is what aid refunds are computed from).
 */
function enrolledOn(enrollment: Enrollment, date: string): boolean {
  if (ATTENDING_STATUSES.has(enrollment.status)) {
    return enrollment.status !== 'Registered' || !enrollment.statusDate || date >= enrollment.statusDate;
  }
  return enrollment.statusDate !== undefined && date <= enrollment.statusDate;
}

/** Why the SIS would refuse this record, or undefined when it is acceptable. */
function rejectionOf(record: AttendanceRecord, index: DatasetIndex): string | undefined {
  const total = record.attendedMinutes + record.absentMinutes;
  if (total > MINUTES_PER_DAY) {
    return `invalid minutes: attended + absent = ${total}, more than the ${MINUTES_PER_DAY} minutes in a day`;
  }
  const section = index.sectionsById.get(record.scheduledCourseId);
  if (!section) return `unknown section "${record.scheduledCourseId}"`;
  if (section.status === 'Cancelled') return `section "${section.sectionCode}" is cancelled`;
  if (
    (section.startDate && record.date < section.startDate) ||
    (section.endDate && record.date > section.endDate)
  ) {
    return `date ${record.date} is outside section "${section.sectionCode}" (${section.startDate ?? '…'} to ${section.endDate ?? '…'})`;
  }
  const enrollment = index.enrollment(record.scheduledCourseId, record.studentId);
  if (!enrollment || !enrolledOn(enrollment, record.date)) {
    const why = enrollment
      ? ` on ${record.date} (enrollment status ${enrollment.status}${enrollment.statusDate ? ` since ${enrollment.statusDate}` : ''})`
      : '';
    return `student "${record.studentId}" is not enrolled in section "${section.sectionCode}"${why}`;
  }
  return undefined;
}

function describeInvalid(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const field = issue.path.join('.');
  if (field.endsWith('Minutes')) return `invalid minutes: ${field} must be a whole number >= 0`;
  return `invalid record: ${field}: ${issue.message}`;
}

export class AttendanceStore {
  private readonly records = new Map<string, StoredAttendance>();
  private readonly lastDates = new Map<string, StoredLastDateAttended>();
  private readonly calls: PostAttendanceCall[] = [];
  private nextAttendanceId = 1;

  post(
    body: unknown,
    index: DatasetIndex,
    options: { unansweredStudentIds?: readonly string[]; now?: Date } = {},
  ): PostAttendanceResponse {
    const now = options.now ?? new Date();
    const parsed = postAttendanceBody.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw badRequest(`${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const postedAt = now.toISOString();
    const call: PostAttendanceCall = {
      at: postedAt,
      records: [],
      lastDatesAttended: parsed.data.lastDatesAttended,
    };
    const answer = (result: AttendanceResult, record?: AttendanceRecord) => {
      call.records.push({ ...record, ...result });
      return result;
    };
    const results = parsed.data.records.map((raw): AttendanceResult => {
      const { externalId } = raw;
      const checked = attendanceRecord.safeParse(raw);
      if (!checked.success) {
        return answer({ externalId, status: 'Rejected', message: describeInvalid(checked.error) });
      }
      const record = checked.data;
      const message = rejectionOf(record, index);
      if (message) return answer({ externalId, status: 'Rejected', message }, record);
      return answer({ externalId, status: 'Accepted', attendanceId: this.store(record, postedAt) }, record);
    });
    for (const lda of parsed.data.lastDatesAttended) {
      this.lastDates.set(`${lda.scheduledCourseId}\u0000${lda.studentId}`, { ...lda, postedAt });
    }
    this.calls.push(call);
    const unanswered = new Set(options.unansweredStudentIds);
    if (unanswered.size === 0) return { results };
    const studentOf = new Map(call.records.map((r) => [r.externalId, r.studentId]));
    return { results: results.filter((r) => !unanswered.has(studentOf.get(r.externalId) ?? '')) };
  }

  /** Same (studentId, scheduledCourseId, date, type) replaces the minutes and keeps the attendanceId. */
  private store(record: AttendanceRecord, postedAt: string): string {
    const key = [record.studentId, record.scheduledCourseId, record.date, record.type].join('\u0000');
    const attendanceId = this.records.get(key)?.attendanceId ?? `ATT${this.nextAttendanceId++}`;
    this.records.set(key, { ...record, attendanceId, postedAt });
    return attendanceId;
  }

  snapshot(): AttendanceSnapshot {
    return { records: [...this.records.values()], lastDatesAttended: [...this.lastDates.values()] };
  }

  callLog(): PostAttendanceCall[] {
    return this.calls;
  }
}
