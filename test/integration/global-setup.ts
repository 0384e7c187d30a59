/**
 * Vitest global setup of the integration layer: provides `dynamodbEndpoint` to every test file.
 * With `MESH_TEST_DYNAMODB_ENDPOINT` or `AWS_ENDPOINT_URL` set (LocalStack, a running local cloud,
 * or any DynamoDB-compatible endpoint) it uses that; otherwise it starts DynamoDB Local for the
 * run and stops it in teardown. An empty string means "real AWS" (the SDK default endpoint).
 *
 * @example
 * ```ts
 * import { inject } from 'vitest';
 * const endpoint = inject('dynamodbEndpoint'); // 'http://127.0.0.1:43117'
 * ```
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DynamoDB endpoint for integration tests; '' = the SDK's default (real AWS). */
    dynamodbEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env['MESH_TEST_DYNAMODB_ENDPOINT'] ?? process.env['AWS_ENDPOINT_URL_DYNAMODB'] ?? process.env['AWS_ENDPOINT_URL'];
  if (given !== undefined) {
    project.provide('dynamodbEndpoint', given);
    return async () => {};
  }
  const ddb = await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', ddb.endpoint);
  return () => ddb.stop();
}
