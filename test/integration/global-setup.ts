/**
 * Vitest global setup of the integration layer: provides `dynamodbEndpoint` (and `sqsEndpoint`
 * when one is given) to every test file. With an endpoint in the environment (LocalStack, AWS, a
 * running local cloud — see `test/support/mesh-test-options.ts` for the variables) it uses that;
 * otherwise it starts DynamoDB Local for the run and stops it in teardown, and the tests' meshes
 * start the in-process SQS server. An empty string means "real AWS" (the SDK default endpoint).
 *
 * @example
 * ```ts
 * import { inject } from 'vitest';
 * const endpoint = inject('dynamodbEndpoint'); // 'http://127.0.0.1:43117'
 * ```
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { testEndpoints } from '../support/mesh-test-options.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DynamoDB endpoint for integration tests; '' = the SDK's default (real AWS). */
    dynamodbEndpoint: string;
    /** SQS endpoint given in the environment ('' = real AWS); not provided = in-process SQS. */
    sqsEndpoint?: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = testEndpoints();
  if (given.sqs !== undefined) project.provide('sqsEndpoint', given.sqs);
  if (given.dynamodb !== undefined) {
    project.provide('dynamodbEndpoint', given.dynamodb);
    return async () => {};
  }
  const ddb = await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', ddb.endpoint);
  return () => ddb.stop();
}
