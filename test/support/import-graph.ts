/**
 * Reads which modules a TypeScript project's files import, through the TypeScript compiler's API:
 * the compiler's own list of each file's module specifiers (static imports and re-exports,
 * type-only ones too, for a circle of types is still a circle of modules; `import()` calls), and
 * every read of `process.env` in its syntax tree. Relative specifiers are resolved to files of the
 * project; anything else is a package.
 */
import { dirname, join, relative, resolve, sep } from 'node:path';
import {
  isElementAccessExpression,
  isIdentifier,
  isPropertyAccessExpression,
  isStringLiteral,
  isStringLiteralLikeNode,
  type Node,
  type SourceFile,
} from 'typescript/unstable/ast';
import { API } from 'typescript/unstable/sync';

export interface ModuleImports {
  /** Files of the tree this one imports, relative to the root with `/` separators. */
  files: string[];
  /** Package specifiers as written: `pg`, `node:sqlite`, `@actions/core`. */
  packages: string[];
  /** 1-based lines that read `process.env`. */
  envReads: number[];
}

/** Per file of the tree (relative to the root, `/` separators), what it imports. */
export type ImportGraph = Map<string, ModuleImports>;

/** Reads the files under `dirs` of the project whose tsconfig.json is in `root`. */
export function readImportGraph(root: string, dirs: readonly string[]): ImportGraph {
  const api = new API({ cwd: root });
  try {
    const snapshot = api.updateSnapshot({ openProjects: [join(root, 'tsconfig.json')] });
    const [project] = snapshot.getProjects();
    if (!project) throw new Error(`no TypeScript project in ${root}`);
    const program = project.program;
    const files = program
      .getSourceFileNames()
      .filter((file) => dirs.some((dir) => toKey(root, file).startsWith(`${dir}/`)));
    const known = new Set(files.map((file) => toKey(root, file)));
    const graph: ImportGraph = new Map();
    for (const file of [...files].sort()) {
      const source = program.getSourceFile(file);
      if (source) graph.set(toKey(root, file), readModule(root, source, known));
    }
    return graph;
  } finally {
    api.close();
  }
}

/** Each import circle once, as the path that closes it: `a.ts → b.ts → a.ts`. */
export function importCircles(graph: ImportGraph): string[] {
  return stronglyConnected(graph)
    .filter((group) => group.length > 1 || graph.get(group[0] ?? '')?.files.includes(group[0] ?? ''))
    .map((group) => circleThrough(graph, new Set(group)).join(' → '));
}

/** `file imports what`, for every import of a package `forbidden` matches, by files `inScope` selects. */
export function packageImports(
  graph: ImportGraph,
  inScope: (file: string) => boolean,
  forbidden: (specifier: string) => boolean,
): string[] {
  return [...graph]
    .filter(([file]) => inScope(file))
    .flatMap(([file, imports]) => imports.packages.filter(forbidden).map((p) => `${file} imports ${p}`));
}

/** `file imports other`, for every import of a tree file outside `allowed`, by files `inScope` selects. */
export function fileImports(
  graph: ImportGraph,
  inScope: (file: string) => boolean,
  allowed: (imported: string) => boolean,
): string[] {
  return [...graph]
    .filter(([file]) => inScope(file))
    .flatMap(([file, imports]) =>
      imports.files.filter((f) => !allowed(f)).map((imported) => `${file} imports ${imported}`),
    );
}

/** `file:line reads process.env`, for files `inScope` selects. */
export function envReads(graph: ImportGraph, inScope: (file: string) => boolean): string[] {
  return [...graph]
    .filter(([file]) => inScope(file))
    .flatMap(([file, imports]) => imports.envReads.map((line) => `${file}:${line} reads process.env`));
}

function toKey(root: string, file: string): string {
  return relative(root, file).split(sep).join('/');
}

function readModule(root: string, source: SourceFile, known: ReadonlySet<string>): ModuleImports {
  const imports: ModuleImports = { files: [], packages: [], envReads: [] };
  for (const node of source.imports) {
    if (!isStringLiteralLikeNode(node)) continue;
    const specifier = node.text;
    if (!specifier.startsWith('.')) imports.packages.push(specifier);
    else {
      const target = toKey(root, resolve(dirname(source.fileName), specifier));
      const found = [target, `${target}.ts`, `${target}/index.ts`].find((key) => known.has(key));
      if (found !== undefined) imports.files.push(found);
    }
  }
  const visit = (node: Node): void => {
    if (readsProcessEnv(node)) {
      imports.envReads.push(source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1);
    }
    node.forEachChild(visit);
  };
  source.forEachChild(visit);
  imports.files = [...new Set(imports.files)];
  imports.packages = [...new Set(imports.packages)];
  return imports;
}

/** `process.env` and `process['env']`. */
function readsProcessEnv(node: Node): boolean {
  if (isPropertyAccessExpression(node)) return isProcess(node.expression) && node.name.getText() === 'env';
  if (isElementAccessExpression(node)) {
    const key = node.argumentExpression;
    return isProcess(node.expression) && isStringLiteral(key) && key.text === 'env';
  }
  return false;
}

function isProcess(node: Node): boolean {
  return isIdentifier(node) && node.text === 'process';
}

/** Tarjan's algorithm: the graph's strongly connected groups of files. */
function stronglyConnected(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const connect = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file) ?? 0);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file)?.files ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(next) ?? 0));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(next) ?? 0));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
      onStack.delete(member);
      group.push(member);
      if (member === file) break;
    }
    groups.push(group.sort());
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) connect(file);
  return groups;
}

/** A shortest circle through the group's first file, staying inside the group. */
function circleThrough(graph: ImportGraph, group: ReadonlySet<string>): string[] {
  const [start = ''] = group;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
    for (const next of graph.get(at)?.files ?? []) {
      if (!group.has(next)) continue;
      if (next === start) return [...pathTo(cameFrom, at, start), start];
      if (!cameFrom.has(next)) {
        cameFrom.set(next, at);
        queue.push(next);
      }
    }
  }
  return [start];
}

function pathTo(cameFrom: ReadonlyMap<string, string>, end: string, start: string): string[] {
  const path = [end];
  for (let at = end; at !== start; ) {
    at = cameFrom.get(at) ?? start;
    path.unshift(at);
  }
  return path;
}
