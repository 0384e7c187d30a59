/**
 * Builds the AWS SDK clients a region uses. Endpoints: the SDK itself honours
 * `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_DYNAMODB` and `AWS_ENDPOINT_URL_SQS` (LocalStack, the
 * local cloud); an explicit `endpoint` here overrides both services (tests, the local cloud
 * running several regions in one process).
 *
 * @example
 * ```ts
 * import { createClients } from './clients.ts';
 * const { dynamodb, sqs } = createClients({ region: 'us-east-1' });                       // AWS / env
 * const local = createClients({ region: 'us-east-1', endpoint: 'http://127.0.0.1:8000' }); // explicit
 * ```
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface ClientOptions {
  /** SDK region (in AWS the Lambda's AWS_REGION). */
  readonly region: string;
  /** Overrides the endpoint of every client. */
  readonly endpoint?: string;
  /** Overrides the DynamoDB endpoint only (wins over `endpoint`). */
  readonly dynamodbEndpoint?: string;
  /** Overrides the SQS endpoint only (wins over `endpoint`). */
  readonly sqsEndpoint?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface RegionClients {
  readonly dynamodb: DynamoDBClient;
  readonly sqs: SQSClient;
}

/**
 * Emulators accept any credentials; without this a machine with no AWS profile would fail to
 * sign requests to a local endpoint. Only used with an explicit endpoint and no key in the env.
 */
function localCredentials(env: Readonly<Record<string, string | undefined>>, endpoint: string | undefined) {
  if (endpoint === undefined || env['AWS_ACCESS_KEY_ID'] !== undefined) return {};
  return { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
}

export function createClients(options: ClientOptions): RegionClients {
  const env = options.env ?? process.env;
  const ddbEndpoint = options.dynamodbEndpoint ?? options.endpoint;
  const sqsEndpoint = options.sqsEndpoint ?? options.endpoint;
  return {
    dynamodb: new DynamoDBClient({
      region: options.region,
      ...(ddbEndpoint === undefined ? {} : { endpoint: ddbEndpoint }),
      ...localCredentials(env, ddbEndpoint),
    }),
    sqs: new SQSClient({
      region: options.region,
      ...(sqsEndpoint === undefined ? {} : { endpoint: sqsEndpoint }),
      ...localCredentials(env, sqsEndpoint),
    }),
  };
}
