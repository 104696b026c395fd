/** The simulator's dataset: everything the simulated SIS serves, as one JSON-serialisable object. */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  course,
  enrollment,
  instructor,
  scheduleEntry,
  section,
  student,
  term,
  termSession,
  user,
} from '../campus-cloud/schemas';

/** The campus a person belongs to; left out, the dataset's `campusId`. Not served (the contract has none). */
const campus = {
  campusId: z
    .union([z.string().min(1), z.number().int()])
    .transform(String)
    .optional(),
};
const campusUser = user.extend(campus);
const campusInstructor = instructor.extend(campus);
const campusStudent = student.extend(campus);

export const datasetSchema = z
  .object({
    /** The main campus: people without a campusId of their own belong to it. */
    campusId: z.string().min(1),
    /** More campuses served by the same SIS; they share its terms. */
    otherCampusIds: z.array(z.string().min(1)).default([]),
    terms: z.array(term),
    sessions: z.array(termSession),
    courses: z.array(course),
    sections: z.array(section),
    /** Weekly pattern entries by scheduledCourseId. */
    schedules: z.record(z.string(), z.array(scheduleEntry)),
    users: z.array(campusUser),
    instructors: z.array(campusInstructor),
    students: z.array(campusStudent),
    /** Enrollments by scheduledCourseId. */
    enrollments: z.record(z.string(), z.array(enrollment)),
    /** Served by GetUser but left out of GetUsers, to exercise fetching of missing references. */
    hiddenUsers: z.array(campusUser).default([]),
    /** Served by GetStudentByID but left out of GetStudents. */
    hiddenStudents: z.array(campusStudent).default([]),
  })
  .superRefine((dataset, ctx) => {
    // Duplicate ids would make lookups ambiguous; keys that match no section would be unreachable data.
    const unique = <T>(field: string, lists: Array<[string, T[]]>, idOf: (item: T) => string) => {
      const seen = new Set<string>();
      for (const [list, items] of lists) {
        items.forEach((item, index) => {
          const id = idOf(item);
          if (seen.has(id)) {
            ctx.addIssue({
              code: 'custom',
              path: [list, index, field],
              message: `duplicate ${field} "${id}"`,
            });
          }
          seen.add(id);
        });
      }
    };
    unique('termId', [['terms', dataset.terms]], (t) => t.termId);
    unique('sessionId', [['sessions', dataset.sessions]], (s) => s.sessionId);
    unique('courseId', [['courses', dataset.courses]], (c) => c.courseId);
    unique('scheduledCourseId', [['sections', dataset.sections]], (s) => s.scheduledCourseId);
    unique('instructorId', [['instructors', dataset.instructors]], (i) => i.instructorId);
    unique(
      'userId',
      [
        ['users', dataset.users],
        ['hiddenUsers', dataset.hiddenUsers],
      ],
      (u) => u.userId,
    );
    unique(
      'studentId',
      [
        ['students', dataset.students],
        ['hiddenStudents', dataset.hiddenStudents],
      ],
      (s) => s.studentId,
    );
    const campuses = new Set<string>([dataset.campusId]);
    dataset.otherCampusIds.forEach((campusId, index) => {
      if (campuses.has(campusId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['otherCampusIds', index],
          message: `duplicate campus "${campusId}"`,
        });
      }
      campuses.add(campusId);
    });
    const knownCampus = (list: string, records: Array<{ campusId?: string }>) =>
      records.forEach((record, index) => {
        if (record.campusId !== undefined && !campuses.has(record.campusId)) {
          ctx.addIssue({
            code: 'custom',
            path: [list, index, 'campusId'],
            message: `campus "${record.campusId}" is neither campusId nor in otherCampusIds; add it to otherCampusIds or fix the campusId`,
          });
        }
      });
    knownCampus('sections', dataset.sections);
    knownCampus('users', dataset.users);
    knownCampus('instructors', dataset.instructors);
    knownCampus('students', dataset.students);
    knownCampus('hiddenUsers', dataset.hiddenUsers);
    knownCampus('hiddenStudents', dataset.hiddenStudents);

    const sectionIds = new Set(dataset.sections.map((s) => s.scheduledCourseId));
    for (const list of ['schedules', 'enrollments'] as const) {
      for (const key of Object.keys(dataset[list])) {
        if (!sectionIds.has(key)) {
          ctx.addIssue({
            code: 'custom',
            path: [list, key],
            message: `key "${key}" is not the scheduledCourseId of any section; add the section or remove the key`,
          });
        }
      }
    }
  });

export type Dataset = z.infer<typeof datasetSchema>;
export type DatasetUser = z.infer<typeof campusUser>;
export type DatasetInstructor = z.infer<typeof campusInstructor>;
export type DatasetStudent = z.infer<typeof campusStudent>;

/** JSON path of a zod issue, e.g. `$.sections[3].startDate` or `$.schedules["30001"]`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    const name = String(key);
    return /^[A-Za-z_$][\w$]*$/.test(name) ? `${out}.${name}` : `${out}[${JSON.stringify(name)}]`;
  }, '$');
}

/** One line per problem: where it is, what was found and what is expected. */
export function describeIssues(error: z.ZodError, input: unknown): string {
  return error.issues
    .slice(0, 20)
    .map((issue) => {
      const found = valueAt(input, issue.path);
      const shown = found === undefined ? 'missing' : JSON.stringify(found)?.slice(0, 60);
      return `  ${jsonPath(issue.path)}: ${issue.message} (found ${shown})`;
    })
    .join('\n');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

export async function loadDatasetFile(path: string): Promise<Dataset> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read dataset file ${path}: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`Dataset file ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const result = datasetSchema.safeParse(json);
  if (!result.success) {
    const count = result.error.issues.length;
    throw new Error(
      `Dataset file ${path} has ${count} invalid field${count === 1 ? '' : 's'}:\n` +
        `${describeIssues(result.error, json)}\n` +
        'Fix each field named above (see docs/simulator.md for the dataset format).',
    );
  }
  return result.data;
}
