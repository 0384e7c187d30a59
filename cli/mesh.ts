/**
 * The `mesh` command: a person's view of one region (see `mesh --help`). Thin: all behaviour is
 * in `run.ts`, this file only binds it to the process.
 *
 * @example
 * ```sh
 * npx mesh --region eu-west-1 get colour
 * ```
 */
import { runCli } from './run.ts';

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
