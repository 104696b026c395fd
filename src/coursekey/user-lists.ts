/** The SIS listings of people a roster sync reads, in the order a run fetches them. */
export const userLists = ['users', 'students', 'instructors'] as const;
export type UserList = (typeof userLists)[number];
