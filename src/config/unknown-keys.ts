/**
 * A key the School Configuration does not know is most often a misspelt one: name the key it is
 * closest to, or the keys that object takes.
 */
import { z } from 'zod';

/** The keys the object at `path` in `schema` takes (through optionals, defaults, arrays, records). */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current; depth++) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault
    ) {
      current = current.unwrap() as z.ZodType;
      depth--;
      continue;
    }
    if (depth === path.length) break;
    const segment = path[depth];
    if (current instanceof z.ZodObject) current = current.shape[String(segment)] as z.ZodType | undefined;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else if (current instanceof z.ZodRecord) current = current.valueType as z.ZodType;
    else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** What to do about `key` in the object at `path`: the likely intended key, else the keys allowed. */
export function unknownKeyFix(schema: z.ZodType, path: readonly PropertyKey[], key: string): string {
  const known = keysAt(schema, path);
  const closest = known
    .map((name) => ({ name, distance: editDistance(key.toLowerCase(), name.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance)[0];
  if (closest && closest.distance <= Math.max(2, Math.floor(closest.name.length / 4))) {
    return `unknown key; did you mean "${closest.name}"? Fix the spelling`;
  }
  return known.length
    ? `unknown key; remove it (this object takes ${known.map((name) => `"${name}"`).join(', ')})`
    : 'unknown key; remove it';
}
