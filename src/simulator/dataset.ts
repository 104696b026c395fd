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

export const datasetSchema = z
  .object({
    campusId: z.string().min(1),
    terms: z.array(term),
    sessions: z.array(termSession),
    courses: z.array(course),
    sections: z.array(section),
    /** Weekly pattern entries by scheduledCourseId. */
    schedules: z.record(z.string(), z.array(scheduleEntry)),
    users: z.array(user),
    instructors: z.array(instructor),
    students: z.array(student),
    /** Enrollments by scheduledCourseId. */
    enrollments: z.record(z.string(), z.array(enrollment)),
    /** Served by GetUser but left out of GetUsers, to exercise fetching of missing references. */
    hiddenUsers: z.array(user).default([]),
    /** Served by GetStudentByID but left out of GetStudents. */
    hiddenStudents: z.array(student).default([]),
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
