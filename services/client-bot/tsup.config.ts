import { defineConfig } from 'tsup';

// Bundle the workspace packages (their `main` is TypeScript source); third-party deps stay external.
export default defineConfig({
  entry: ['src/main.ts'],
  format: ['cjs'],
  target: 'node20',
  outDir: 'dist',
  clean: true,
  sourcemap: true,
  noExternal: [/^@fs\//],
});
