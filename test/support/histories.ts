import assert from 'node:assert/strict';
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { Dataset } from '../../src/simulator/dataset';

type History = temporal.api.history.v1.IHistory;

export async function workflowHistories(client: Client, workflowIds: string[]): Promise<History[]> {
  return Promise.all(workflowIds.map((id) => client.workflow.getHandle(id).fetchHistory()));
}

interface Payload {
  data?: Uint8Array | null;
  metadata: Record<string, Uint8Array>;
}

const utf8 = new TextDecoder();

/**
 * A temporal.api.common.v1.Payload as fetched: `data` and every `metadata` value are bytes, so
 * `JSON.stringify` of a history shows them as base64 that no search for a name can match. An empty
 * `data` (as in `binary/null`) is absent from a decoded message.
 */
function isPayload(value: object): value is Payload {
  const { data, metadata } = value as { data?: unknown; metadata?: { encoding?: unknown } | null };
  return (data == null || data instanceof Uint8Array) && metadata?.encoding instanceof Uint8Array;
}

/** JSON payloads parsed, `binary/null` as null, any other encoding as its bytes read as UTF-8. */
function decodePayload(payload: Payload): unknown {
  const encoding = utf8.decode(payload.metadata.encoding);
  if (encoding === 'binary/null') return null;
  const text = utf8.decode(payload.data ?? new Uint8Array());
  if (!encoding.startsWith('json/')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const isLong = (value: object) => typeof (value as { toNumber?: unknown }).toNumber === 'function';

/** A plain copy: payloads replaced by their decoded values, other bytes as UTF-8, Longs as strings. */
function decoded(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (isPayload(value)) return decodePayload(value);
  if (value instanceof Uint8Array) return utf8.decode(value);
  if (isLong(value)) return String(value);
  if (Array.isArray(value)) return value.map(decoded);
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, decoded(field)]));
}

/**
 * The histories as JSON text with every payload (inputs, results, heartbeat and failure details,
 * memos, headers) decoded, so a search for a name or an email can find one. The rest is kept as
 * fetched: event types, workflow and activity type names, ids, failure messages.
 */
export function historyText(histories: History[]): string {
  return JSON.stringify(histories.map(decoded));
}

export async function decodedHistoryText(client: Client, workflowIds: string[]): Promise<string> {
  return historyText(await workflowHistories(client, workflowIds));
}

/**
 * Fields the SDK and server fill from the machine, never from data: `identity` (pid@hostname),
 * sticky task queue names (hostname-based) and stack traces (file paths). A hostname or home
 * directory can be a word such as "lee"; the failure's `message` is searched all the same.
 */
const MACHINE_FIELDS = new Set(['identity', 'stackTrace', 'taskQueue']);

/**
 * Every string in the histories, payloads decoded. Numbers count only inside payloads: outside
 * them they are event ids, timestamps and sizes (`historySizeBytes`) that can equal a student id.
 */
export function historyStrings(histories: History[]): string[] {
  const out: string[] = [];
  const walk = (value: unknown, inPayload: boolean): void => {
    if (typeof value === 'string') out.push(value);
    else if (typeof value === 'number' || typeof value === 'bigint') {
      if (inPayload) out.push(String(value));
    } else if (Array.isArray(value)) value.forEach((item) => walk(item, inPayload));
    else if (value instanceof Uint8Array) out.push(utf8.decode(value));
    else if (value !== null && typeof value === 'object') {
      if (isPayload(value)) return walk(decodePayload(value), true);
      if (isLong(value)) return;
      for (const [key, field] of Object.entries(value)) {
        if (inPayload) out.push(key);
        else if (MACHINE_FIELDS.has(key)) continue;
        walk(field, inPayload);
      }
    }
  };
  walk(histories, false);
  return out;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** `word` as a whole token: not part of a longer word or number ("100001" is not in "1100001"). */
const token = (word: string) =>
  new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(word)}(?![\\p{L}\\p{N}])`, 'iu');

/**
 * Fails if the decoded histories of these workflows hold any person's email, "First Last" name or
 * last name (students, hidden students, users, instructors), or any student's SIS id or number.
 */
export async function assertNoPersonalData(
  client: Client,
  workflowIds: string[],
  dataset: Dataset,
): Promise<void> {
  assert.ok(workflowIds.length > 0, 'no workflow ids to check');
  assertNoPersonalDataIn(await workflowHistories(client, workflowIds), dataset);
}

/** `assertNoPersonalData` on histories already fetched. */
export function assertNoPersonalDataIn(histories: History[], dataset: Dataset): void {
  const text = historyStrings(histories).join('\n');
  const lower = text.toLowerCase();
  const found = (what: string, value: string) =>
    `the ${what} ${JSON.stringify(value)} is in a workflow history`;
  const students = [...dataset.students, ...dataset.hiddenStudents];
  for (const person of [...students, ...dataset.users, ...dataset.hiddenUsers, ...dataset.instructors]) {
    if (person.email) assert.ok(!lower.includes(person.email.toLowerCase()), found('email', person.email));
    const name = `${person.firstName} ${person.lastName}`;
    assert.ok(!lower.includes(name.toLowerCase()), found('name', name));
    assert.doesNotMatch(text, token(person.lastName), found('last name', person.lastName));
  }
  for (const student of students) {
    assert.doesNotMatch(text, token(student.studentId), found('student id', student.studentId));
    assert.doesNotMatch(text, token(student.studentNumber), found('student number', student.studentNumber));
  }
}
