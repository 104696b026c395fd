/**
 * The dashboard's data for the school's own systems: `/api/v1/schools/:schoolId/insights`, `/runs`,
 * `/issues`, `/courses?q=` and `/courses/:courseKey`, authorised by the school's CourseKey API key
 * (401 without a valid key, 403 for another school's data).
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { schoolData } from '../read-model/school-data';
import { apiKeyAuth, requireSchool } from './api-key-auth';
import { registerInsightsJson } from './insights-json';

export interface InsightsApiOptions {
  db: Kysely<Database>;
  /** For the schedule's state (next run, paused). */
  temporal: Client;
  /** Base of the Temporal Web UI, for links to runs. */
  temporalUiUrl: string;
}

export async function insightsApiPlugin(app: FastifyInstance, options: InsightsApiOptions) {
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
