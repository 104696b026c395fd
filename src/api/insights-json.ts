/**
 * The dashboard's data as JSON, for the school's own systems: overview (insights), runs, issues,
 * course search and one course. Mounted where the caller's guard decides who may read which school.
 */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { workflowUrl } from '../temporal/connection';
import { courseQuery, parseIssueFilter, type SchoolData } from '../read-model/school-data';

type Params = { schoolId: string };

export function registerInsightsJson(
  app: FastifyInstance,
  deps: {
    data: SchoolData;
    temporalUiUrl: string;
    /** A path with `:schoolId`, e.g. `/api/v1/schools/:schoolId`. */
    base: string;
    preHandler: preHandlerHookHandler[];
  },
) {
  const { data, base, preHandler } = deps;
  const withLinks = <T extends { workflowId: string }>(run: T) => ({
    ...run,
    workflowUrl: workflowUrl(run.workflowId, deps.temporalUiUrl),
  });
  const notFound = { error: 'No such school.' };

  app.get<{ Params: Params }>(`${base}/insights`, { preHandler }, async (request, reply) => {
    if (!(await data.school(request.params.schoolId))) return reply.code(404).send(notFound);
    const insights = await data.overview(request.params.schoolId);
    return { ...insights, runs: insights.runs.map(withLinks) };
  });

  app.get<{ Params: Params }>(`${base}/runs`, { preHandler }, async (request, reply) => {
    if (!(await data.school(request.params.schoolId))) return reply.code(404).send(notFound);
    const status = await data.runs(request.params.schoolId);
    return { runs: status.runs.map(withLinks) };
  });

  app.get<{ Params: Params }>(`${base}/issues`, { preHandler }, async (request) =>
    data.issues(request.params.schoolId, parseIssueFilter(request.query as Record<string, unknown>)),
  );

  app.get<{ Params: Params }>(`${base}/courses`, { preHandler }, async (request) => {
    const query = courseQuery(request.query as Record<string, unknown>);
    return { courses: query ? await data.searchCourses(request.params.schoolId, query) : [] };
  });

  app.get<{ Params: Params & { courseKey: string } }>(
    `${base}/courses/:courseKey`,
    { preHandler },
    async (request, reply) => {
      const course = await data.course(request.params.schoolId, request.params.courseKey);
      return course ?? reply.code(404).send({ error: 'No such course in CourseKey.' });
    },
  );
}
