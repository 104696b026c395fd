import { readFileSync } from 'node:fs';
import { schoolConfigSchema, type SchoolConfig } from './school-config';

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
  const lines = result.error.issues.map((issue) => {
    const field = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
    return `  - field "${field}": ${missing ? 'is required; add it' : issue.message}`;
  });
  throw new ConfigError(`${source}: invalid School Configuration\n${lines.join('\n')}`);
}
