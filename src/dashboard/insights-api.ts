/**
 * The dashboard's data for the school's own systems: `/api/v1/schools/:schoolId/insights`, `/runs`,
 * `/issues`, `/courses?q=` and `/courses/:courseKey`, authorised by the school's CourseKey API key
 * (401 without a valid key, 403 for another school's data).
 */
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { apiKeyAuth, requireSchool } from '../api/api-key-auth';
import { registerInsightsJson } from './insights-json';
import type { DashboardOptions } from './plugin';
import { schoolData } from './school-data';

export async function insightsApiPlugin(app: FastifyInstance, options: DashboardOptions) {
  const ownSchoolOnly: preHandlerAsyncHookHandler = async (request, reply) => {
    if (!requireSchool(request, reply, (request.params as { schoolId: string }).schoolId)) return reply;
  };
  registerInsightsJson(app, {
    data: schoolData(options.db, options.temporal),
    temporalUiUrl: options.temporalUiUrl,
    base: '/api/v1/schools/:schoolId',
    preHandler: [apiKeyAuth(options.db), ownSchoolOnly],
  });
}
