import { readFileSync } from 'node:fs';
import { schoolConfigSchema, type SchoolConfig } from './school-config';
import { unknownKeyFix } from './unknown-keys';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates a School Configuration file; every problem names the file, the field and the fix. */
export function loadSchoolConfig(file: string): SchoolConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError(
      `${file}: cannot read the School Configuration (${reason}). Fix: give the path of a JSON file.`,
    );
  }
  return parseSchoolConfig(raw, file);
}

export function parseSchoolConfig(raw: unknown, source: string): SchoolConfig {
  const result = schoolConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const fieldName = (path: readonly PropertyKey[]) =>
    path.length ? path.map(String).join('.') : '(top level)';
  const lines = result.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map(
        (key) =>
          `  - field "${fieldName([...issue.path, key])}": ${unknownKeyFix(schoolConfigSchema, issue.path, key)}`,
      );
    }
    const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
    return [`  - field "${fieldName(issue.path)}": ${missing ? 'is required; add it' : issue.message}`];
  });
  throw new ConfigError(`${source}: invalid School Configuration\n${lines.join('\n')}`);
}
