/**
 * Parses the `mesh` command line into a command, the region to aim at and how, with no I/O, so
 * every rule (defaults, which of `--url` / `--port` / `$MESH_URL` wins, strict JSON values, usage
 * errors) is testable on its own. Which URL `--region` names is decided later, by `./target.ts`,
 * because finding it may take a request.
 *
 * @example
 * ```ts
 * import { parseArgs } from './args.ts';
 * parseArgs(['put', 'colour', '"blue"', '--region', 'eu-west-1'], {});
 * // { command: { name: 'put', key: 'colour', value: 'blue' },
 * //   target: { base: 'http://127.0.0.1:3001', from: 'default', region: 'eu-west-1' }, json: false, … }
 * ```
 */
import { parseArgs as parseNodeArgs } from 'node:util';
import type { JsonValue } from '../shared/domain/types.ts';

/** The local cloud's first region listens here (DESIGN.md section 3); `--port` names another. */
export const LOCAL_BASE_PORT = 3001;

/** One parsed command. */
export type Command =
  | { readonly name: 'put'; readonly key: string; readonly value: JsonValue }
  | { readonly name: 'get' | 'delete' | 'history'; readonly key: string }
  | { readonly name: 'resolve'; readonly key: string; readonly value: JsonValue; readonly heads?: readonly string[] }
  | { readonly name: 'deposit' | 'withdraw'; readonly account: string; readonly amount: number; readonly mode?: 'escrow' }
  | { readonly name: 'balance' | 'statement'; readonly account: string }
  | { readonly name: 'account-create'; readonly account: string; readonly mode: 'plain' | 'escrow' }
  | { readonly name: 'rights' | 'rebalancing'; readonly account: string }
  | { readonly name: 'transfer'; readonly account: string; readonly to: string; readonly amount: number }
  | { readonly name: 'event'; readonly id: string }
  | { readonly name: 'conflicts' | 'status' | 'help' }
  | { readonly name: 'partition' | 'heal'; readonly from: string; readonly to: string; readonly both: boolean }
  | { readonly name: 'heal-all' }
  | { readonly name: 'gui'; readonly urls: readonly string[]; readonly listen: number };

/**
 * Where the command goes before `--region` is applied: `base` is a region's API, and `from` says
 * which input gave it (an explicit flag beats the environment, which beats the default).
 */
export interface Target {
  readonly base: string;
  readonly from: 'url' | 'port' | 'env-url' | 'env-port' | 'default';
  /** `--region`: the region to talk to (see `./target.ts` for how it finds that region's URL). */
  readonly region?: string;
}

/** A parsed invocation: what to run, against which region, how. */
export interface Invocation {
  readonly command: Command;
  readonly target: Target;
  readonly json: boolean;
  readonly sigv4: boolean;
  readonly timeoutMs: number;
}

/**
 * A mistake in the command line: the CLI prints it with a hint and exits 2.
 *
 * @example
 * ```ts
 * throw new UsageError('usage: mesh get KEY');
 * ```
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * A command-line VALUE: strict JSON (`42`, `true`, `{"a":1}`, `"quoted"`), or with `asText` the
 * text itself as a JSON string. Anything else is refused rather than stored as a string, so a
 * mistyped object (`{"a":1, b:2}`) never lands silently as text.
 *
 * @example
 * ```ts
 * parseValue('{"a":1}', false); // { a: 1 }
 * parseValue('blue', true);     // 'blue'
 * parseValue('blue', false);    // throws UsageError: VALUE is not valid JSON …
 * ```
 */
