/** Shared state of one dataset generation: the seeded PRNG, the anchor date and the id sequences. */
import { createRandom, type Random } from './random';

export interface GenerateContext {
  random: Random;
  /** The date the data is "current" at (YYYY-MM-DD). */
  anchor: string;
  /** Next id of a kind; kinds start in distinct ranges so an id used in the wrong place is noticed. */
  nextId(kind: IdKind): string;
  /** A modifiedAt timestamp some time in the 120 days before the anchor. */
  pastTimestamp(): string;
}

const ID_STARTS = {
  term: 100,
  session: 200,
  course: 2001,
  section: 30001,
  scheduleEntry: 400001,
  user: 5001,
  instructor: 7001,
  student: 100001,
  enrollment: 900001,
} as const;
export type IdKind = keyof typeof ID_STARTS;

export function createContext(seed: number, anchor: string): GenerateContext {
  const random = createRandom(seed);
  const next: Record<IdKind, number> = { ...ID_STARTS };
  const anchorMs = Date.parse(`${anchor}T00:00:00Z`);
  return {
    random,
    anchor,
    nextId: (kind) => String(next[kind]++),
    pastTimestamp: () => new Date(anchorMs - random.int(60, 120 * 86_400) * 1000).toISOString(),
  };
}

/** Split `count` items into exact proportions of `weights`, in a random order (rounding goes to the last). */
export function allocate<T>(
  random: Random,
  count: number,
  weights: ReadonlyArray<readonly [T, number]>,
): T[] {
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  const out: T[] = [];
  weights.forEach(([value, weight], index) => {
    const n = index === weights.length - 1 ? count - out.length : Math.round((count * weight) / total);
    for (let i = 0; i < n && out.length < count; i++) out.push(value);
  });
  return random.shuffle(out);
}
