/**
 * Parses the `mesh` command line into a command and its options, with no I/O, so every rule
 * (defaults, `--region` ports, value parsing, usage errors) is testable on its own.
 *
 * @example
 * ```ts
 * import { parseArgs } from './args.ts';
 * parseArgs(['put', 'colour', '"blue"', '--region', 'eu-west-1'], {});
 * // { command: { name: 'put', key: 'colour', value: 'blue' }, url: 'http://127.0.0.1:3002', json: false, sigv4: false, ... }
 * ```
 */
import { parseArgs as parseNodeArgs } from 'node:util';
import { DEFAULT_REGIONS } from '../shared/config/naming.ts';
import type { JsonValue } from '../shared/domain/types.ts';

/** The local cloud's first port: region i of DEFAULT_REGIONS listens on 3001 + i (DESIGN.md section 3). */
const LOCAL_BASE_PORT = 3001;

/** Local cloud default ports by region: us-east-1 3001, eu-west-1 3002, ap-southeast-2 3003. */
const LOCAL_PORTS: Readonly<Record<string, number>> = Object.fromEntries(DEFAULT_REGIONS.map((region, i) => [region, LOCAL_BASE_PORT + i]));

const DEFAULT_URL = `http://127.0.0.1:${LOCAL_BASE_PORT}`;

/** One parsed command. */
export type Command =
  | { readonly name: 'put'; readonly key: string; readonly value: JsonValue }
  | { readonly name: 'get' | 'delete' | 'history'; readonly key: string }
  | { readonly name: 'resolve'; readonly key: string; readonly value: JsonValue; readonly heads?: readonly string[] }
  | { readonly name: 'deposit' | 'withdraw'; readonly account: string; readonly amount: number }
  | { readonly name: 'balance' | 'statement'; readonly account: string }
  | { readonly name: 'event'; readonly id: string }
  | { readonly name: 'conflicts' | 'status' | 'help' }
  | { readonly name: 'partition' | 'heal'; readonly from: string; readonly to: string; readonly both: boolean }
  | { readonly name: 'heal-all' };

/** A parsed invocation: what to run and against which region, how. */
export interface Invocation {
  readonly command: Command;
  readonly url: string;
  /** Signing region for `--sigv4` (undefined: parsed from the URL). */
  readonly signingRegion?: string;
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
 * A command-line VALUE: JSON when it parses (`42`, `true`, `{"a":1}`, `"quoted"`), else the raw string.
 *
 * @example
 * ```ts
 * parseValue('{"a":1}'); // { a: 1 }
 * parseValue('blue');    // 'blue'
 * ```
 */
export function parseValue(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return text;
  }
}

/**
 * Parses argv (without `node` and the script) and the environment (`MESH_URL`, `MESH_SIGV4`).
 * Throws {@link UsageError} for an unknown command, a missing argument or a bad amount.
 *
 * @example
 * ```ts
 * parseArgs(['heal', '--all'], { MESH_URL: 'http://127.0.0.1:3003' }).command; // { name: 'heal-all' }
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
        url: { type: 'string' },
        region: { type: 'string' },
        json: { type: 'boolean', default: false },
        sigv4: { type: 'boolean', default: false },
        timeout: { type: 'string' },
        heads: { type: 'string' },
        both: { type: 'boolean', default: false },
        all: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [name, ...rest] = positionals;

  const explicitUrl = values.url ?? env.MESH_URL;
  let url = explicitUrl ?? DEFAULT_URL;
  if (values.region !== undefined && explicitUrl === undefined) {
    const port = LOCAL_PORTS[values.region];
    if (port === undefined) {
      throw new UsageError(`unknown local region '${values.region}' (known: ${Object.keys(LOCAL_PORTS).join(', ')}); give --url for others`);
    }
    url = `http://127.0.0.1:${port}`;
  }
  const timeoutMs = values.timeout === undefined ? 10_000 : Number(values.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw new UsageError(`--timeout must be a number of ms, got '${values.timeout}'`);

  const command: Command = values.help || name === undefined || name === 'help' ? { name: 'help' } : toCommand(name, rest, values);
  return {
    command,
    url,
    // With an explicit URL, --region names the signing region of a deployed API instead of a port.
    ...(values.region !== undefined && explicitUrl !== undefined ? { signingRegion: values.region } : {}),
    json: values.json,
    sigv4: values.sigv4 || env.MESH_SIGV4 === '1' || env.MESH_SIGV4 === 'true',
    timeoutMs,
  };
}

interface CommandFlags {
  readonly heads?: string | undefined;
  readonly both: boolean;
  readonly all: boolean;
}

function toCommand(name: string, args: readonly string[], flags: CommandFlags): Command {
  const need = (count: number, usage: string): string[] => {
    if (args.length !== count) throw new UsageError(`usage: mesh ${name} ${usage}`);
    return [...args];
  };
  switch (name) {
    case 'put': {
      const [key = '', value = ''] = need(2, 'KEY VALUE');
      return { name, key, value: parseValue(value) };
    }
    case 'get':
    case 'delete':
    case 'history': {
      const [key = ''] = need(1, 'KEY');
      return { name, key };
    }
    case 'resolve': {
      const [key = '', value = ''] = need(2, 'KEY VALUE [--heads ID,ID]');
      const heads = flags.heads?.split(',').map((h) => h.trim()).filter((h) => h !== '');
      return heads === undefined ? { name, key, value: parseValue(value) } : { name, key, value: parseValue(value), heads };
    }
    case 'deposit':
    case 'withdraw': {
      const [account = '', amount = ''] = need(2, 'ACCOUNT AMOUNT');
      if (!/^[1-9]\d*$/.test(amount) || !Number.isSafeInteger(Number(amount))) {
        throw new UsageError(`AMOUNT must be a positive integer (minor units), got '${amount}'`);
      }
      return { name, account, amount: Number(amount) };
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
    default:
      throw new UsageError(`unknown command '${name}'`);
  }
}
