/**
 * The three DynamoDB Streams calls the stream poller needs, behind a small interface so tests can
 * drive it with a scripted stream (shard splits, expired iterators) and no Java.
 *
 * @example
 * ```ts
 * import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
 * import { sdkStreamsApi } from './streams-api.ts';
 * const api = sdkStreamsApi(new DynamoDBStreamsClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:8000' }));
 * await api.describeStream({ StreamArn: arn });
 * ```
 */
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DescribeStreamInput,
  type DescribeStreamOutput,
  type DynamoDBStreamsClient,
  type GetRecordsInput,
  type GetRecordsOutput,
  type GetShardIteratorInput,
  type GetShardIteratorOutput,
} from '@aws-sdk/client-dynamodb-streams';

export interface StreamsApi {
  describeStream(input: DescribeStreamInput): Promise<DescribeStreamOutput>;
  getShardIterator(input: GetShardIteratorInput): Promise<GetShardIteratorOutput>;
  getRecords(input: GetRecordsInput): Promise<GetRecordsOutput>;
}

/** The real thing, over an SDK client. */
export function sdkStreamsApi(client: DynamoDBStreamsClient): StreamsApi {
  return {
    describeStream: (input) => client.send(new DescribeStreamCommand(input)),
    getShardIterator: (input) => client.send(new GetShardIteratorCommand(input)),
    getRecords: (input) => client.send(new GetRecordsCommand(input)),
  };
}
