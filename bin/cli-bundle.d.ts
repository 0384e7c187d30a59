// Types of ./cli-bundle.js (plain JavaScript: it runs before anything is compiled).

/** Whether the bundle exists and is newer than every source it was built from. */
export function isFresh(entry?: string, inputs?: string, root?: string): boolean;
/** Bundles cli/mesh.ts into dist/mesh.mjs (and dist/chunks/). */
export function buildBundle(): Promise<{ ms: number; inputs: number }>;
/** The bundle's file URL when fresh or rebuilt, else undefined. */
export function freshBundle(): Promise<string | undefined>;
