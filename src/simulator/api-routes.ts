/** The Campus Cloud Student API under /api, exactly as the contract describes it. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { localDate } from '../campus-cloud/schemas';
import { badRequest, errorBody, notFound, SimulatorError } from './errors';
import type { SimulatorState } from './state';

const MAX_PAGE_SIZE = 1000;
const DEFAULT_PAGE_SIZE = 100;

export interface Credentials {
  username: string;
  password: string;
}

const required = z.string({ error: 'required' }).min(1, 'required');
const paging = {
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE}`)
    .default(DEFAULT_PAGE_SIZE),
};
type Paging = { page: number; pageSize: number };

const queries = {
  term: z.object({
    campusId: z.string().optional(),
    termId: z.string().optional(),
    from: localDate.optional(),
    to: localDate.optional(),
    ...paging,
  }),
  sessions: z.object({ termId: required, ...paging }),
  termSchedule: z.object({ termId: required, sessionId: z.string().optional(), ...paging }),
  campusList: z.object({ campusId: required, ...paging }),
  students: z.object({
    campusId: required,
    modifiedSince: z
      .string()
      .refine((value) => !Number.isNaN(Date.parse(value)), 'must be an ISO 8601 timestamp')
      .optional(),
    ...paging,
  }),
  section: z.object({ scheduledCourseId: required }),
  sectionList: z.object({ scheduledCourseId: required, ...paging }),
  course: z.object({ courseId: required }),
  user: z.object({ userId: required }),
  student: z.object({ studentId: required }),
};
const credentialsBody = z.object({ username: z.string(), password: z.string() });

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw badRequest(issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message);
  }
  return result.data;
}

/**
 * A person as the SIS sends one: without an email it is `"email": null`, as the real SIS does; the
 * dataset's campus of the person is not part of the contract.
 */
function personOnWire<T extends { email?: string; campusId?: string }>({ campusId: _campus, ...person }: T) {
  return person.email === undefined ? { ...person, email: null } : person;
}

/** The campus a request names, by its `campusId` or by the section, user or student it asks for. */
function campusOf(state: SimulatorState, query: unknown): string | undefined {
  const { index } = state;
  const param = (name: string) => {
    const value = (query as Record<string, unknown> | undefined)?.[name];
    return typeof value === 'string' ? value : undefined;
  };
  const person = (record: { campusId?: string } | undefined) =>
    record && (record.campusId ?? index.dataset.campusId);
  const sectionId = param('scheduledCourseId');
  const userId = param('userId');
  const studentId = param('studentId');
  return (
    param('campusId') ??
    (sectionId === undefined ? undefined : index.sectionsById.get(sectionId)?.campusId) ??
    (userId === undefined ? undefined : person(index.usersById.get(userId))) ??
    (studentId === undefined ? undefined : person(index.studentsById.get(studentId)))
  );
}

/** Fault injection, then authentication, then permission; Authenticate itself only gets latency. */
async function guard(state: SimulatorState, request: FastifyRequest, reply: FastifyReply) {
  const endpoint = request.routeOptions.url?.split('/').pop() ?? 'unknown';
  state.stats.countRequest(endpoint);
  // In flight from arrival until answered, or until the caller hangs up (a timeout, a killed worker).
  reply.raw.once('close', state.stats.requestStarted(campusOf(state, request.query)));
  const { faults } = state;
  await faults.sleep(faults.settings.latencyMs);
  if (endpoint === 'Authenticate') return;

  const fault = faults.drawRequestFault();
  if (fault) state.stats.countFault(fault);
  switch (fault) {
    case 'rateLimit':
      return reply
        .code(429)
        .header('Retry-After', String(faults.settings.retryAfterSeconds))
        .send(errorBody('RateLimited', 'too many requests, retry after the Retry-After delay'));
    case 'error':
      return reply.code(503).send(errorBody('ServiceUnavailable', 'the SIS is temporarily unavailable'));
    case 'timeout':
      await faults.sleep(faults.settings.timeoutMs);
      break;
  }

  const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!token || !state.tokens.isValid(token)) {
    return reply.code(401).send(errorBody('Unauthorized', 'missing, unknown or expired bearer token'));
  }
  if (faults.settings.deniedEndpoints.includes(endpoint)) {
    return reply.code(403).send(errorBody('Forbidden', `the service account has no access to ${endpoint}`));
  }
}

