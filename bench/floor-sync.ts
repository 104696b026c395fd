/**
 * The floor of one school's full roster sync, with no Temporal and no orchestration: fetches every
 * page and record the sync needs from the SIS with the given CampusCloudClient (so with its request
 * budget), maps them with the same row builders, and bulk-inserts the rows
 * (json_populate_recordset, 5,000 rows a statement) into tables of the same schema through `pool`.
 * Everything is pipelined: a section's schedule and enrollments are requested as soon as the
 * section is known, rows are written while fetching goes on. Used by bench/floor-process.ts (one
 * school, `npm run bench`) and bench/fleet-floor-process.ts (many at once, `npm run bench:fleet`).
 */
import { sql, type Kysely } from 'kysely';
import pLimit from 'p-limit';
import type pg from 'pg';
import { MAX_RECORDS_PER_CALL, toSisRecord } from '../src/activities/attendance-posting';
import { chunked } from '../src/activities/chunked';
import { CampusCloudClient, type Page } from '../src/campus-cloud/client';
import type { Enrollment, LastDateAttended, ScheduleEntry, Section } from '../src/campus-cloud/schemas';
import type { SchoolConfig } from '../src/config/school-config';
import { expandWeeklySchedule } from '../src/coursekey/class-sessions';
import { mapDeliveryMethod } from '../src/coursekey/delivery-methods';
import { enrollmentDates } from '../src/coursekey/enrollment-dates';
import {
  catalogCourseRow,
  classSessionRow,
  courseRow,
  instructorMemberRow,
  instructorRow,
  isActiveEnrollment,
  studentKey,
  studentMemberRow,
  studentRow,
  userKey,
  userRow,
} from '../src/mapping/roster-rows';
import { campusToday, isInSyncWindow, termSearchRange } from '../src/coursekey/sync-window';
import { computeCourseAttendance } from '../src/db/course-attendance';
import type { Database } from '../src/db/database';
import type { RosterTable } from '../src/db/write-changed-rows';

