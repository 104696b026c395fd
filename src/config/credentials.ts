/**
 * The SIS service account a School Configuration refers to, read where the command or worker runs:
 * from its environment or from the secrets file. Errors name the file, the field and the fix, and
 * never echo what the secrets file holds.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './load-school-config';
import type { SchoolConfig } from './school-config';

export interface SisCredentials {
  username: string;
  password: string;
}

const secretsFileSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

function readSecretsFile(file: string): { credentials?: SisCredentials; problem?: string } {
  const resolved = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(resolved, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    return {
      problem: `${resolved} ${missing ? 'does not exist' : 'cannot be read'}. Fix: create it with {"username": "...", "password": "..."} (the SIS service account), or correct the path`,
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined; // JSON.parse's message quotes the file's content: never repeat it.
  }
  const result = secretsFileSchema.safeParse(parsed);
  if (!result.success) {
    return {
      problem: `${resolved} is not JSON of the form {"username": "...", "password": "..."}. Fix: write the SIS service account in that form`,
    };
  }
  return { credentials: result.data };
}

/** `source` names where the configuration came from: its file, or the school it is stored for. */
export function resolveCredentials(config: SchoolConfig, source: string): SisCredentials {
  const ref = config.sis.credentials;
  const problems: string[] = [];
  let credentials: SisCredentials | undefined;
  if ('secretsFile' in ref) {
    const read = readSecretsFile(ref.secretsFile);
    if (read.problem) problems.push(`  - field "sis.credentials.secretsFile": ${read.problem}`);
    credentials = read.credentials;
  } else {
    const username = process.env[ref.usernameEnv];
    const password = process.env[ref.passwordEnv];
    for (const [field, variable, value, what] of [
      ['usernameEnv', ref.usernameEnv, username, 'username'],
      ['passwordEnv', ref.passwordEnv, password, 'password'],
    ] as const) {
      if (!value) {
        problems.push(
          `  - field "sis.credentials.${field}": the environment variable ${variable} is not set. Fix: set it to the SIS service account's ${what} where this runs (and for the worker), or name another variable`,
        );
      }
    }
    if (username && password) credentials = { username, password };
  }
  if (!credentials) {
    throw new ConfigError(
      `${source}: the SIS credentials of school ${config.schoolId} are not available\n${problems.join('\n')}`,
    );
  }
  return credentials;
}
