#!/usr/bin/env node
// The `mesh` bin: runs the bundled CLI (see ./cli-bundle.js), rebuilt when a source changed; without
// esbuild, or with MESH_CLI_TSX=1, it runs the TypeScript sources through tsx instead (slower start).
import { freshBundle } from './cli-bundle.js';

const bundle = process.env.MESH_CLI_TSX === '1' ? undefined : await freshBundle();
if (bundle !== undefined) {
  await import(bundle);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/mesh.ts');
}
