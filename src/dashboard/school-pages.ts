/**
 * The school's pages: overview, run history, posting history, issues, course and student lookup;
 * each with the banner of deactivations held for approval while a run holds some.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { workflowUrl } from '../temporal/connection';
import { approvalBanner } from './approval-banner';
import { courseDetailsBody, courseSearchBody } from './courses-page';
import type { SafeHtml } from './html';
import { issuesBody } from './issues-page';
import { page, type Tab } from './layout';
import { overviewBody } from './overview-page';
import { postingBody } from './posting-page';
import { refuse, requireSchoolAccess, requireSignIn } from './request-guards';
import { runsBody } from './runs-page';
import { courseQuery, parseIssueFilter, type SchoolData } from '../read-model/school-data';
import { schoolListBody } from './simple-pages';
import { studentDetailsBody, studentSearchBody } from './students-page';

type Params = { schoolId: string };

export function registerSchoolPages(
  app: FastifyInstance,
  deps: {
    db: Kysely<Database>;
    data: SchoolData;
    temporalUiUrl: string;
    staffHome: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  },
) {
  const { data } = deps;
  const runLink = (workflowId: string) => workflowUrl(workflowId, deps.temporalUiUrl);
  const guarded = { preHandler: [requireSignIn, requireSchoolAccess] };

  /** Renders a school page, or 404 when the (visible) school does not exist. */
  async function schoolPage(
    request: FastifyRequest,
    reply: FastifyReply,
    tab: Tab,
    title: string,
    body: (school: { id: string; name: string; time_zone: string }) => Promise<SafeHtml | undefined>,
  ) {
    const { schoolId } = request.params as Params;
    const school = await data.school(schoolId);
    const content = school && (await body(school));
    if (!school || !content)
      return refuse(reply, 404, 'Not found', 'There is nothing at this address.', false);
    const held = await data.heldDeactivations(school.id);
    const banner = held && approvalBanner(school.id, held, school.time_zone);
    return reply
      .type('text/html')
      .send(page({ title, body: content, session: request.dashboardSession!, school, tab, banner }));
  }

  app.get('/dashboard', { preHandler: requireSignIn }, async (request, reply) => {
    const admin = request.dashboardSession!.admin;
    // Integration staff start at the fleet page: every school, worst first.
    if (admin.isStaff) return deps.staffHome(request, reply);
    if (admin.schoolIds.length === 1)
      return reply.redirect(`/dashboard/schools/${encodeURIComponent(admin.schoolIds[0]!)}`, 303);
    const schools = await deps.db
      .selectFrom('schools')
      .select(['id', 'name'])
      .where('id', 'in', admin.schoolIds.length ? admin.schoolIds : [''])
      .orderBy('name')
      .execute();
    return reply
      .type('text/html')
      .send(page({ title: 'Schools', body: schoolListBody(schools), session: request.dashboardSession! }));
  });

  app.get<{ Params: Params }>('/dashboard/schools/:schoolId', guarded, (request, reply) =>
    schoolPage(request, reply, 'overview', 'Overview', async (school) =>
      overviewBody(await data.overview(school.id), runLink),
    ),
  );

  app.get<{ Params: Params }>('/dashboard/schools/:schoolId/runs', guarded, (request, reply) =>
    schoolPage(request, reply, 'runs', 'Run history', async (school) =>
      runsBody(await data.runs(school.id), runLink),
    ),
  );

  app.get<{ Params: Params }>('/dashboard/schools/:schoolId/posting', guarded, (request, reply) =>
    schoolPage(request, reply, 'posting', 'Posting history', async (school) =>
      postingBody({
        schoolId: school.id,
        runs: await data.postingHistory(school.id),
        timeZone: school.time_zone,
        runLink,
      }),
    ),
  );

  app.get<{ Params: Params }>('/dashboard/schools/:schoolId/issues', guarded, (request, reply) =>
    schoolPage(request, reply, 'issues', 'Issues', async (school) => {
      const filter = parseIssueFilter(request.query as Record<string, unknown>);
      const { issues, total } = await data.issues(school.id, filter);
      return issuesBody({ schoolId: school.id, filter, issues, total, timeZone: school.time_zone });
    }),
  );

  app.get<{ Params: Params }>('/dashboard/schools/:schoolId/courses', guarded, (request, reply) =>
    schoolPage(request, reply, 'courses', 'Course lookup', async (school) => {
      const query = courseQuery(request.query as Record<string, unknown>);
      const matches = query ? await data.searchCourses(school.id, query) : undefined;
      return courseSearchBody({ schoolId: school.id, query, matches });
    }),
  );

  app.get<{ Params: Params & { courseKey: string } }>(
    '/dashboard/schools/:schoolId/courses/:courseKey',
    guarded,
    (request, reply) =>
      schoolPage(request, reply, 'courses', 'Course', async (school) => {
        const course = await data.course(school.id, request.params.courseKey);
        return course && courseDetailsBody(school.id, course, school.time_zone);
      }),
  );

  app.get<{ Params: Params }>('/dashboard/schools/:schoolId/students', guarded, (request, reply) =>
    schoolPage(request, reply, 'students', 'Student lookup', async (school) => {
      const query = courseQuery(request.query as Record<string, unknown>);
      const matches = query ? await data.searchUsers(school.id, query) : undefined;
      return studentSearchBody({ schoolId: school.id, query, matches });
    }),
  );

  app.get<{ Params: Params & { userKey: string } }>(
    '/dashboard/schools/:schoolId/students/:userKey',
    guarded,
    (request, reply) =>
      schoolPage(request, reply, 'students', 'Student', async (school) => {
        const user = await data.user(school, request.params.userKey);
        return user && studentDetailsBody(school.id, user);
      }),
  );
}
