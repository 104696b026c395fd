/** Kysely row types: the single source of truth for what the tables hold (schema/ creates them). */
import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable } from 'kysely';
import type { AttendanceType } from '../coursekey/attendance-minutes';
import type { RecordType } from '../coursekey/record-types';
import type { AlertState } from '../coursekey/school-health';
import type { SkipCounts } from '../coursekey/skip-reasons';

type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;
/** `date` columns travel as YYYY-MM-DD strings (the connection sets a parser), never as Date. */
type LocalDate = string;

export interface SchoolsTable {
  id: string;
  name: string;
  campus_id: string;
  time_zone: string;
  environment: 'test' | 'production';
  sis_base_url: string;
  config: JSONColumnType<Record<string, unknown>>;
  /** Set by `school disable`: the schedule is paused and no run syncs the school until it is enabled again. */
  disabled_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CatalogCoursesTable {
  id: Generated<string>;
  school_id: string;
  sis_key: string;
  code: string;
  name: string;
  credits: number | null;
  clock_hours: number | null;
  content_hash: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type Modality = 'in-person' | 'online' | 'blended';

export interface CoursesTable {
  id: Generated<string>;
  school_id: string;
  sis_key: string;
  catalog_sis_key: string;
  term_sis_id: string;
  session_sis_id: string | null;
  section_code: string;
  title: string;
  delivery_method_id: string;
  delivery_method_name: string;
  attendance_method: string;
  modality: Modality;
  start_date: LocalDate | null;
  end_date: LocalDate | null;
  minutes_per_day: number | null;
  sync_minutes: number | null;
  async_minutes: number | null;
  lms_code: string | null;
  instructor_sis_ids: string[];
  sis_status: string;
  active: boolean;
  content_hash: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  school_id: string;
  sis_key: string;
  sis_kind: 'student' | 'user';
  sis_id: string;
  student_number: string | null;
  first_name: string;
  last_name: string;
  email: string | null;
  roles: string[];
  sis_status: string;
  active: boolean;
  content_hash: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface InstructorsTable {
  school_id: string;
  sis_key: string;
  user_sis_id: string;
  active: boolean;
  content_hash: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CourseMembersTable {
  id: Generated<string>;
  school_id: string;
  sis_key: string;
  course_sis_key: string;
  user_sis_key: string;
  role: 'student' | 'instructor';
  sis_enrollment_id: string | null;
  sis_status: string;
  status_date: LocalDate | null;
  active: boolean;
  /** The dates a student's membership covers (src/coursekey/enrollment-dates.ts); null: from the start. */
  enrolled_from: LocalDate | null;
  /** The last date an inactive membership covers; null while active. */
  enrolled_until: LocalDate | null;
  content_hash: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ClassSessionsTable {
  id: Generated<string>;
  school_id: string;
  sis_key: string;
  course_sis_key: string;
  sis_schedule_id: string;
  session_date: LocalDate;
  kind: 'sync' | 'async';
  starts_at: Date | null;
  ends_at: Date | null;
  minutes: number;
  content_hash: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** A run is 'running' until it completes, fails or is cancelled. */
export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface SyncRunsTable {
  id: Generated<string>;
  school_id: string;
  workflow_id: string;
  temporal_run_id: string;
  kind: 'sync' | 'dry-run';
  status: RunStatus;
  message: string | null;
  started_at: ColumnType<Date, never, never>;
  finished_at: Date | null;
  /** The configuration a dry run ran with (a dry-run school need not be enabled). */
  config: JSONColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  held_deactivations: JSONColumnType<Record<string, number> | null, string | null | undefined, string | null>;
  /** Until when held deactivations wait for approval (schema/0013); null when nothing is held. */
  held_until: Date | null;
  /** school_id of a real run (null for a dry run): the key to schools, which a dry run's school need not be in. */
  enabled_school_id: ColumnType<string | null, never, never>;
  /** A real run's scope (schema/0014): everything, or what changed since `modified_since`. */
  mode: SyncMode | null;
  modified_since: Date | null;
  /** The SIS's clock at the run's first answer of each listing, the earliest: the next watermark. */
  sis_clock_at: Date | null;
}

export type SyncMode = 'full' | 'incremental';

/** Per school: from when an incremental run reads, and when the last full run was (schema/0014). */
export interface SyncWatermarksTable {
  school_id: string;
  modified_since: Date;
  last_full_at: Date;
  config_hash: string;
  full_requested_at: Date | null;
  updated_at: UpdatedAt;
}

export interface SyncRunCountsTable {
  sync_run_id: string;
  record_type: RecordType;
  batch_key: string;
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  deactivated: number;
  failed: number;
  /** Fetched and deliberately not synced (schema/0010), with the count per reason. */
  skipped: Generated<number>;
  skipped_by: JSONColumnType<SkipCounts, string | undefined, string>;
}

export interface SyncSeenTable {
  sync_run_id: string;
  record_type: RecordType;
  sis_key: string;
  payload: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
}

/** Each page of a run's SIS listings as read (schema/0006). */
export interface SyncListingPagesTable {
  sync_run_id: string;
  record_type: RecordType;
  listing: string;
  page: number;
  total_count: number;
  sis_ids: string[];
  unidentified: number;
}

/** The parts of an activity's work a run has committed (schema/0011). */
export interface SyncPartsDoneTable {
  sync_run_id: string;
  work: string;
  items_hash: string;
  parts: number;
}

/** Catalog courses a run has fetched, as the SIS answered (schema/0011). */
export interface SyncCatalogCoursesTable {
  sync_run_id: string;
  course_id: string;
  course: JSONColumnType<Record<string, unknown>, string, string>;
}

export interface PendingDeactivationsTable {
  sync_run_id: string;
  record_type: RecordType;
  table_name: string;
  sis_key: string;
  row: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
}

export interface DryRunFindingsTable {
  sync_run_id: string;
  record_type: RecordType;
  sis_key: string;
  rule: string;
  severity: Severity;
  message: string;
  details: JSONColumnType<Record<string, unknown>>;
}

export type Severity = 'blocking' | 'warning' | 'info';

export interface SyncIssuesTable {
  id: Generated<string>;
  school_id: string;
  record_type: RecordType;
  sis_key: string;
  rule: string;
  severity: Severity;
  message: string;
  details: JSONColumnType<Record<string, unknown>>;
  first_seen_at: ColumnType<Date, never, never>;
  last_seen_at: ColumnType<Date, Date | undefined, Date>;
  last_sync_run_id: string | null;
  resolved_at: Date | null;
}

/** The fleet-health state last alerted for a school (schema/0015): alerts go out once per change. */
export interface SchoolAlertStateTable {
  school_id: string;
  state: AlertState;
  sync_run_id: string | null;
  changed_at: ColumnType<Date, Date | undefined, Date>;
}

export interface Database {
  schools: SchoolsTable;
  catalog_courses: CatalogCoursesTable;
  courses: CoursesTable;
  users: UsersTable;
  instructors: InstructorsTable;
  course_members: CourseMembersTable;
  class_sessions: ClassSessionsTable;
  sync_runs: SyncRunsTable;
  sync_watermarks: SyncWatermarksTable;
  sync_run_counts: SyncRunCountsTable;
  sync_seen: SyncSeenTable;
  sync_listing_pages: SyncListingPagesTable;
  sync_parts_done: SyncPartsDoneTable;
  sync_catalog_courses: SyncCatalogCoursesTable;
  sync_issues: SyncIssuesTable;
  school_alert_state: SchoolAlertStateTable;
  admin_accounts: AdminAccountsTable;
  admin_account_schools: AdminAccountSchoolsTable;
  admin_sessions: AdminSessionsTable;
  sign_in_failures: SignInFailuresTable;
  pending_deactivations: PendingDeactivationsTable;
  dry_run_findings: DryRunFindingsTable;
  api_keys: ApiKeysTable;
  check_ins: CheckInsTable;
  attendance_edits: AttendanceEditsTable;
  makeup_minutes: MakeupMinutesTable;
  attendance_input_changes: AttendanceInputChangesTable;
  attendance_course_state: AttendanceCourseStateTable;
  attendance_ledger: AttendanceLedgerTable;
  attendance_answer_journal: AttendanceAnswerJournalTable;
  lda_ledger: LdaLedgerTable;
  sis_request_slots: SisRequestSlotsTable;
  attendance_posting_counts: AttendancePostingCountsTable;
}

export type CourseRow = Selectable<CoursesTable>;
export type NewCourse = Insertable<CoursesTable>;
export type NewUser = Insertable<UsersTable>;
export type NewCourseMember = Insertable<CourseMembersTable>;
export type NewClassSession = Insertable<ClassSessionsTable>;

/** Dashboard admins (schema/0004): school-scoped, or integration staff who see every school. */
export interface AdminAccountsTable {
  id: Generated<string>;
  email: string;
  password_hash: string;
  is_staff: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AdminAccountSchoolsTable {
  admin_id: string;
  school_id: string;
}

export interface AdminSessionsTable {
  token_hash: string;
  admin_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  expires_at: Date;
}

export interface SignInFailuresTable {
  id: Generated<string>;
  email: string;
  client_ip: string;
  failed_at: ColumnType<Date, never, never>;
}

/** Per-school CourseKey API keys (schema/0003): only the sha256 of a key is stored. */
export interface ApiKeysTable {
  id: Generated<string>;
  school_id: string;
  label: ColumnType<string, string | undefined, string>;
  key_hash: string;
  created_at: CreatedAt;
  revoked_at: Date | null;
  /** When the key last authenticated a request, to the minute (schema/0012). */
  last_used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface CheckInsTable {
  school_id: string;
  session_sis_key: string;
  course_sis_key: string;
  student_sis_id: string;
  checked_in_at: Date;
  checked_out_at: Date | null;
  updated_at: UpdatedAt;
}

export interface AttendanceEditsTable {
  school_id: string;
  session_sis_key: string;
  course_sis_key: string;
  student_sis_id: string;
  attended_minutes: number;
  edited_by: string;
  reason: string | null;
  edited_at: UpdatedAt;
}

export interface MakeupMinutesTable {
  school_id: string;
  course_sis_key: string;
  student_sis_id: string;
  makeup_date: LocalDate;
  minutes: number;
  entered_by: string;
  note: string | null;
  entered_at: UpdatedAt;
}

/** A row per write to an input of a course's attendance, by trigger (schema/0005); posting deletes those it saw. */
export interface AttendanceInputChangesTable {
  id: Generated<string>;
  school_id: string;
  course_sis_key: string;
}

/** What posting last computed a course's attendance from; the course is due again when it moves. */
export interface AttendanceCourseStateTable {
  school_id: string;
  course_sis_key: string;
  next_close_at: Date | null;
  rules_hash: string;
  lda_pending: ColumnType<boolean, boolean | undefined, boolean>;
  sync_run_id: string | null;
  computed_at: UpdatedAt;
}

/** The SIS's last answer per record, accepted or rejected with its message. */
export interface AttendanceLedgerTable {
  school_id: string;
  course_sis_key: string;
  student_sis_id: string;
  attendance_date: LocalDate;
  type: AttendanceType;
  attended_minutes: number;
  absent_minutes: number;
  status: 'accepted' | 'rejected';
  sis_message: string | null;
  sis_attendance_id: string | null;
  sync_run_id: string | null;
  posted_at: UpdatedAt;
}

/** The SIS's answers to one PostAttendance call, until they are filed in the ledger (schema/0005). */
export interface AttendanceAnswerJournalTable {
  id: Generated<string>;
  school_id: string;
  sync_run_id: string | null;
  /** The answers as JSON tuples (json, not jsonb: written once, read once). */
  answers: ColumnType<unknown, string, never>;
  /** The records the call sent, answered or not (schema/0013; null in older rows: the answers). */
  sent: ColumnType<number | null, number | undefined, never>;
  written_at: CreatedAt;
}

/** What each run posted to the SIS (schema/0013), counted as answers are filed and LDAs recorded. */
export interface AttendancePostingCountsTable {
  sync_run_id: string;
  school_id: string;
  sent: number;
  accepted: number;
  rejected: number;
  last_dates: number;
}

export interface LdaLedgerTable {
  school_id: string;
  course_sis_key: string;
  student_sis_id: string;
  last_date_attended: LocalDate;
  sync_run_id: string | null;
  posted_at: UpdatedAt;
}

/**
 * A school's SIS request slots (schema/0016): held while `holder` is set and `expires_at` is in
 * the future (src/db/sis-request-slots.ts).
 */
export interface SisRequestSlotsTable {
  school_id: string;
  slot: number;
  holder: string | null;
  expires_at: Date | null;
}
