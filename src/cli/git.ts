import { execFile } from 'node:child_process';
import { dirname, relative } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_LEDGER_PATH } from '../ledger/open.ts';
import { UsageError } from './runtime.ts';

const run = promisify(execFile);

export interface WorkTree {
  commit: string;
  /** `git status --porcelain` lines: changed files, and untracked ones that .gitignore does not hide. */
  dirty: string[];
}

/** The default ledger's directory beside the config: Tranche's own records, never a change to deploy. */
const LEDGER_DIR = dirname(DEFAULT_LEDGER_PATH);

/**
 * The commit checked out in dir and its uncommitted changes; undefined outside a git work tree.
 * A new file counts: a deploy script never committed is code the commit does not hold. The
 * default ledger directory in dir does not, whether or not .gitignore hides it.
 */
export async function inspectWorkTree(dir: string): Promise<WorkTree | undefined> {
  try {
    const { stdout: inside } = await run('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir });
    if (inside.trim() !== 'true') return undefined;
    const { stdout: head } = await run('git', ['rev-parse', 'HEAD'], { cwd: dir });
    const everythingBut = ['--', ':/', `:(exclude)${LEDGER_DIR}`];
    const { stdout: status } = await run('git', ['status', '--porcelain', ...everythingBut], { cwd: dir });
    return { commit: head.trim(), dirty: status.split('\n').filter((line) => line.trim() !== '') };
  } catch {
    return undefined;
  }
}

/**
 * The full SHA of the commit `name` (a SHA, short or whole, a tag, a branch) names in dir's
 * repository; undefined when it names none. A name that starts with `-` names none (git would
 * read it as an option); git failing otherwise is an error of its own.
 */
export async function commitNamed(dir: string, name: string): Promise<string | undefined> {
  if (name.startsWith('-')) return undefined;
  try {
    const { stdout } = await run('git', ['rev-parse', '--verify', '--quiet', `${name}^{commit}`], {
      cwd: dir,
    });
    return stdout.trim() || undefined;
  } catch (error) {
    // --verify --quiet: exit 1, saying nothing, when the name resolves to no commit.
    const { code, stderr } = error as { code?: unknown; stderr?: unknown };
    if (code === 1 && String(stderr ?? '').trim() === '') return undefined;
    throw error;
  }
}

/**
 * The commit a command records: --commit (`named`; in a git work tree, the full SHA of the commit
 * it names, refused when it names none; outside one, as given), else the work tree's HEAD; null
 * outside a work tree without --commit.
 */
export async function chosenCommit(
  dir: string,
  named: string | undefined,
  tree: WorkTree | undefined,
): Promise<string | null> {
  if (named === undefined || tree === undefined) return named ?? tree?.commit ?? null;
  const commit = await commitNamed(dir, named);
  if (commit === undefined)
    throw new UsageError(`--commit ${named}: no such commit in the git repository at ${dir}`);
  return commit;
}

/** A file's path from the root of the git work tree holding it (as GitHub names files); undefined outside one. */
export async function repoRelativePath(file: string): Promise<string | undefined> {
  try {
    const { stdout } = await run('git', ['rev-parse', '--show-toplevel'], { cwd: dirname(file) });
    return relative(stdout.trim(), file);
  } catch {
    return undefined;
  }
}

/** Whether a git work tree holds `path` (from dir) without .gitignore hiding it; false outside a work tree. */
export async function isUnignoredInWorkTree(dir: string, path: string): Promise<boolean> {
  try {
    await run('git', ['check-ignore', '--quiet', path], { cwd: dir });
    return false;
  } catch (error) {
    // Exit 1: not ignored; 128: not a work tree (or git failed).
    return (error as { code?: unknown }).code === 1;
  }
}
