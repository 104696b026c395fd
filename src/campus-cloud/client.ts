/**
 * Typed Campus Cloud Student API client: authentication with token refresh, paging, a per-school
 * request budget, timeouts and retries, and zod validation of every response.
 */
import ky, { HTTPError, TimeoutError, type KyInstance, type Options } from 'ky';
import type { z } from 'zod';
import {
  SisBadRecordError,
  SisConfigurationError,
  SisRateLimitedError,
  SisRequestError,
  SisTransientError,
} from './errors';
import { isOpenCircuit, sisRequestPolicy } from './request-policy';
import { outcomeOf, type SisRequestObserver, type SisRequestOutcome } from './request-observer';
import * as schema from './schemas';

/**
 * A school's request budget: runs one try of a request once one of the school's slots is free.
 * `signal`, when the budget passes one, aborts the try when its slot is lost (a lease that could
 * not be renewed). A p-limit limiter fits, for a budget within one process.
 */
export type RequestSlots = <T>(task: (signal?: AbortSignal) => Promise<T>) => Promise<T>;

export interface CampusCloudClientOptions {
  baseUrl: string;
  username: string;
  password: string;
  timeoutMs: number;
  /** Shared by every request to this school's SIS, so parallel activities stay within its budget. */
  limit: RequestSlots;
  /** Tries per request before the error reaches Temporal (request-policy.ts); tests set fewer. */
  tries?: number;
  /** Told of every exchange with the SIS and every request the circuit breaker refuses (metrics). */
  observe?: SisRequestObserver;
}

/** A list page: valid items, and the items that failed validation (quarantined by the caller). */
export interface Page<T> {
  items: T[];
  rejected: { sisId: string | undefined; reason: string }[];
  page: number;
  pageSize: number;
  totalCount: number;
  /** The SIS's clock when it answered (its HTTP `Date` header, ISO 8601), when it sent one. */
  serverTime?: string;
}

/** An answer's body, and the SIS's clock from its `Date` header. */
interface Answer {
  body: unknown;
  serverTime: string | undefined;
}

