import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The dependency direction is one-way: db, queue, dispatch and the services import domain;
 * domain imports none of them (nor a database driver). Pure rules and texts stay testable alone.
 */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('domain layering', () => {
  it('imports no workspace package and no database library', () => {
    const offending = sources(__dirname).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from '((?:@fs\/|kysely|pg)[^']*)'/g)].map(
        (m) => `${file}: ${m[1]}`,
      ),
    );
    expect(offending).toEqual([]);
  });
});
