/** Generated people: staff and instructor users, instructors and students. */
import type { Instructor, Student, User } from '../campus-cloud/schemas';
import { allocate, type GenerateContext } from './generate-context';
import { FIRST_NAMES, LAST_NAMES } from './names';

interface Person {
  firstName: string;
  lastName: string;
}

function person(ctx: GenerateContext): Person {
  return { firstName: ctx.random.pick(FIRST_NAMES), lastName: ctx.random.pick(LAST_NAMES) };
}

/** Ids make the address unique even when two people share a name. */
function emailOf({ firstName, lastName }: Person, id: string, domain: string): string {
  return `${firstName}.${lastName}.${id}@${domain}`.toLowerCase();
}

export function generateStaff(ctx: GenerateContext, count: number): User[] {
  return Array.from({ length: count }, () => {
    const userId = ctx.nextId('user');
    const who = person(ctx);
    return {
      userId,
      ...who,
      email: emailOf(who, userId, 'staff.example.edu'),
      roles: ['Staff'],
      active: ctx.random.chance(0.95),
      modifiedAt: ctx.pastTimestamp(),
    };
  });
}

export interface GeneratedInstructors {
  instructors: Instructor[];
  /** One user per instructor, role Instructor. */
  users: User[];
}

export function generateInstructors(ctx: GenerateContext, count: number): GeneratedInstructors {
  const users: User[] = [];
  const instructors = Array.from({ length: count }, (): Instructor => {
    const userId = ctx.nextId('user');
    const who = person(ctx);
    const email = emailOf(who, userId, 'faculty.example.edu');
    const modifiedAt = ctx.pastTimestamp();
    users.push({ userId, ...who, email, roles: ['Instructor'], active: true, modifiedAt });
    return { instructorId: ctx.nextId('instructor'), userId, ...who, email, active: true, modifiedAt };
  });
  return { instructors, users };
}

export function generateStudents(ctx: GenerateContext, count: number, withoutEmail: number): Student[] {
  const hasEmail = allocate(ctx.random, count, [
    [false, withoutEmail],
    [true, count - withoutEmail],
  ]);
  return hasEmail.map((emailSet) => {
    const studentId = ctx.nextId('student');
    const who = person(ctx);
    return {
      studentId,
      studentNumber: `S${studentId.padStart(8, '0')}`,
      ...who,
      email: emailSet ? emailOf(who, studentId, 'students.example.edu') : undefined,
      status: ctx.random.chance(0.98) ? 'Active' : 'Leave of Absence',
      modifiedAt: ctx.pastTimestamp(),
    };
  });
}