export function registerApiRoutes(app: FastifyInstance, state: SimulatorState, credentials: Credentials) {
  app.addHook('onRequest', (request, reply) => guard(state, request, reply));
  app.addHook('onResponse', async (_request, reply) => state.stats.countResponse(reply.statusCode));

  const list = <T extends object>(
    endpoint: string,
    items: T[],
    { page, pageSize }: Paging,
    toWire?: (item: T) => object,
  ) => {
    const { start, totalCount } = state.faults.pageWindow(endpoint, page, pageSize, items.length);
    const slice = items.slice(start, start + pageSize);
    const data = state.faults.maybeBreak(endpoint, toWire ? slice.map(toWire) : slice);
    return { data, page, pageSize, totalCount };
  };
  const found = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw notFound(`no ${what}`);
    return value;
  };
  const requireCampus = (campusId: string | undefined) => {
    if (!campusId) throw badRequest('campusId: required');
    if (!state.index.campusIds.has(campusId)) throw notFound(`no campus with campusId "${campusId}"`);
    return campusId;
  };
  const sectionOf = (scheduledCourseId: string) =>
    found(
      state.index.sectionsById.get(scheduledCourseId),
      `section with scheduledCourseId "${scheduledCourseId}"`,
    );

  app.post('/Authenticate', async (request) => {
    const { username, password } = parse(credentialsBody, request.body);
    if (username !== credentials.username || password !== credentials.password) {
      throw new SimulatorError(401, 'InvalidCredentials', 'wrong username or password');
    }
    return state.tokens.issue();
  });

  app.get('/GetTerm', async (request) => {
    const query = parse(queries.term, request.query);
    if (query.termId !== undefined) {
      return found(state.index.termsById.get(query.termId), `term with termId "${query.termId}"`);
    }
    requireCampus(query.campusId);
    const { from, to } = query;
    const terms = state.dataset.terms.filter(
      (t) => (!from || t.endDate >= from) && (!to || t.startDate <= to),
    );
    return list('GetTerm', terms, query);
  });

  app.get('/GetSessions', async (request) => {
    const query = parse(queries.sessions, request.query);
    found(state.index.termsById.get(query.termId), `term with termId "${query.termId}"`);
    return list('GetSessions', state.index.sessionsByTerm.get(query.termId) ?? [], query);
  });

  app.get('/GetTermSchedule', async (request) => {
    const query = parse(queries.termSchedule, request.query);
    found(state.index.termsById.get(query.termId), `term with termId "${query.termId}"`);
    const inTerm = state.index.sectionsByTerm.get(query.termId) ?? [];
    const sections = query.sessionId ? inTerm.filter((s) => s.sessionId === query.sessionId) : inTerm;
    return list('GetTermSchedule', sections, query, (s) => ({
      scheduledCourseId: s.scheduledCourseId,
      courseId: s.courseId,
      sessionId: s.sessionId,
      sectionCode: s.sectionCode,
      modifiedAt: s.modifiedAt,
    }));
  });

  app.get('/GetScheduledCourse', async (request) =>
    sectionOf(parse(queries.section, request.query).scheduledCourseId),
  );

  app.get('/GetCourse', async (request) => {
    const { courseId } = parse(queries.course, request.query);
    return found(state.index.coursesById.get(courseId), `course with courseId "${courseId}"`);
  });

  app.get('/GetUsers', async (request) => {
    const query = parse(queries.campusList, request.query);
    const campusId = requireCampus(query.campusId);
    return list('GetUsers', state.index.usersByCampus.get(campusId) ?? [], query, personOnWire);
  });

  app.get('/GetUser', async (request) => {
    const { userId } = parse(queries.user, request.query);
    return personOnWire(found(state.index.usersById.get(userId), `user with userId "${userId}"`));
  });

  app.get('/GetInstructors', async (request) => {
    const query = parse(queries.campusList, request.query);
    const campusId = requireCampus(query.campusId);
    return list('GetInstructors', state.index.instructorsByCampus.get(campusId) ?? [], query, personOnWire);
  });

  app.get('/GetStudents', async (request) => {
    const query = parse(queries.students, request.query);
    const campusId = requireCampus(query.campusId);
    const { students, modifiedMs } = state.index.studentsByCampus.get(campusId) ?? {
      students: [],
      modifiedMs: new Float64Array(),
    };
    let selected = students;
    if (query.modifiedSince) {
      const since = Date.parse(query.modifiedSince);
      selected = students.filter((_, i) => modifiedMs[i]! >= since);
    }
    return list('GetStudents', selected, query, personOnWire);
  });

  app.get('/GetStudentByID', async (request) => {
    const { studentId } = parse(queries.student, request.query);
    return personOnWire(
      found(state.index.studentsById.get(studentId), `student with studentId "${studentId}"`),
    );
  });

  app.get('/GetEnrollment', async (request) => {
    const query = parse(queries.sectionList, request.query);
    sectionOf(query.scheduledCourseId);
    return list('GetEnrollment', state.dataset.enrollments[query.scheduledCourseId] ?? [], query);
  });

  app.get('/GetSchedule', async (request) => {
    const { scheduledCourseId } = parse(queries.section, request.query);
    sectionOf(scheduledCourseId);
    return { data: state.faults.maybeBreak('GetSchedule', state.dataset.schedules[scheduledCourseId] ?? []) };
  });

  app.post('/PostAttendance', async (request) =>
    state.attendance.post(request.body, state.index, {
      unansweredStudentIds: state.faults.settings.unansweredStudentIds,
    }),
  );
}
