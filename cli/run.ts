/**
 * Runs one `mesh` invocation against a region and writes its output: the whole CLI minus the
 * process, so tests drive it with a fake region and captured streams.
 *
 * @example
 * ```ts
 * import { runCli } from './run.ts';
 * const code = await runCli(['get', 'colour'], { env: process.env, out: console.log, err: console.error });
 * ```
 */
import { MeshClientError, MeshHttpError } from '../shared/client/errors.ts';
import { MeshClient } from '../shared/client/mesh-client.ts';
import type { RequestSigner } from '../shared/client/signer.ts';
import type { LinkStatus } from '../shared/client/types.ts';
import { links } from '../shared/config/naming.ts';
import { parseArgs, UsageError } from './args.ts';
import type { Command, Invocation } from './args.ts';
import { formatAccount, formatConflicts, formatEvent, formatHistory, formatKeyView, formatLinks, formatStatement, formatStatus, formatWrite } from './format.ts';
import { HELP } from './help.ts';
import { isRegionCommand, runRegionCommand } from './region.ts';

/** Where the CLI reads its environment and writes its output. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Builds the SigV4 signer (default: loads `shared/client/sigv4.ts` on demand). */
  readonly makeSigner?: (region: string | undefined) => Promise<RequestSigner>;
}

/** Exit codes: 0 done, 1 refused or failed, 2 bad command line. */
export type ExitCode = 0 | 1 | 2;

/**
 * Parses argv, runs the command and prints its result; never throws, answers the exit code.
 *
 * @example
 * ```ts
 * await runCli(['--region', 'eu-west-1', 'put', 'colour', 'blue'], io); // 0
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  // `mesh region …` talks to the local cloud's admin routes: its own file, its own options.
  if (isRegionCommand(argv)) return runRegionCommand(argv, io);
  let invocation: Invocation;
  try {
    invocation = parseArgs(argv, io.env);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`mesh: ${error.message}\nrun 'mesh --help' for the commands and options`);
      return 2;
    }
    throw error;
  }
  if (invocation.command.name === 'help') {
    io.out(HELP);
    return 0;
  }
  try {
    const signer = invocation.sigv4 ? await (io.makeSigner ?? loadSigV4Signer)(invocation.signingRegion) : undefined;
    const client = new MeshClient({ baseUrl: invocation.url, timeoutMs: invocation.timeoutMs, ...(signer ? { signer } : {}) });
    const { answer, text } = await execute(client, invocation.command);
    io.out(invocation.json ? JSON.stringify(answer, null, 2) : text);
    return 0;
  } catch (error) {
    io.err(describeError(error, invocation));
    return 1;
  }
}

async function loadSigV4Signer(region: string | undefined): Promise<RequestSigner> {
  // Loaded only here, so the AWS SDK costs nothing to people using the local cloud.
  const { createSigV4Signer } = await import('../shared/client/sigv4.ts');
  return createSigV4Signer(region === undefined ? {} : { region });
}

function describeError(error: unknown, invocation: Invocation): string {
  if (error instanceof MeshHttpError) return `mesh: ${error.status} ${error.code}: ${error.message}`;
  if (error instanceof MeshClientError) return `mesh: ${error.message}\n(is a region listening at ${invocation.url}? try --url or --region)`;
  return `mesh: ${error instanceof Error ? error.message : String(error)}`;
}

interface Outcome {
  readonly answer: unknown;
  readonly text: string;
}

async function execute(client: MeshClient, command: Command): Promise<Outcome> {
  switch (command.name) {
    case 'put':
      return show(await client.put(command.key, command.value), formatWrite);
    case 'delete':
      return show(await client.delete(command.key), formatWrite);
    case 'get':
      return show(await client.get(command.key), formatKeyView);
    case 'history':
      return show(await client.history(command.key), formatHistory);
    case 'conflicts':
      return show(await client.conflicts(), formatConflicts);
    case 'resolve': {
      // Default: the heads this region shows now, so the resolution covers exactly what the person saw.
      const heads = command.heads ?? (await client.get(command.key)).heads;
      return show(await client.resolve(command.key, command.value, heads), formatWrite);
    }
    case 'deposit':
      return show(await client.deposit(command.account, command.amount), formatWrite);
    case 'withdraw':
      return show(await client.withdraw(command.account, command.amount), formatWrite);
    case 'balance':
      return show(await client.account(command.account), formatAccount);
    case 'statement':
      return show(await client.accountHistory(command.account), formatStatement);
    case 'event':
      return show(await client.event(command.id), formatEvent);
    case 'status':
      return show(await client.status(), formatStatus);
    case 'partition':
    case 'heal': {
      const enabled = command.name === 'heal';
      const pairs = command.both ? [[command.from, command.to], [command.to, command.from]] as const : [[command.from, command.to]] as const;
      const links: LinkStatus[] = [];
      for (const [from, to] of pairs) links.push(await setLink(client, from, to, enabled));
      return show(links, formatLinks);
    }
    case 'heal-all': {
      const status = await client.status();
      const regions = [status.region, ...status.peers.filter((p) => p !== status.region)];
      const healed: LinkStatus[] = [];
      for (const { from, to } of links(regions)) healed.push(await setLink(client, from, to, true));
      return show(healed, formatLinks);
    }
    case 'help':
      return { answer: null, text: HELP };
  }
}

async function setLink(client: MeshClient, from: string, to: string, enabled: boolean): Promise<LinkStatus> {
  const answer: unknown = await client.setLink(from, to, enabled);
  // The design fixes only "200": keep whatever state the region reports, filling in what we asked.
  const reported = typeof answer === 'object' && answer !== null ? (answer as Partial<LinkStatus>) : {};
  return { ...reported, from, to, enabled: typeof reported.enabled === 'boolean' ? reported.enabled : enabled };
}

/** The answer as `--json` prints it, and its rendering for people. */
function show<T>(answer: T, format: (answer: T) => string): Outcome {
  return { answer, text: format(answer) };
}
