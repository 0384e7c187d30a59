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
import { fileURLToPath } from 'node:url';
import { regionFromUrl } from '../shared/client/aws-host.ts';
import { MeshClientError, MeshHttpError, MeshNetworkError } from '../shared/client/errors.ts';
import { MeshClient } from '../shared/client/mesh-client.ts';
import type { RequestSigner } from '../shared/client/signer.ts';
import type { EscrowHistory, LinkStatus } from '../shared/client/types.ts';
import { links } from '../shared/config/naming.ts';
import { parseArgs, UsageError } from './args.ts';
import type { Command, Invocation } from './args.ts';
import { formatAnyAccount, formatCreation, formatEscrowAccount, formatEscrowStatement, formatRebalancing } from './format-escrow.ts';
import { formatConflicts, formatEvent, formatHistory, formatKeyView, formatLinks, formatStatement, formatStatus, formatWrite } from './format.ts';
import { startGuiServer } from './gui-server.ts';
import type { GuiServer } from './gui-server.ts';
import { HELP } from './help.ts';
import { isRegionCommand, runRegionCommand } from './region.ts';
import { httpFetch } from './http-fetch.ts';
import { listedRegions, resolveTarget } from './target.ts';
import type { ListedRegion, ResolvedTarget } from './target.ts';

/** The repository: this file is `cli/run.ts`, and bundled it is `dist/mesh.mjs`, one level down either way. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the CLI reads its environment and writes its output. */
export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Builds the SigV4 signer (default: loads `shared/client/sigv4.ts` on demand). */
  readonly makeSigner?: (region: string | undefined) => Promise<RequestSigner>;
  /** Told of the server `mesh gui` started, which runs until the process ends (tests stop it). */
  readonly onGuiServer?: (server: GuiServer) => void;
  /** Builds the GUI before `mesh gui` serves it (default: `gui/build.ts`; tests skip it). */
  readonly buildGui?: () => Promise<void>;
  /** Waits before a retry (default: a timer; tests record the waits instead). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Tries of a command the region answers 503 `contended` (nothing stored), its `Retry-After` apart. */
export const CONTENDED_TRIES = 3;
/** The longest `Retry-After` the CLI waits; a longer one is waited this long. */
const MAX_RETRY_WAIT_MS = 10_000;
/** The wait when a 503 `contended` says no `Retry-After`. */
const DEFAULT_RETRY_WAIT_MS = 1000;

/** Exit codes: 0 done, 1 refused or failed, 2 bad command line. */
export type ExitCode = 0 | 1 | 2;

/**
 * Parses argv, runs the command and prints its result; never throws, answers the exit code.
 *
 * @example
 * ```ts
 * await runCli(['--region', 'eu-west-1', 'put', 'colour', '"blue"'], io); // 0
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  // `mesh region …` talks to the local cloud's admin routes: its own file, its own options.
  if (isRegionCommand(argv)) return runRegionCommand(argv, io);
  let invocation: Invocation;
  try {
    invocation = parseArgs(argv, io.env);
  } catch (error) {
    return usage(error, io);
  }
  if (invocation.command.name === 'help') {
    io.out(HELP);
    return 0;
  }
  try {
    if (invocation.command.name === 'gui') return await serveGui(invocation, invocation.command.urls, invocation.command.listen, io);
    const target = await resolveTarget(invocation.target, invocation.sigv4, probe(invocation));
    const client = new MeshClient({ baseUrl: target.url, timeoutMs: invocation.timeoutMs, fetch: httpFetch, ...(await signerOf(invocation, target, io)) });
    const command = invocation.command;
    const { answer, text } = await whileContended(() => execute(client, command, linkClients(invocation, target.url, client)), io);
    io.out(invocation.json ? JSON.stringify(answer, null, 2) : text);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usage(error, io);
    io.err(describeError(error));
    return 1;
  }
}

function usage(error: unknown, io: CliIo): ExitCode {
  if (!(error instanceof UsageError)) throw error;
  io.err(`mesh: ${error.message}\nrun 'mesh --help' for the commands and options`);
  return 2;
}

/** Asks the base URL, unsigned, where the other regions are (only a local mesh is asked). */
function probe(invocation: Invocation): Parameters<typeof resolveTarget>[2] {
  const client = (base: string): MeshClient => new MeshClient({ baseUrl: base, timeoutMs: invocation.timeoutMs, fetch: httpFetch });
  return {
    meshDocument: (base) => client(base).request<unknown>('GET', '/local/mesh').catch((error: unknown) => (error instanceof MeshHttpError ? undefined : Promise.reject(error))),
    statusRegion: async (base) => (await client(base).status()).region,
  };
}

async function signerOf(invocation: Invocation, target: ResolvedTarget, io: CliIo): Promise<{ signer?: RequestSigner }> {
  if (!invocation.sigv4) return {};
  return { signer: await (io.makeSigner ?? loadSigV4Signer)(target.signingRegion) };
}

