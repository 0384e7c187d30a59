/**
 * `npm start`: runs a whole local mesh until Ctrl-C / SIGTERM, then stops everything (DynamoDB
 * Local included) before exiting.
 *
 * Flags: see ./cli-options.ts (`--regions`, `--port`, `--data-dir` / `--in-memory`, `--mesh`, …).
 *
 * @example
 * ```sh
 * npm start -- --regions us-east-1,eu-west-1 --port 4001 --data-dir .mesh-data
 * ```
 */
import { buildGui } from '../gui/build.ts';
import { meshOptionsFrom } from './cli-options.ts';
import { startMesh, type MeshOptions } from './cloud.ts';
import { StartupError } from './startup-error.ts';

async function main(): Promise<void> {
  let options: MeshOptions;
  try {
    options = meshOptionsFrom(process.argv.slice(2), process.env);
  } catch (err) {
    const help = process.argv.includes('--help') || process.argv.includes('-h');
    (help ? console.log : console.error)((err as Error).message);
    process.exitCode = help ? 0 : 2;
    return;
  }
  const log = (line: string): void => console.log(`[local] ${line}`);
  const started = Date.now();
  try {
    // The GUI is built from gui/src on every start, so it is never older than its sources.
    const gui = await buildGui();
    log(`built the GUI in ${gui.ms} ms`);
  } catch (err) {
    log(`could not build the GUI (${(err as Error).message.split('\n')[0]}); serving the last build, if any`);
  }
  const mesh = await startMesh({ ...options, log });
  console.log(`\nmesh "${mesh.meshName}" up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const r of mesh.regions) console.log(`  ${r.region.padEnd(16)} ${r.url}`);
  if (mesh.guiUrl !== undefined) console.log(`  GUI              ${mesh.guiUrl}`);
  const where = options.dataDir === undefined ? ' (in memory)' : ` (data in ${options.dataDir}${options.dynamodbPerRegion === true ? '/<region>' : ''})`;
  if (options.dynamodbPerRegion === true) for (const r of mesh.regions) console.log(`  DynamoDB         ${mesh.dynamodbEndpointOf(r.region)} for ${r.region}${where}`);
  else console.log(`  DynamoDB         ${mesh.dynamodbEndpoint}${where}`);
  console.log(`  SQS              ${mesh.sqsEndpoint}`);
  console.log('Ctrl-C to stop.\n');

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the mesh…`);
    mesh.stop().then(
      () => {
        console.log('stopped.');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof StartupError) console.error(`npm start: ${err.message}`);
  else if (e.code === 'EADDRINUSE') console.error(`local cloud failed to start: ${e.message}. Another mesh running? Try --port 0 (free ports) or --port 4001.`);
  else console.error(`local cloud failed to start: ${e.stack ?? String(err)}`);
  process.exit(1);
});
