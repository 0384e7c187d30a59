/**
 * Converts DynamoDB Streams records as the SDK returns them into the JSON shape a Lambda receives
 * in a `DynamoDBStreamEvent` (binary as base64 strings, creation time in epoch seconds).
 *
 * @example
 * ```ts
 * import { toLambdaStreamRecord } from './stream-record.ts';
 * const lambdaRecord = toLambdaStreamRecord(sdkRecord, streamArn, 'us-east-1');
 * lambdaRecord.dynamodb?.SequenceNumber;
 * ```
 */
import type { AttributeValue, _Record as SdkRecord } from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue as LambdaAttributeValue, DynamoDBRecord } from 'aws-lambda';

type LambdaImage = Record<string, LambdaAttributeValue>;

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** One attribute value, recursively, with binaries base64-encoded. */
function toLambdaAttribute(v: AttributeValue): LambdaAttributeValue {
  if (v.B !== undefined) return { B: b64(v.B) };
  if (v.BS !== undefined) return { BS: v.BS.map(b64) };
  if (v.M !== undefined) return { M: toLambdaImage(v.M) };
  if (v.L !== undefined) return { L: v.L.map(toLambdaAttribute) };
  if (v.S !== undefined) return { S: v.S };
  if (v.N !== undefined) return { N: v.N };
  if (v.BOOL !== undefined) return { BOOL: v.BOOL };
  if (v.NULL !== undefined) return { NULL: v.NULL };
  if (v.SS !== undefined) return { SS: v.SS };
  if (v.NS !== undefined) return { NS: v.NS };
  // An unknown member type (a newer SDK): pass it through untouched.
  return v as unknown as LambdaAttributeValue;
}

function toLambdaImage(image: Record<string, AttributeValue>): LambdaImage {
  const out: LambdaImage = {};
  for (const [k, v] of Object.entries(image)) out[k] = toLambdaAttribute(v);
  return out;
}

/** The record as Lambda's event source mapping delivers it. */
export function toLambdaStreamRecord(r: SdkRecord, streamArn: string, region: string): DynamoDBRecord {
  const d = r.dynamodb ?? {};
  const created = d.ApproximateCreationDateTime;
  return {
    eventID: r.eventID ?? '',
    ...(r.eventName === undefined ? {} : { eventName: r.eventName }),
    eventVersion: r.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    eventSourceARN: streamArn,
    ...(r.userIdentity === undefined ? {} : { userIdentity: r.userIdentity }),
    dynamodb: {
      ...(created === undefined ? {} : { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) }),
      ...(d.Keys === undefined ? {} : { Keys: toLambdaImage(d.Keys) }),
      ...(d.NewImage === undefined ? {} : { NewImage: toLambdaImage(d.NewImage) }),
      ...(d.OldImage === undefined ? {} : { OldImage: toLambdaImage(d.OldImage) }),
      ...(d.SequenceNumber === undefined ? {} : { SequenceNumber: d.SequenceNumber }),
      ...(d.SizeBytes === undefined ? {} : { SizeBytes: d.SizeBytes }),
      ...(d.StreamViewType === undefined ? {} : { StreamViewType: d.StreamViewType }),
    },
  };
}
