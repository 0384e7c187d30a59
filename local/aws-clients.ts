/**
 * SDK clients of the local cloud: one per region and service. A local endpoint (DynamoDB Local,
 * `local-aws-sqs`, LocalStack) gets fake static credentials: nothing local checks them, and no real
 * AWS credentials are read for it. An empty endpoint means real AWS: the SDK's default endpoint of
 * that region and the default credential provider chain (env, profile, SSO, instance role).
 *
 * @example
 * ```ts
 * import { localClients } from './aws-clients.ts';
 * const { dynamodb, sqs, streams } = localClients('eu-west-1', { dynamodb: 'http://127.0.0.1:8000', sqs: 'http://127.0.0.1:9324' });
 * const aws = localClients('eu-west-1', { dynamodb: '', sqs: '' }); // real AWS, eu-west-1
 * // A DynamoDB Local in memory loses everything on a crash anyway: no commit barrier.
 * const mem = localClients('eu-west-1', endpoints, { awaitTransactionCommits: false });
 * ```
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awaitTransactionCommits } from './durable-dynamodb.ts';

/** Static credentials for local endpoints. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface LocalEndpoints {
  /** DynamoDB (and Streams) endpoint; '' = real AWS. */
  readonly dynamodb: string;
  /** SQS endpoint; '' = real AWS. */
  readonly sqs: string;
}

export interface RegionClients {
  readonly dynamodb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly sqs: SQSClient;
  destroy(): void;
}

/** Client options for one endpoint: explicit endpoint + fake credentials, or the SDK's defaults for ''. */
function target(endpoint: string): { endpoint: string; credentials: typeof LOCAL_CREDENTIALS } | Record<string, never> {
  return endpoint === '' ? {} : { endpoint, credentials: LOCAL_CREDENTIALS };
}

export interface LocalClientOptions {
  /**
   * Answer a transaction only once its COMMIT has run (`durable-dynamodb.ts`): one more local
   * round trip per transaction, which only a DynamoDB Local that keeps its data on disk needs.
   * @default true for an explicit endpoint, false for real AWS ('')
   */
  readonly awaitTransactionCommits?: boolean;
}

/** The clients of one region; `destroy()` closes their sockets. */
export function localClients(region: string, endpoints: LocalEndpoints, options: LocalClientOptions = {}): RegionClients {
  const common = { region, maxAttempts: 3 } as const;
  const dynamodb = new DynamoDBClient({ ...common, ...target(endpoints.dynamodb) });
  // DynamoDB Local answers a transaction before its COMMIT has run: wait for it (durable-dynamodb.ts).
  if (options.awaitTransactionCommits ?? endpoints.dynamodb !== '') awaitTransactionCommits(dynamodb);
  const streams = new DynamoDBStreamsClient({ ...common, ...target(endpoints.dynamodb) });
  const sqs = new SQSClient({ ...common, ...target(endpoints.sqs) });
  return {
    dynamodb,
    streams,
    sqs,
    destroy() {
      dynamodb.destroy();
      streams.destroy();
      sqs.destroy();
    },
  };
}