export function parseValue(text: string, asText: boolean): JsonValue {
  if (asText) return text;
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    const why = (error as Error).message;
    // Text that was meant as JSON needs fixing; a bare word was probably meant as a string.
    if (/^\s*[[{"]/.test(text)) throw new UsageError(`VALUE is not valid JSON (${why}): fix it, or pass --text to store it as text`);
    throw new UsageError(`VALUE is not valid JSON (${why}): quote a string as '"${text.replace(/'/g, '')}"', or pass --text to store it as text`);
  }
}

/**
 * Parses argv (without `node` and the script) and the environment (`MESH_URL`, `MESH_PORT`,
 * `MESH_SIGV4`). Throws {@link UsageError} for an unknown command, a missing argument, a bad
 * amount, a value that is not JSON, or flags that contradict each other.
 *
 * @example
 * ```ts
 * parseArgs(['heal', '--all'], { MESH_URL: 'http://127.0.0.1:3003' }).command; // { name: 'heal-all' }
 * parseArgs(['--port', '4001', 'status'], {}).target;                        // { base: 'http://127.0.0.1:4001', from: 'port' }
 * ```
 */
export function parseArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Invocation {
  let parsed;
  try {
    parsed = parseNodeArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string', multiple: true },
        region: { type: 'string' },
        port: { type: 'string' },
        json: { type: 'boolean', default: false },
        sigv4: { type: 'boolean', default: false },
        text: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        heads: { type: 'string' },
        both: { type: 'boolean', default: false },
        all: { type: 'boolean', default: false },
        escrow: { type: 'boolean', default: false },
        listen: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;
  const help = values.help || name === undefined || name === 'help';

  const urls = values.url ?? [];
  if (urls.length > 1 && name !== 'gui') throw new UsageError('--url is given more than once: only `mesh gui` takes several regions');
  if (urls.length > 0 && values.port !== undefined) throw new UsageError('--url and --port both name the region to talk to: give one');
  const timeoutMs = values.timeout === undefined ? 10_000 : Number(values.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw new UsageError(`--timeout must be a number of ms, got '${values.timeout}'`);
  if (values.text && !help && name !== 'put' && name !== 'resolve') throw new UsageError('--text applies to put and resolve only');
  if (values.escrow && !help && !(name === 'deposit' || name === 'withdraw' || (name === 'account' && rest[0] === 'create'))) {
    throw new UsageError('--escrow applies to account create, deposit and withdraw only');
  }

  const target = targetOf(name === 'gui' ? undefined : urls[0], values.port, env);
  const command: Command = help ? { name: 'help' } : toCommand(name, rest, { ...values, urls });
  return {
    command,
    target: values.region === undefined ? target : { ...target, region: values.region },
    json: values.json,
    sigv4: values.sigv4 || env.MESH_SIGV4 === '1' || env.MESH_SIGV4 === 'true',
    timeoutMs,
  };
}

/** `--url`, else `--port`, else `$MESH_URL`, else `$MESH_PORT`, else the local cloud's first port. */
function targetOf(url: string | undefined, port: string | undefined, env: Readonly<Record<string, string | undefined>>): Target {
  if (url !== undefined) return { base: checkUrl(url, '--url'), from: 'url' };
  if (port !== undefined) return { base: localUrl(port, '--port'), from: 'port' };
  if (env.MESH_URL) return { base: checkUrl(env.MESH_URL, 'MESH_URL'), from: 'env-url' };
  if (env.MESH_PORT) return { base: localUrl(env.MESH_PORT, 'MESH_PORT'), from: 'env-port' };
  return { base: `http://127.0.0.1:${LOCAL_BASE_PORT}`, from: 'default' };
}

function checkUrl(url: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${what} must be a URL such as http://127.0.0.1:3001, got '${url}'`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`${what} must be an http or https URL, got '${url}'`);
  return url.replace(/\/+$/, '');
}

function localUrl(port: string, what: string): string {
  return `http://127.0.0.1:${portNumber(port, what)}`;
}

function portNumber(port: string, what: string, allowZero = false): number {
  const n = Number(port);
  if (!/^\d+$/.test(port) || n > 65535 || (n === 0 && !allowZero)) throw new UsageError(`${what} must be a port number, got '${port}'`);
  return n;
}

interface CommandFlags {
  readonly heads?: string | undefined;
  readonly both: boolean;
  readonly all: boolean;
  readonly text: boolean;
  readonly escrow: boolean;
  readonly listen?: string | undefined;
  readonly urls: readonly string[];
}

/** A command-line AMOUNT: a positive integer of minor units. */
function amountOf(amount: string): number {
  if (!/^[1-9]\d*$/.test(amount) || !Number.isSafeInteger(Number(amount))) {
    throw new UsageError(`AMOUNT must be a positive integer (minor units), got '${amount}'`);
  }
  return Number(amount);
}

function toCommand(name: string, args: readonly string[], flags: CommandFlags): Command {
  const need = (count: number, usage: string): string[] => {
    if (args.length !== count) throw new UsageError(`usage: mesh ${name} ${usage}`);
    return [...args];
  };
  switch (name) {
    case 'put': {
      const [key = '', value = ''] = need(2, 'KEY VALUE [--text]');
      return { name, key, value: parseValue(value, flags.text) };
    }
    case 'get':
    case 'delete':
    case 'history': {
      const [key = ''] = need(1, 'KEY');
      return { name, key };
    }
    case 'resolve': {
      const [key = '', value = ''] = need(2, 'KEY VALUE [--text] [--heads ID,ID]');
      const heads = flags.heads?.split(',').map((h) => h.trim()).filter((h) => h !== '');
      const parsed = parseValue(value, flags.text);
      return heads === undefined ? { name, key, value: parsed } : { name, key, value: parsed, heads };
    }
    case 'deposit':
    case 'withdraw': {
      const [account = '', amount = ''] = need(2, 'ACCOUNT AMOUNT [--escrow]');
      return { name, account, amount: amountOf(amount), ...(flags.escrow ? { mode: 'escrow' as const } : {}) };
    }
    case 'transfer': {
      const [account = '', to = '', amount = ''] = need(3, 'ACCOUNT TO-REGION AMOUNT');
      return { name, account, to, amount: amountOf(amount) };
    }
    case 'rights':
    case 'rebalancing': {
      const [account = ''] = need(1, 'ACCOUNT');
      return { name, account };
    }
    case 'account': {
      const [sub = '', ...more] = args;
      if (sub === 'create') {
        if (more.length !== 1) throw new UsageError('usage: mesh account create ACCOUNT [--escrow]');
        return { name: 'account-create', account: more[0] ?? '', mode: flags.escrow ? 'escrow' : 'plain' };
      }
      if (sub === 'deposit' || sub === 'withdraw' || sub === 'transfer' || sub === 'rights' || sub === 'rebalancing' || sub === 'balance' || sub === 'statement') {
        return toCommand(sub, more, flags);
      }
      throw new UsageError('usage: mesh account create|deposit|withdraw|transfer|rights|rebalancing|balance|statement ACCOUNT …');
    }
    case 'balance':
    case 'statement': {
      const [account = ''] = need(1, 'ACCOUNT');
      return { name, account };
    }
    case 'event': {
      const [id = ''] = need(1, 'ID');
      return { name, id };
    }
    case 'conflicts':
    case 'status':
      need(0, '');
      return { name };
    case 'partition': {
      const [from = '', to = ''] = need(2, 'FROM TO [--both]');
      return { name, from, to, both: flags.both };
    }
    case 'heal': {
      if (flags.all) {
        need(0, '--all');
        return { name: 'heal-all' };
      }
      const [from = '', to = ''] = need(2, 'FROM TO [--both] | heal --all');
      return { name, from, to, both: flags.both };
    }
    case 'gui': {
      need(0, '[--url [REGION=]URL]... [--sigv4] [--listen PORT]');
      for (const u of flags.urls) checkUrl(u.includes('=') && !/^https?:/.test(u) ? u.slice(u.indexOf('=') + 1) : u, '--url');
      return { name, urls: flags.urls, listen: flags.listen === undefined ? 0 : portNumber(flags.listen, '--listen', true) };
    }
    default:
      throw new UsageError(`unknown command '${name}'`);
  }
}
