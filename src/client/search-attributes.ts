/**
 * Registers the project's search attributes (`schoolId`, Keyword) in the namespace: idempotent, so
 * `enable`, the dry run and `npm run cli -- search-attributes` call it on every use. The dev server
 * of `npm start` and the tests starts with them already (src/infra/temporal-dev-server.ts).
 */
import type { Client } from '@temporalio/client';
import { temporalNamespace } from '../temporal/connection';
import { SCHOOL_ID } from '../workflows/search-attributes';

/** temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD */
const KEYWORD = 2;

/** Returns the names it added (none when all were registered already). */
export async function ensureSearchAttributes(client: Client): Promise<string[]> {
  const namespace = temporalNamespace();
  const operator = client.connection.operatorService;
  try {
    const { customAttributes } = await operator.listSearchAttributes({ namespace });
    if (customAttributes?.[SCHOOL_ID.name] !== undefined) return [];
    await operator.addSearchAttributes({ namespace, searchAttributes: { [SCHOOL_ID.name]: KEYWORD } });
  } catch (err) {
    throw new Error(
      `Cannot register the search attribute ${SCHOOL_ID.name} (Keyword) in namespace ${namespace}: ${(err as Error).message}. ` +
        `Register it once with an account allowed to: \`temporal operator search-attribute create --namespace ${namespace} --name ${SCHOOL_ID.name} --type Keyword\` ` +
        `(Temporal Cloud: \`tcld namespace search-attributes add --namespace <ns> --search-attribute "${SCHOOL_ID.name}=Keyword"\`).`,
      { cause: err },
    );
  }
  return [SCHOOL_ID.name];
}
