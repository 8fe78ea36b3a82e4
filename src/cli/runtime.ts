/** Everything the CLI takes from its host, so tests can run it in-process. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

export interface Runtime {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: Output;
  stderr: Output;
  /** Subscribe to SIGINT/SIGTERM; returns an unsubscribe function. */
  onSignal(handler: (signal: string) => void): () => void;
}

export function processRuntime(): Runtime {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    onSignal(handler) {
      const signals = ['SIGINT', 'SIGTERM'] as const;
      for (const signal of signals) process.on(signal, handler);
      return () => {
        for (const signal of signals) process.off(signal, handler);
      };
    },
  };
}

/** Bad usage or bad input: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