function serverTimeOf(response: Response): string | undefined {
  const header = response.headers.get('Date');
  const time = header === null ? Number.NaN : Date.parse(header);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

type Query = Record<string, string | number | undefined>;

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`).join('; ');
}

/**
 * The record's own id, to name it in an issue. Only its own: a section that lost its id must not
 * be named by its catalog course id, or the real section would look vanished.
 */
function sisIdOf(raw: unknown, idField: string): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const value = (raw as Record<string, unknown>)[idField];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

export class CampusCloudClient {
  private readonly http: KyInstance;
  private token: { value: string; expiresAt: number } | undefined;
  private authenticating: Promise<string> | undefined;
  private readonly policy: ReturnType<typeof sisRequestPolicy>;

  constructor(private readonly options: CampusCloudClientOptions) {
    this.policy = sisRequestPolicy(options.tries);
    this.http = ky.create({
      prefixUrl: options.baseUrl,
      timeout: options.timeoutMs,
      throwHttpErrors: true,
      // Retries are decided once, by the request policy, after the error is classified.
      retry: 0,
    });
  }

  // ---- authentication -------------------------------------------------------------------------

  private async authenticate(): Promise<string> {
    try {
      const body = await this.exchange('Authenticate', () =>
        this.http
          .post('Authenticate', {
            json: { username: this.options.username, password: this.options.password },
          })
          .json(),
      );
      const parsed = schema.authResponse.parse(body);
      // Refresh a little early so a long page never starts with a token about to expire.
      this.token = { value: parsed.token, expiresAt: Date.now() + parsed.expiresIn * 1000 * 0.9 };
      return parsed.token;
    } catch (err) {
      if (err instanceof HTTPError && (err.response.status === 401 || err.response.status === 403)) {
        throw new SisConfigurationError(
          `Authenticate: the SIS refused the service-account credentials (HTTP ${err.response.status}). Check the username and password the school configuration refers to.`,
        );
      }
      throw this.classify('Authenticate', err);
    }
  }

  private async bearer(forceRefresh = false): Promise<string> {
    if (!forceRefresh && this.token && this.token.expiresAt > Date.now()) return this.token.value;
    // One authentication in flight at a time, shared by every concurrent request.
    this.authenticating ??= this.authenticate().finally(() => (this.authenticating = undefined));
    return this.authenticating;
  }

  // ---- transport --------------------------------------------------------------------------------

  private classify(endpoint: string, err: unknown): Error {
    if (err instanceof SisConfigurationError || err instanceof SisTransientError) return err;
    if (err instanceof TimeoutError) {
      return new SisTransientError(`${endpoint}: no answer within ${this.options.timeoutMs} ms`);
    }
    if (err instanceof HTTPError) {
      const status = err.response.status;
      if (status === 429) {
        const retryAfter = retryAfterSeconds(err.response.headers.get('Retry-After'));
        return new SisRateLimitedError(`${endpoint}: rate limited by the SIS (HTTP 429)`, retryAfter);
      }
      if (status === 403) {
        return new SisConfigurationError(
          `${endpoint}: the service account has no access to this endpoint (HTTP 403). Ask the school to grant it in Campus Cloud.`,
        );
      }
      if (status === 401) {
        return new SisConfigurationError(
          `${endpoint}: the SIS rejected a fresh token (HTTP 401). Check the service account.`,
        );
      }
      if (status >= 500 || status === 408)
        return new SisTransientError(`${endpoint}: SIS error HTTP ${status}`);
      return new SisRequestError(`${endpoint}: the SIS refused the request (HTTP ${status})`, status);
    }
    if (err instanceof TypeError) {
      return new SisTransientError(
        `${endpoint}: cannot reach the SIS at ${this.options.baseUrl} (${err.message})`,
      );
    }
    return err instanceof Error ? err : new Error(String(err));
  }

  private async send(endpoint: string, init: Options): Promise<unknown> {
    return (await this.sendForAnswer(endpoint, init)).body;
  }

  private async sendForAnswer(endpoint: string, init: Options): Promise<Answer> {
    try {
      // Each try takes one of the school's request slots; the waits between tries (a Retry-After,
      // a backoff) hold none, so one rate-limited request does not hold up the school's others.
      return await this.policy.execute(() =>
        this.options.limit(async (signal) => {
          try {
            return await this.sendAuthenticated(endpoint, { ...init, signal });
          } catch (err) {
            if (signal?.aborted) {
              const reason = signal.reason instanceof Error ? signal.reason.message : 'its slot was lost';
              throw new SisTransientError(`${endpoint}: ${reason}`);
            }
            throw this.classify(endpoint, err);
          }
        }),
      );
    } catch (err) {
      if (!isOpenCircuit(err)) throw err;
      this.options.observe?.({ endpoint, outcome: 'circuit_open' });
      throw new SisTransientError(
        `${endpoint}: the SIS failed nearly every recent request; not asking again for a few seconds`,
      );
    }
  }

  /** One HTTP exchange with the SIS, reported to the observer with its outcome and duration. */
  private async exchange<T>(endpoint: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const report = (outcome: SisRequestOutcome) =>
      this.options.observe?.({ endpoint, outcome, seconds: (performance.now() - started) / 1000 });
    try {
      const result = await call();
      report('ok');
      return result;
    } catch (err) {
      report(outcomeOf(err));
      throw err;
    }
  }

  private async sendAuthenticated(endpoint: string, init: Options): Promise<Answer> {
    const request = (token: string) =>
      this.exchange(endpoint, async (): Promise<Answer> => {
        const response = await this.http(endpoint, {
          ...init,
          headers: { Authorization: `Bearer ${token}` },
        });
        return { body: await response.json(), serverTime: serverTimeOf(response) };
      });
    try {
      return await request(await this.bearer());
    } catch (err) {
      if (err instanceof HTTPError && err.response.status === 401) {
        return request(await this.bearer(true));
      }
      throw err;
    }
  }

  private async getOne<T extends z.ZodType>(endpoint: string, query: Query, item: T): Promise<z.infer<T>> {
    const raw = await this.send(endpoint, { method: 'get', searchParams: definedOnly(query) });
    const parsed = item.safeParse(raw);
    if (!parsed.success) {
      throw new SisBadRecordError(endpoint, String(Object.values(query)[0]), describeIssues(parsed.error));
    }
    return parsed.data;
  }

  private async getPage<T extends z.ZodType>(
    endpoint: string,
    query: Query,
    item: T,
    idField: string,
  ): Promise<Page<z.infer<T>>> {
    const { body, serverTime } = await this.sendForAnswer(endpoint, {
      method: 'get',
      searchParams: definedOnly(query),
    });
    const envelope = schema.pageEnvelope.safeParse(body);
    if (!envelope.success) {
      throw new SisTransientError(`${endpoint}: malformed page envelope (${describeIssues(envelope.error)})`);
    }
    return {
      ...envelope.data,
      ...validateItems(endpoint, envelope.data.data, item, idField),
      ...(serverTime ? { serverTime } : {}),
    };
  }

  // ---- endpoints --------------------------------------------------------------------------------

  getTerms(campusId: string, from?: string, to?: string, page = 1, pageSize = 1000) {
    return this.getPage('GetTerm', { campusId, from, to, page, pageSize }, schema.term, 'termId');
  }
  getTerm(termId: string) {
    return this.getOne('GetTerm', { termId }, schema.term);
  }
  getSessions(termId: string) {
    return this.getPage('GetSessions', { termId, page: 1, pageSize: 1000 }, schema.termSession, 'sessionId');
  }
  getTermSchedule(termId: string, page: number, pageSize: number, sessionId?: string) {
    return this.getPage(
      'GetTermSchedule',
      { termId, sessionId, page, pageSize },
      schema.termScheduleEntry,
      'scheduledCourseId',
    );
  }
  getScheduledCourse(scheduledCourseId: string) {
    return this.getOne('GetScheduledCourse', { scheduledCourseId }, schema.section);
  }
  getCourse(courseId: string) {
    return this.getOne('GetCourse', { courseId }, schema.course);
  }
  getUsers(campusId: string, page: number, pageSize: number) {
    return this.getPage('GetUsers', { campusId, page, pageSize }, schema.user, 'userId');
  }
  getUser(userId: string) {
    return this.getOne('GetUser', { userId }, schema.user);
  }
  getInstructors(campusId: string, page: number, pageSize: number) {
    return this.getPage('GetInstructors', { campusId, page, pageSize }, schema.instructor, 'instructorId');
  }
  getStudents(campusId: string, page: number, pageSize: number, modifiedSince?: string) {
    return this.getPage(
      'GetStudents',
      { campusId, page, pageSize, modifiedSince },
      schema.student,
      'studentId',
    );
  }
  getStudentById(studentId: string) {
    return this.getOne('GetStudentByID', { studentId }, schema.student);
  }
  getEnrollment(scheduledCourseId: string, page: number, pageSize: number) {
    return this.getPage(
      'GetEnrollment',
      { scheduledCourseId, page, pageSize },
      schema.enrollment,
      'enrollmentId',
    );
  }
  async getSchedule(scheduledCourseId: string) {
    const raw = await this.send('GetSchedule', { method: 'get', searchParams: { scheduledCourseId } });
    const envelope = schema.scheduleResponse.safeParse(raw);
    if (!envelope.success) {
      throw new SisTransientError(`GetSchedule: malformed response (${describeIssues(envelope.error)})`);
    }
    return validateItems('GetSchedule', envelope.data.data, schema.scheduleEntry, 'scheduleId');
  }
  async postAttendance(request: schema.PostAttendanceRequest): Promise<schema.PostAttendanceResponse> {
    const raw = await this.send('PostAttendance', { method: 'post', json: request });
    const parsed = schema.postAttendanceResponse.safeParse(raw);
    if (!parsed.success) {
      throw new SisTransientError(`PostAttendance: malformed response (${describeIssues(parsed.error)})`);
    }
    return parsed.data;
  }
}

function validateItems<T extends z.ZodType>(endpoint: string, rows: unknown[], item: T, idField: string) {
  const items: z.infer<T>[] = [];
  const rejected: Page<unknown>['rejected'] = [];
  for (const row of rows) {
    const parsed = item.safeParse(row);
    if (parsed.success) items.push(parsed.data);
    else
      rejected.push({ sisId: sisIdOf(row, idField), reason: `${endpoint}: ${describeIssues(parsed.error)}` });
  }
  return { items, rejected };
}

/** Retry-After in seconds or as an HTTP date (RFC 9110); 5 s when missing or unreadable. */
function retryAfterSeconds(header: string | null): number {
  const seconds = header === null || header.trim() === '' ? NaN : Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = header === null ? NaN : Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - Date.now()) / 1000)) : 5;
}

function definedOnly(query: Query): Record<string, string | number> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as Record<
    string,
    string | number
  >;
}
