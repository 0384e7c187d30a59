/**
 * Makes the local SQS server refuse message bodies that real SQS refuses: a body with a character
 * outside `#x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF` answers
 * `InvalidMessageContents`, as SQS does. `local-aws-sqs` accepts any string, so without this a
 * value that could never leave a region in AWS would replicate locally and no test would notice.
 *
 * - SendMessage: the request fails (400, `InvalidMessageContents`, SQS's message).
 * - SendMessageBatch: each refused entry is listed in `Failed` with that code (SenderFault) and
 *   the other entries are sent, as SQS reports per-entry errors of a batch.
 *
 * It wraps the emulator's request handler: it reads the request, checks the bodies, and hands the
 * (possibly trimmed) request on. Only the JSON protocol (`application/x-amz-json-1.0`, what every
 * AWS SDK v3 client speaks) is trimmed entry by entry; a query-protocol batch with a refused entry
 * fails as a whole with the same error.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createRequestHandler } from 'local-aws-sqs';
 * import { refuseInvalidMessageContents } from './sqs-message-contents.ts';
 * const { requestHandler } = createRequestHandler({ port: 0 });
 * createServer(refuseInvalidMessageContents(requestHandler)).listen(0);
 * ```
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { forbiddenCharacter, invalidContentsMessage } from '../shared/adapters/sqs-message-body.ts';

/** An HTTP request handler such as `local-aws-sqs`'s. */
export type SqsRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

const JSON_PROTOCOL = 'application/x-amz-json-1.0';
export const INVALID_MESSAGE_CONTENTS = 'InvalidMessageContents';

interface FailedEntry {
  readonly Id: string;
  readonly SenderFault: true;
  readonly Code: typeof INVALID_MESSAGE_CONTENTS;
  readonly Message: string;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The request again, with `body` as its content: what the wrapped handler reads instead of `req`. */
function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new PassThrough();
  Object.assign(copy, {
    headers: { ...req.headers, 'content-length': String(body.length) },
    rawHeaders: req.rawHeaders,
    method: req.method,
    url: req.url,
    httpVersion: req.httpVersion,
    socket: req.socket,
    connection: req.socket,
  });
  copy.end(body);
  return copy as unknown as IncomingMessage;
}

/** The refusal of a body, if SQS would refuse it. */
function refusal(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined; // the emulator answers a missing or odd body itself
  const cp = forbiddenCharacter(body);
  return cp === undefined ? undefined : invalidContentsMessage(cp);
}

function refuse(res: ServerResponse, json: boolean, message: string): void {
  const requestId = randomUUID();
  res.statusCode = 400;
  res.setHeader('x-amzn-requestid', requestId);
  if (json) {
    res.setHeader('content-type', JSON_PROTOCOL);
    res.setHeader('x-amzn-query-error', `${INVALID_MESSAGE_CONTENTS};Sender`);
    res.end(JSON.stringify({ __type: `com.amazonaws.sqs#${INVALID_MESSAGE_CONTENTS}`, message }));
    return;
  }
  const xml = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  res.setHeader('content-type', 'text/xml');
  res.end(
    `<?xml version="1.0"?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type><Code>${INVALID_MESSAGE_CONTENTS}</Code><Message>${xml}</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}

/** Adds `failed` to the `Failed` list of the JSON answer the wrapped handler writes to `res`. */
function mergeFailed(res: ServerResponse, failed: readonly FailedEntry[]): ServerResponse {
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  (res as { end: unknown }).end = (chunk?: unknown): ServerResponse => {
    if (res.statusCode !== 200 || chunk === undefined) return end(chunk);
    const answer = JSON.parse(String(chunk)) as { Successful?: unknown[]; Failed?: unknown[] };
    return end(JSON.stringify({ ...answer, Failed: [...(answer.Failed ?? []), ...failed] }));
  };
  return res;
}

async function guard(handler: SqsRequestHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readAll(req);
  const json = req.headers['content-type'] === JSON_PROTOCOL;
  if (!json) {
    const form = new URLSearchParams(raw.toString('utf8'));
    const action = form.get('Action');
    const bodies = action === 'SendMessage' ? [form.get('MessageBody')] : action === 'SendMessageBatch' ? [...form].filter(([k]) => /^SendMessageBatchRequestEntry\.\d+\.MessageBody$/.test(k)).map(([, v]) => v) : [];
    const refused = bodies.map(refusal).find((m) => m !== undefined);
    if (refused !== undefined) return refuse(res, false, refused);
    return handler(replay(req, raw), res);
  }
  const action = String(req.headers['x-amz-target'] ?? '').split('.')[1];
  if (action !== 'SendMessage' && action !== 'SendMessageBatch') return handler(replay(req, raw), res);
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    return handler(replay(req, raw), res); // the emulator answers malformed requests itself
  }
  if (action === 'SendMessage') {
    const refused = refusal(input['MessageBody']);
    if (refused !== undefined) return refuse(res, true, refused);
    return handler(replay(req, raw), res);
  }
  const entries = Array.isArray(input['Entries']) ? (input['Entries'] as Array<Record<string, unknown>>) : [];
  const failed: FailedEntry[] = [];
  const kept = entries.filter((e) => {
    const refused = refusal(e?.['MessageBody']);
    if (refused === undefined) return true;
    failed.push({ Id: String(e['Id']), SenderFault: true, Code: INVALID_MESSAGE_CONTENTS, Message: refused });
    return false;
  });
  if (failed.length === 0) return handler(replay(req, raw), res);
  if (kept.length === 0) {
    res.statusCode = 200;
    res.setHeader('content-type', JSON_PROTOCOL);
    res.setHeader('x-amzn-requestid', randomUUID());
    res.end(JSON.stringify({ Successful: [], Failed: failed }));
    return;
  }
  return handler(replay(req, Buffer.from(JSON.stringify({ ...input, Entries: kept }))), mergeFailed(res, failed));
}

/** Wraps `handler` so that SendMessage and SendMessageBatch refuse what SQS refuses. */
export function refuseInvalidMessageContents(handler: SqsRequestHandler): SqsRequestHandler {
  return (req, res) =>
    guard(handler, req, res).catch(() => {
      if (res.headersSent) res.destroy();
      else {
        res.statusCode = 500;
        res.end();
      }
    });
}
