/**
 * Gets an inventory's text (config/inventory.ts): runs its command in the config's directory, in a
 * process group of its own killed at its timeout, or reads its file.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { InventoryReader } from '../config/inventory.ts';
import { deployFailure } from '../engine/decide.ts';
import { ShellExecutor } from './shell-executor.ts';

/** The most an inventory command may print: a million targets with a few labels each. */
export const INVENTORY_MAX_BYTES = 512 * 1024 * 1024;

export interface InventoryReaderOptions {
  /** The config's directory: commands run there and files are relative to it. */
  cwd: string;
  /** The environment the command starts from (commandBaseEnv: withheld credentials stay out). */
  baseEnv: Record<string, string | undefined>;
  /** The service, exported to the command as TRANCHE_SERVICE. */
  service: string;
}

export function inventoryReader(options: InventoryReaderOptions): InventoryReader {
  const executor = new ShellExecutor({ baseEnv: options.baseEnv, outputTailBytes: INVENTORY_MAX_BYTES });
  return async (source, about) => {
    if ('file' in source) {
      try {
        return { ok: true, text: await readFile(resolve(options.cwd, source.file), 'utf8') };
      } catch (error) {
        return {
          ok: false,
          problem: `cannot read inventory file ${source.file}: ${(error as Error).message}`,
        };
      }
    }
    const result = await executor.run({
      command: source.command,
      cwd: options.cwd,
      env: {
        TRANCHE_SERVICE: options.service,
        TRANCHE_ENVIRONMENT: about.environment,
        TRANCHE_COMPONENT: about.component,
      },
      timeoutMs: source.timeout,
    });
    const failure = deployFailure('', result, source.timeout, `inventory command ${source.command}`);
    if (failure) return { ok: false, problem: failure.message };
    if (Buffer.byteLength(result.stdout) >= INVENTORY_MAX_BYTES) {
      return {
        ok: false,
        problem: `inventory command ${source.command} printed more than ${INVENTORY_MAX_BYTES} bytes`,
      };
    }
    return { ok: true, text: result.stdout };
  };
}
