/**
 * `pnpm figures:functions [lines] [paths…]`: production functions longer than `lines` (default 80).
 *
 * Production code is every tracked `.ts` file under packages/*\/src and services/*\/src except
 * `*.test.ts` and packages/testkit. Every function-like node counts (declarations, arrow functions,
 * function expressions, methods, accessors, constructors) with its whole span from the first to
 * the last line, so an outer function that registers handlers counts with its handlers, and each
 * handler counts again on its own when it is long. A function whose span is long on purpose says
 * why in a comment that contains `long-function:` just above it; those are listed apart.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const limit = Number(process.argv[2] ?? 80);
const roots = process.argv.slice(3);

const files = execFileSync('git', ['ls-files', '--', 'packages/*/src/*.ts', 'services/*/src/*.ts'], {
  encoding: 'utf8',
})
  .split('\n')
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('packages/testkit/'))
  .filter((f) => roots.length === 0 || roots.some((r) => f.startsWith(r)));

interface Long {
  file: string;
  line: number;
  name: string;
  lines: number;
  reason: string | null;
}

function nameOf(node: ts.Node): string {
  const named = node as { name?: ts.Node };
  if (named.name && ts.isIdentifier(named.name)) return named.name.text;
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isPropertyAssignment(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (parent && ts.isCallExpression(parent)) {
    const callee = parent.expression.getText().slice(0, 40);
    return `(callback of ${callee})`;
  }
  return '(anonymous)';
}

/** A landed migration is never edited (COMMON rules), so it cannot gain a comment: that is its reason. */
function migrationReason(file: string): string | null {
  return file.startsWith('packages/db/src/migrations/') ? 'a migration: never edited once landed' : null;
}

/** The `long-function:` reason in the comments just above the statement that holds the node. */
function reasonOf(node: ts.Node, text: string): string | null {
  let holder: ts.Node = node;
  while (holder.parent && !ts.isSourceFile(holder.parent) && !ts.isBlock(holder.parent))
    holder = holder.parent;
  const ranges = ts.getLeadingCommentRanges(text, holder.getFullStart()) ?? [];
  for (const r of ranges) {
    const m = /long-function:\s*([^\n*]+)/.exec(text.slice(r.pos, r.end));
    if (m) return m[1]!.trim();
  }
  return null;
}

const found: Long[] = [];
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as { body?: ts.Node }).body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > limit) {
        found.push({
          file,
          line: start + 1,
          name: nameOf(node),
          lines,
          reason: reasonOf(node, text) ?? migrationReason(file),
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

found.sort((a, b) => b.lines - a.lines);
for (const f of found) {
  const why = f.reason ? `  — ${f.reason}` : '';
  console.log(`${String(f.lines).padStart(4)}  ${f.file}:${f.line}  ${f.name}${why}`);
}
const explained = found.filter((f) => f.reason).length;
console.log(
  `${found.length} production functions over ${limit} lines in ${files.length} files` +
    ` (${explained} with a long-function: reason)`,
);
