/**
 * The SQS-compatible server of the local cloud: `local-aws-sqs` in this very process, one server
 * for every region (queue names already carry both regions of a link, so they never collide),
 * refusing the message bodies real SQS refuses (`sqs-message-contents.ts`), and any request from a
 * web page: the query protocol is a plain form POST, which a browser sends cross-origin without a
 * preflight, so any page could otherwise drop messages on a link's inbound queue.
 *
 * It is served through the library's request handler on our own HTTP server, because the
 * library's `createSqsServer` leaves a failed listen (a taken port) as an uncaught error event
 * that kills the process with a stack trace; here it is a {@link StartupError} that says what to do.
 *
 * @example
 * ```ts
 * import { startSqsServer } from './sqs-server.ts';
 * const sqs = await startSqsServer({ port: 0 });
 * // new SQSClient({ endpoint: sqs.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS })
 * await sqs.stop();
 * ```
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequestHandler } from 'local-aws-sqs';
import { listen } from './runtime/listening-server.ts';
import { refuseInvalidMessageContents } from './sqs-message-contents.ts';
import { StartupError } from './startup-error.ts';

/** Account id the local queues live in; the handlers' config defaults to the same one. */
export const LOCAL_ACCOUNT = '000000000000';

export interface SqsServerOptions {
  /** TCP port; 0 or undefined picks a free one. */
  readonly port?: number;
  /** Interface to listen on (default 127.0.0.1: the local cloud is not a network service). */
  readonly hostname?: string;
}

export interface SqsServer {
  /** `http://host:port`, the endpoint for SQS clients. */
  readonly endpoint: string;
  readonly port: number;
  /** Closes the server and every open (keep-alive or long-poll) connection. */
  stop(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** SDKs send no `Origin`; browsers always do on a cross-origin request: 403 for those. */
function refuseBrowsers(handler: Handler): Handler {
  return (req, res) => {
    if (req.headers.origin === undefined) return handler(req, res);
    req.resume();
    res.statusCode = 403;
    res.setHeader('content-type', 'text/plain');
    res.end('web pages may not call the local SQS server');
  };
}

/** Starts the in-process SQS server and resolves once it listens; a taken port is a {@link StartupError}. */
export async function startSqsServer(options: SqsServerOptions = {}): Promise<SqsServer> {
  const hostname = options.hostname ?? '127.0.0.1';
  const port = options.port ?? 0;
  const { service, requestHandler } = createRequestHandler({
    port,
    hostname,
    accountId: LOCAL_ACCOUNT,
    // A restarted mesh recreates its queues at once; AWS's 60 s wait after a delete would only hurt here.
    emulateQueueCreationLifecycle: false,
  });
  const handle = refuseBrowsers(refuseInvalidMessageContents(requestHandler));
  const server = createServer((req, res) => void handle(req, res));
  let listening;
  try {
    listening = await listen(server, port, hostname);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new StartupError(`the SQS port ${port} on ${hostname} is taken (another mesh still running?): stop it, pick another port with --sqs-port N, or leave --sqs-port out for a free one`);
    }
    if (code === 'EACCES') throw new StartupError(`no permission to listen on ${hostname}:${port} for SQS: pick a port above 1024 with --sqs-port N`);
    throw error;
  }
  // Queue URLs carry the port, which is only known now when it was 0.
  service.PORT = listening.port;
  return { endpoint: listening.url, port: listening.port, stop: listening.stop };
}
