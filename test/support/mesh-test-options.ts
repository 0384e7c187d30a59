/**
 * Where the tests' meshes keep their tables and queues, read in one place. By default nothing is
 * external: DynamoDB Local (the integration global setup's, or the mesh's own) and the in-process
 * `local-aws-sqs`. An endpoint in the environment sends them to LocalStack or real AWS instead:
 *
 * - DynamoDB: `MESH_TEST_DYNAMODB_ENDPOINT`, else `AWS_ENDPOINT_URL_DYNAMODB`, else `AWS_ENDPOINT_URL`
 * - SQS: `MESH_TEST_SQS_ENDPOINT`, else `AWS_ENDPOINT_URL_SQS`, else `AWS_ENDPOINT_URL`
 *
 * An empty value means real AWS (the SDK's default endpoints and credential chain). Against an
 * external endpoint the mesh deletes what it created when it stops (`cleanup`).
 *
 * @example
 * ```ts
 * import { meshTestOptions } from '../support/mesh-test-options.ts';
 * const mesh = await startMesh({ ...meshTestOptions(), basePort: 0, meshName: `t${Date.now().toString(36)}` });
 * ```
 */
import { inject } from 'vitest';

export interface TestEndpoints {
  /** DynamoDB endpoint given in the environment ('' = real AWS); undefined = none given. */
  readonly dynamodb: string | undefined;
  /** SQS endpoint given in the environment ('' = real AWS); undefined = none given. */
  readonly sqs: string | undefined;
}

/** The endpoints the environment names (the same rules for the global setup and every test). */
export function testEndpoints(env: Readonly<Record<string, string | undefined>> = process.env): TestEndpoints {
  return {
    dynamodb: env['MESH_TEST_DYNAMODB_ENDPOINT'] ?? env['AWS_ENDPOINT_URL_DYNAMODB'] ?? env['AWS_ENDPOINT_URL'],
    sqs: env['MESH_TEST_SQS_ENDPOINT'] ?? env['AWS_ENDPOINT_URL_SQS'] ?? env['AWS_ENDPOINT_URL'],
  };
}

/** True when the tests run against an endpoint from the environment (LocalStack, AWS, …). */
export function externalEndpoints(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const e = testEndpoints(env);
  return e.dynamodb !== undefined || e.sqs !== undefined;
}

export interface MeshTestOptions {
  readonly dynamodbEndpoint?: string;
  readonly sqsEndpoint?: string;
  readonly cleanup: boolean;
}

/** A value the integration global setup provided, or undefined in a project without it. */
function provided(key: 'dynamodbEndpoint' | 'sqsEndpoint'): string | undefined {
  // inject() reads the worker's provided context: a key nobody provided is simply undefined.
  return inject(key) as string | undefined;
}

/**
 * The `startMesh` options of a test: the endpoints the integration global setup provides (its
 * shared DynamoDB Local by default), else the environment's (jepsen, e2e); absent ones are left
 * out, so the mesh starts DynamoDB Local or the SQS server itself.
 */
export function meshTestOptions(): MeshTestOptions {
  const env = testEndpoints();
  const dynamodbEndpoint = provided('dynamodbEndpoint') ?? env.dynamodb;
  const sqsEndpoint = provided('sqsEndpoint') ?? env.sqs;
  return {
    ...(dynamodbEndpoint === undefined ? {} : { dynamodbEndpoint }),
    ...(sqsEndpoint === undefined ? {} : { sqsEndpoint }),
    cleanup: externalEndpoints(),
  };
}