async function loadSigV4Signer(region: string | undefined): Promise<RequestSigner> {
  // Loaded only here, so the AWS SDK costs nothing to people using the local cloud.
  const { createSigV4Signer } = await import('../shared/client/sigv4.ts');
  return createSigV4Signer(region === undefined ? {} : { region });
}

/**
 * `mesh gui`: the regions named by `--url` (`REGION=URL`, or a URL whose host or `/status` names
 * its region), else every region of the local mesh at the target; then serves the GUI for them.
 */
async function serveGui(invocation: Invocation, urls: readonly string[], listen: number, io: CliIo): Promise<ExitCode> {
  const signers = new Map<string, RequestSigner>();
  const signerFor = async (region: string | undefined): Promise<RequestSigner | undefined> =>
    invocation.sigv4 ? (io.makeSigner ?? loadSigV4Signer)(region) : undefined;
  let regions: ListedRegion[];
  if (urls.length > 0) {
    regions = await Promise.all(urls.map((u) => regionOfUrl(u, invocation, signerFor)));
  } else {
    const base = invocation.target.base;
    const doc = await probe(invocation).meshDocument(base);
    regions = listedRegions(doc) ?? [{ region: await probe(invocation).statusRegion(base), url: base }];
  }
  if (new Set(regions.map((r) => r.region)).size !== regions.length) throw new UsageError(`two --url name the same region: ${regions.map((r) => r.region).join(', ')}`);
  for (const r of regions) {
    const signer = await signerFor(r.region);
    if (signer) signers.set(r.region, signer);
  }
  await (io.buildGui ?? defaultBuildGui)();
  const server = await startGuiServer({ regions, guiDir: `${ROOT}gui/public`, signerFor: (region) => signers.get(region), port: listen, timeoutMs: invocation.timeoutMs });
  io.onGuiServer?.(server);
  io.out(
    [
      `GUI for ${regions.map((r) => `${r.region} (${r.url})`).join(', ')}`,
      `  ${server.url}/ui/`,
      invocation.sigv4 ? 'requests are signed (SigV4) with your AWS credentials (the default credential chain)' : 'requests are relayed unsigned',
      'Ctrl-C to stop.',
    ].join('\n'),
  );
  return 0;
}

async function regionOfUrl(raw: string, invocation: Invocation, signerFor: (region: string | undefined) => Promise<RequestSigner | undefined>): Promise<ListedRegion> {
  const named = /^([A-Za-z0-9-]+)=(.+)$/.exec(raw);
  if (named !== null && !/^https?:/.test(raw)) return { region: named[1] ?? '', url: (named[2] ?? '').replace(/\/+$/, '') };
  const url = raw.replace(/\/+$/, '');
  const fromHost = regionFromUrl(url);
  if (fromHost !== undefined) return { region: fromHost, url };
  const signer = await signerFor(invocation.target.region);
  const status = await new MeshClient({ baseUrl: url, timeoutMs: invocation.timeoutMs, fetch: httpFetch, ...(signer ? { signer } : {}) }).status();
  return { region: status.region, url };
}

async function defaultBuildGui(): Promise<void> {
  const { buildGui } = await import('../gui/build.ts');
  await buildGui();
}

/**
 * Runs `attempt`, and again after the region's `Retry-After` while it answers 503 `contended`
 * (a definite refusal: nothing was stored, so trying again cannot write twice), at most
 * {@link CONTENDED_TRIES} times; each wait is said on stderr.
 *
 * @example
 * ```ts
 * await whileContended(() => execute(client, command, links), io);
 * ```
 */
export async function whileContended<T>(attempt: () => Promise<T>, io: Pick<CliIo, 'err' | 'sleep'>): Promise<T> {
  for (let tried = 1; ; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof MeshHttpError && error.status === 503 && error.code === 'contended') || tried >= CONTENDED_TRIES) throw error;
      const wait = Math.min(MAX_RETRY_WAIT_MS, error.retryAfterMs ?? DEFAULT_RETRY_WAIT_MS);
      io.err(`mesh: 503 contended: ${error.message}; nothing stored, trying again in ${(wait / 1000).toFixed(wait < 10_000 ? 1 : 0)} s (try ${tried + 1} of ${CONTENDED_TRIES})`);
      await (io.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms))))(wait);
    }
  }
}

/**
 * Where each link is switched: in its destination region (the AWS admin function answers 421
 * `link-not-local` for a link into another region). A local mesh lists every region's URL, so
 * each link goes to its `to`; elsewhere only the target's own region is known, and links into
 * other regions are left to them (`heal --all`) or sent as asked (the region says where to go).
 */
interface LinkClients {
  /** The client of region `to`, or undefined when its URL is unknown. */
  of(to: string): Promise<MeshClient | undefined>;
}

