/**
 * The files a batch command (engine/batch-commands.ts) talks through: the batch's targets, written
 * before it starts (TRANCHE_TARGETS_FILE), and its result per target, read after it ends
 * (TRANCHE_RESULTS_FILE), validated here. Both live in a private temporary directory removed
 * afterwards.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import type { BatchTarget, TargetOutcome } from '../engine/ports.ts';

/** `{"web-1": {"ok": true}, "web-2": {"ok": false, "message": "unreachable"}}` */
export const batchResultsSchema = z.record(
  z.string(),
  z.strictObject({ ok: z.boolean(), message: z.string().optional() }),
);

export interface BatchFiles {
  /** TRANCHE_TARGETS_FILE and TRANCHE_RESULTS_FILE. */
  env: Record<string, string>;
  /** The outcomes the command wrote, or why none could be read. */
  results(): Promise<{ outcomes: Map<string, TargetOutcome>; problem?: string }>;
  remove(): Promise<void>;
}

/** Writes `{"targets": [{name, labels, previousVersion}]}` to a new temporary directory. */
export async function batchFiles(targets: readonly BatchTarget[]): Promise<BatchFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'tranche-batch-'));
  const targetsFile = join(dir, 'targets.json');
  const resultsFile = join(dir, 'results.json');
  await writeFile(targetsFile, JSON.stringify({ targets }), { mode: 0o600 });
  return {
    env: { TRANCHE_TARGETS_FILE: targetsFile, TRANCHE_RESULTS_FILE: resultsFile },
    results: () => readResults(resultsFile),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

async function readResults(
  file: string,
): Promise<{ outcomes: Map<string, TargetOutcome>; problem?: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { outcomes: new Map(), problem: 'the command wrote no results file (TRANCHE_RESULTS_FILE)' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { outcomes: new Map(), problem: `its results file is not JSON: ${(error as Error).message}` };
  }
  const parsed = batchResultsSchema.safeParse(value);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const at = issue?.path.map(String).join('.') ?? '';
    return {
      outcomes: new Map(),
      problem: `its results file is malformed${at ? ` at ${at}` : ''}: ${issue?.message ?? 'unexpected shape'} (expected {"<target>": {"ok": true|false, "message"?: "…"}})`,
    };
  }
  return { outcomes: new Map(Object.entries(parsed.data)) };
}
