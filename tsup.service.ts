import { defineConfig, type Options } from 'tsup';

/**
 * How a service is bundled (`pnpm --filter @fs/<service> build`, also what infra/Dockerfile runs):
 * one CommonJS file, dist/main.js, with the workspace packages and every devDependency inlined
 * and tree-shaken. The service's `dependencies` stay external (tsup's default): list there only
 * what cannot be bundled — native addons, packages that read their own files at run time — since
 * they are all that the service's image installs (`pnpm deploy --prod`). New libraries go to
 * devDependencies.
 */
export function serviceBundle(options: Options = {}) {
  return defineConfig({
    entry: ['src/main.ts'],
    format: ['cjs'],
    platform: 'node',
    // The bundles run on the machines' Node 20 and on the images' Node (see infra/Dockerfile).
    target: 'node20',
    outDir: 'dist',
    clean: true,
    sourcemap: true,
    // Optional native parts of bundled libraries, never installed: pg's libpq driver and
    // msgpackr's extension (BullMQ's msgpackr falls back to JavaScript).
    external: ['pg-native', 'msgpackr-extract'],
    esbuildOptions(esbuild) {
      // Stack traces (node --enable-source-maps) need the mappings, not a copy of the sources.
      esbuild.sourcesContent = false;
      // Bundling renames clashing identifiers (a class AbortSignal becomes AbortSignal2); some
      // libraries check constructor names (node-fetch, under telegraf: "Expected signal to be an
      // instanceof AbortSignal"). Keep every function's and class's own name.
      esbuild.keepNames = true;
    },
    ...options,
  });
}