export interface FloorSyncResult {
  /** When the last SIS answer arrived (performance.now()). */
  lastAnswerAt: number;
  rows: Record<RosterTable, number>;
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the floor through its bench.`);
  return value;
}

/** A client of the school's SIS as the worker builds it: the school's own request budget. */
export function floorSisClient(config: SchoolConfig): CampusCloudClient {
  const credentials = config.sis.credentials;
  if (!('usernameEnv' in credentials)) throw new Error('The bench school uses environment credentials.');
  return new CampusCloudClient({
    baseUrl: config.sis.baseUrl,
    username: requiredEnv(credentials.usernameEnv),
    password: requiredEnv(credentials.passwordEnv),
    timeoutMs: config.sis.requestTimeoutMs,
    limit: pLimit(config.sis.maxConcurrentRequests),
  });
}

const CHUNK_ROWS = 5_000;

/** Buffers one table's rows and writes them in chunks as they fill, in the background. */
class TableSink {
  private buffer: Record<string, unknown>[] = [];
  private readonly keys = new Set<string>();
  private readonly writes: Promise<unknown>[] = [];

  constructor(
    private readonly pool: pg.Pool,
    private readonly table: RosterTable,
  ) {}

  get count(): number {
    return this.keys.size;
  }

  add(row: { sis_key: string } & Record<string, unknown>): void {
    if (this.keys.has(row.sis_key)) return;
    this.keys.add(row.sis_key);
    this.buffer.push(row);
    if (this.buffer.length >= CHUNK_ROWS) this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    const rows = this.buffer;
    this.buffer = [];
    const columns = Object.keys(rows[0]!).join(', ');
    this.writes.push(
      this.pool.query(
        `INSERT INTO ${this.table} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${this.table}, $1::json)`,
        [JSON.stringify(rows)],
      ),
    );
  }

  async done(): Promise<void> {
    this.flush();
    await Promise.all(this.writes);
  }
}

export async function floorSync(
  config: SchoolConfig,
  sis: CampusCloudClient,
  pool: pg.Pool,
): Promise<FloorSyncResult> {
  const schoolId = config.schoolId;
  const pageSize = config.sis.pageSize;
  const sinks = {
    catalog_courses: new TableSink(pool, 'catalog_courses'),
    courses: new TableSink(pool, 'courses'),
    users: new TableSink(pool, 'users'),
    instructors: new TableSink(pool, 'instructors'),
    course_members: new TableSink(pool, 'course_members'),
    class_sessions: new TableSink(pool, 'class_sessions'),
  } satisfies Record<RosterTable, TableSink>;

  let lastAnswer = performance.now();
  const fetched = <T>(value: T): T => {
    lastAnswer = performance.now();
    return value;
  };
  const allPages = async <T>(
    fetchPage: (page: number) => Promise<Page<T>>,
    onPage: (page: Page<T>) => void,
  ) => {
    const first = fetched(await fetchPage(1));
    onPage(first);
    const pages = Math.ceil(first.totalCount / first.pageSize);
    await Promise.all(
      Array.from({ length: Math.max(0, pages - 1) }, async (_, index) =>
        onPage(fetched(await fetchPage(index + 2))),
      ),
    );
  };

  const today = campusToday(config);
  const range = termSearchRange(config, today);
  const terms = fetched(await sis.getTerms(config.campusId, range.from, range.to));
  const termIds = terms.items
    .filter((term) => term.startDate <= range.to && term.endDate >= range.from)
    .map((term) => term.termId);

  // People: the three lists in parallel with the sections.
  const listedUsers = new Set<string>();
  const instructorUsers = new Map<string, string>();
  const people = Promise.all([
    allPages(
      (page) => sis.getUsers(config.campusId, page, pageSize),
      (listing) =>
        listing.items.forEach((user) => {
          const row = userRow(schoolId, user);
          listedUsers.add(row.sis_key);
          sinks.users.add(row);
        }),
    ),
    allPages(
      (page) => sis.getStudents(config.campusId, page, pageSize),
      (listing) =>
        listing.items.forEach((student) => {
          const row = studentRow(schoolId, student);
          listedUsers.add(row.sis_key);
          sinks.users.add(row);
        }),
    ),
    allPages(
      (page) => sis.getInstructors(config.campusId, page, pageSize),
      (listing) =>
        listing.items.forEach((instructor) => {
          instructorUsers.set(instructor.instructorId, userKey(instructor.userId));
          sinks.instructors.add(instructorRow(schoolId, instructor));
        }),
    ),
  ]);

  // Sections, their catalog courses, and for each active one its meetings and enrollments.
  const catalog = new Map<string, Promise<void>>();
  const activeSections: Section[] = [];
  const enrolledStudents = new Set<string>();
  const sectionWork: Promise<unknown>[] = [];
  const syncSection = async (section: Section) => {
    const [schedule] = await Promise.all([
      sis.getSchedule(section.scheduledCourseId).then(fetched),
      (async () => {
        for (let page = 1; ; page++) {
          const listing: Page<Enrollment> = fetched(
            await sis.getEnrollment(section.scheduledCourseId, page, pageSize),
          );
          for (const enrollment of listing.items) {
            enrolledStudents.add(studentKey(enrollment.studentId));
            const dates = enrollmentDates(
              { ...enrollment, active: isActiveEnrollment(enrollment) },
              undefined,
              today,
            );
            sinks.course_members.add(
              studentMemberRow(schoolId, section.scheduledCourseId, enrollment, dates),
            );
          }
          if (page * listing.pageSize >= listing.totalCount || listing.items.length === 0) break;
        }
      })(),
    ]);
    if (!section.startDate || !section.endDate) return;
    const dates = { startDate: section.startDate, endDate: section.endDate };
    for (const session of expandWeeklySchedule(dates, schedule.items as ScheduleEntry[], config.timeZone)) {
      sinks.class_sessions.add(classSessionRow(schoolId, section.scheduledCourseId, session));
    }
  };
  for (const termId of termIds) {
    await allPages(
      (page) => sis.getTermSchedule(termId, page, pageSize),
      (listing) => {
        for (const entry of listing.items) {
          sectionWork.push(
            sis.getScheduledCourse(entry.scheduledCourseId).then(async (section) => {
              fetched(section);
              if (!isInSyncWindow(config, today, section)) return;
              if (!catalog.has(section.courseId)) {
                catalog.set(
                  section.courseId,
                  sis.getCourse(section.courseId).then((course) => {
                    sinks.catalog_courses.add(catalogCourseRow(schoolId, fetched(course)));
                  }),
                );
              }
              await catalog.get(section.courseId);
              const mapped = mapDeliveryMethod(config, section.deliveryMethod);
              if (!mapped) return;
              const row = courseRow(schoolId, section, mapped);
              if (!row.active) return;
              sinks.courses.add(row);
              activeSections.push(section);
              await syncSection(section);
            }),
          );
        }
      },
    );
  }
  await Promise.all([people, ...sectionWork]);

  // References the lists did not hold (as the sync does with GetUser / GetStudentByID), and instructors.
  const missingUsers = [...new Set(instructorUsers.values())].filter((key) => !listedUsers.has(key));
  const missingStudents = [...enrolledStudents].filter((key) => !listedUsers.has(key));
  await Promise.all([
    ...missingUsers.map(async (key) =>
      sinks.users.add(userRow(schoolId, fetched(await sis.getUser(key.slice(5))))),
    ),
    ...missingStudents.map(async (key) =>
      sinks.users.add(studentRow(schoolId, fetched(await sis.getStudentById(key.slice(8))))),
    ),
  ]);
  for (const section of activeSections) {
    for (const instructorId of section.instructorIds) {
      const user = instructorUsers.get(instructorId);
      if (user)
        sinks.course_members.add(instructorMemberRow(schoolId, section.scheduledCourseId, user, true));
    }
  }
  await Promise.all(Object.values(sinks).map((sink) => sink.done()));
  const rows = Object.fromEntries(
    Object.entries(sinks).map(([table, sink]) => [table, sink.count]),
  ) as Record<RosterTable, number>;
  return { lastAnswerAt: lastAnswer, rows };
}

/**
 * The floor of a run's attendance posting, after floorSync: every active course's attendance
 * computed with the worker's code as of `now`, posted in calls of 500 records one call at a time
 * (the contract's safety, not orchestration), each call's answers written to the ledger in one
 * statement while the next call goes out, then the last dates attended of the accepted records in
 * calls of 500. No journal, no cursor, no per-course bookkeeping. Returns the records posted.
 */
export async function floorPostAttendance(
  config: SchoolConfig,
  sis: CampusCloudClient,
  db: Kysely<Database>,
  now: Date,
): Promise<number> {
  const schoolId = config.schoolId;
  const courses = await db
    .selectFrom('courses')
    .select('sis_key')
    .where('school_id', '=', schoolId)
    .where('active', '=', true)
    .execute();
  const { records } = await computeCourseAttendance(
    db,
    config,
    courses.map((course) => course.sis_key),
    now,
    { forPosting: true },
  );
  const writes: Promise<unknown>[] = [];
  const lastDates = new Map<string, LastDateAttended>();
  for (const call of chunked(records, MAX_RECORDS_PER_CALL)) {
    const sent = call.map(toSisRecord);
    const response = await sis.postAttendance({ records: sent, lastDatesAttended: [] });
    const answers = new Map(response.results.map((result) => [result.externalId, result]));
    const rows = call.flatMap((record, index) => {
      const answer = answers.get(sent[index]!.externalId);
      if (!answer) return [];
      const accepted = answer.status === 'Accepted';
      if (accepted && record.attended > 0) {
        const key = `${record.courseKey}\u0000${record.studentId}`;
        const last = lastDates.get(key);
        if (!last || last.lastDateAttended < record.date)
          lastDates.set(key, {
            scheduledCourseId: record.courseKey,
            studentId: record.studentId,
            lastDateAttended: record.date,
          });
      }
      return [
        {
          school_id: schoolId,
          course_sis_key: record.courseKey,
          student_sis_id: record.studentId,
          attendance_date: record.date,
          type: record.type,
          attended_minutes: record.attended,
          absent_minutes: record.absent,
          status: accepted ? 'accepted' : 'rejected',
          sis_message: accepted ? null : (answer.message ?? null),
          sis_attendance_id: answer.attendanceId ?? null,
        },
      ];
    });
    writes.push(
      sql`INSERT INTO attendance_ledger (school_id, course_sis_key, student_sis_id, attendance_date, type,
            attended_minutes, absent_minutes, status, sis_message, sis_attendance_id)
          SELECT school_id, course_sis_key, student_sis_id, attendance_date, type, attended_minutes,
            absent_minutes, status, sis_message, sis_attendance_id
          FROM json_populate_recordset(NULL::attendance_ledger, ${JSON.stringify(rows)}::json)`.execute(db),
    );
  }
  for (const chunk of chunked([...lastDates.values()], MAX_RECORDS_PER_CALL)) {
    await sis.postAttendance({ records: [], lastDatesAttended: chunk });
  }
  await Promise.all(writes);
  return records.length;
}
