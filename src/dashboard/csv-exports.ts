/**
 * The CSV downloads of a school's lists, behind the same guards as its pages (an admin of school A
 * is refused school B's): the issues (with the page's filter), the users without email, and the
 * posting history.
 */
import type { FastifyInstance } from 'fastify';
import { EXPORT_ROWS, parseIssueFilter, type SchoolData } from '../read-model/school-data';
import { sendCsv, toCsv } from './csv';
import { postingCsvHeader, postingCsvRow } from './posting-page';
import { refuse, requireSchoolAccess, requireSignIn } from './request-guards';

type Params = { schoolId: string };

export function registerCsvExports(app: FastifyInstance, data: SchoolData) {
  const guarded = { preHandler: [requireSignIn, requireSchoolAccess] };
  const csvRoute = (
    list: string,
    build: (schoolId: string, query: Record<string, unknown>) => Promise<string>,
  ) =>
    app.get<{ Params: Params }>(
      `/dashboard/schools/:schoolId/${list}.csv`,
      guarded,
      async (request, reply) => {
        const school = await data.school(request.params.schoolId);
        if (!school) return refuse(reply, 404, 'Not found', 'There is nothing at this address.', false);
        return sendCsv(
          reply,
          school.id,
          list,
          await build(school.id, request.query as Record<string, unknown>),
        );
      },
    );

  csvRoute('issues', async (schoolId, query) => {
    const { issues } = await data.issues(schoolId, parseIssueFilter(query), EXPORT_ROWS);
    return toCsv(
      [
        'severity',
        'record_type',
        'sis_key',
        'section_code',
        'course_title',
        'rule',
        'message',
        'first_seen_at',
        'last_seen_at',
        'resolved_at',
      ],
      issues.map((i) => [
        i.severity,
        i.recordType,
        i.sisKey,
        i.course?.sectionCode,
        i.course?.title,
        i.rule,
        i.message,
        i.firstSeenAt,
        i.lastSeenAt,
        i.resolvedAt,
      ]),
    );
  });

  csvRoute('users-without-email', async (schoolId) =>
    toCsv(
      [
        'sis_key',
        'kind',
        'sis_id',
        'student_number',
        'first_name',
        'last_name',
        'roles',
        'sis_status',
        'active_courses',
      ],
      (await data.usersWithoutEmail(schoolId)).map((u) => [
        u.sisKey,
        u.kind,
        u.sisId,
        u.studentNumber,
        u.firstName,
        u.lastName,
        u.roles.join('; '),
        u.sisStatus,
        u.activeCourses,
      ]),
    ),
  );

  csvRoute('posting', async (schoolId) =>
    toCsv(postingCsvHeader, (await data.postingHistory(schoolId, EXPORT_ROWS)).map(postingCsvRow)),
  );
}