function linkClients(invocation: Invocation, base: string, fallback: MeshClient): LinkClients {
  let listed: Promise<ListedRegion[] | undefined> | undefined;
  const clients = new Map<string, MeshClient>();
  return {
    async of(to) {
      listed ??= probe(invocation)
        .meshDocument(base)
        .then((doc) => listedRegions(doc));
      const url = (await listed)?.find((r) => r.region === to)?.url;
      if (url === undefined) return undefined;
      if (url === fallback.baseUrl) return fallback;
      let c = clients.get(url);
      if (c === undefined) clients.set(url, (c = new MeshClient({ baseUrl: url, timeoutMs: invocation.timeoutMs, fetch: httpFetch })));
      return c;
    },
  };
}

/**
 * What went wrong, for people; a refused connection to this machine says how to start a mesh.
 *
 * @example
 * ```ts
 * describeError(new MeshHttpError(409, 'stale-heads', 'heads moved')); // 'mesh: 409 stale-heads: heads moved'
 * ```
 */
export function describeError(error: unknown): string {
  if (error instanceof MeshHttpError) return `mesh: ${error.status} ${error.code}: ${error.message}`;
  if (error instanceof MeshNetworkError && /ECONNREFUSED/.test(error.message)) {
    const origin = new URL(error.url).origin;
    const local = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|$)/.test(origin);
    return local
      ? `mesh: nothing is listening at ${origin} (connection refused).\nStart a local mesh with \`npm start\` in the eventually-consistent-mesh checkout, or aim elsewhere: --port N (a mesh started with --port N), --region NAME, --url URL.`
      : `mesh: ${origin} refused the connection: is the region's URL right? (--url, $MESH_URL)`;
  }
  if (error instanceof MeshClientError) return `mesh: ${error.message}\n(is a region listening there? try --url, --port or --region)`;
  return `mesh: ${error instanceof Error ? error.message : String(error)}`;
}

interface Outcome {
  readonly answer: unknown;
  readonly text: string;
}

async function execute(client: MeshClient, command: Exclude<Command, { name: 'gui' }>, linksAt: LinkClients): Promise<Outcome> {
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
      // Default: every head this region has now, by the view's version (it covers heads beyond the
      // view's page too); without a version (an older API), the heads the view lists.
      if (command.heads !== undefined) return show(await client.resolve(command.key, command.value, command.heads), formatWrite);
      const view = await client.get(command.key);
      return show(await client.resolve(command.key, command.value, typeof view.version === 'number' ? { version: view.version } : view.heads), formatWrite);
    }
    case 'deposit':
      return show(await client.deposit(command.account, command.amount, command.mode), formatWrite);
    case 'withdraw':
      return show(await client.withdraw(command.account, command.amount, command.mode), formatWrite);
    case 'balance':
      return show(await client.accountView(command.account), formatAnyAccount);
    case 'account-create':
      return show(await client.createAccount(command.account, command.mode), formatCreation);
    case 'transfer':
      return show(await client.transfer(command.account, command.to, command.amount), formatWrite);
    case 'rights':
      return show(await client.escrowAccount(command.account), formatEscrowAccount);
    case 'rebalancing':
      return show(await client.rebalancing(command.account), formatRebalancing);
    case 'statement': {
      // The route answers the statement of the mode the account has here; an escrow one has lines of its own.
      const statement = await client.accountHistory(command.account);
      if ((statement as { mode?: string }).mode === 'escrow') return show(statement as unknown as EscrowHistory, formatEscrowStatement);
      return show(statement, formatStatement);
    }
    case 'event':
      return show(await client.event(command.id), formatEvent);
    case 'status':
      return show(await client.status(), formatStatus);
    case 'partition':
    case 'heal': {
      const enabled = command.name === 'heal';
      const pairs = command.both ? [[command.from, command.to], [command.to, command.from]] as const : [[command.from, command.to]] as const;
      const changed: LinkStatus[] = [];
      for (const [from, to] of pairs) changed.push(await setLink((await linksAt.of(to)) ?? client, from, to, enabled));
      return show(changed, formatLinks);
    }
    case 'heal-all': {
      const status = await client.status();
      const regions = [status.region, ...status.peers.filter((p) => p !== status.region)];
      const healed: LinkStatus[] = [];
      const elsewhere: string[] = [];
      for (const { from, to } of links(regions)) {
        const at = to === status.region ? client : await linksAt.of(to);
        if (at === undefined) elsewhere.push(`${from} -> ${to}`);
        else healed.push(await setLink(at, from, to, true));
      }
      const note = elsewhere.length === 0 ? '' : `\nnot healed here: ${elsewhere.join(', ')} (a link is switched in its destination: run heal --all against each region's URL)`;
      return { answer: elsewhere.length === 0 ? healed : { healed, notHealed: elsewhere }, text: formatLinks(healed) + note };
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
