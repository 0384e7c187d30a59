/**
 * SDK clients of the local cloud: one per region and service, pointed at the local endpoints with
 * fake static credentials (nothing local checks them, and no real AWS credentials are ever read).
 *
 * @example
 * ```ts
 * import { localClients } from './aws-clients.ts';
 * const { dynamodb, sqs, streams } = localClients('eu-west-1', { dynamodb: 'http://127.0.0.1:8000', sqs: 'http://127.0.0.1:9324' });
 * ```
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SQSClient } from '@aws-sdk/client-sqs';

/** Static credentials for local endpoints. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export interface LocalEndpoints {
  readonly dynamodb: string;
  readonly sqs: string;
}

export interface RegionClients {
  readonly dynamodb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly sqs: SQSClient;
  destroy(): void;
}

/** The clients of one region; `destroy()` closes their sockets. */
export function localClients(region: string, endpoints: LocalEndpoints): RegionClients {
  const common = { region, credentials: LOCAL_CREDENTIALS, maxAttempts: 3 } as const;
  const dynamodb = new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb });
  const streams = new DynamoDBStreamsClient({ ...common, endpoint: endpoints.dynamodb });
  const sqs = new SQSClient({ ...common, endpoint: endpoints.sqs });
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
