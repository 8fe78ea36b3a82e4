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
  /** Subscribe to SIGINT, SIGTERM and SIGHUP; returns an unsubscribe function. */
  onSignal(handler: (signal: string) => void): () => void;
  /**
   * Subscribe to stdout's reader going away (`tranche tail | head`); returns an unsubscribe
   * function. Output written after that is dropped quietly.
   */
  onStdoutClosed(handler: () => void): () => void;
}

export function processRuntime(): Runtime {
  const closedHandlers = new Set<() => void>();
  // SIGHUP: the terminal closed or the SSH session dropped; a run stops and rolls back as on Ctrl-C.
  // Node sets SIGHUP back to its default (death) at start even under nohup, so handling it only
  // ever replaces dying mid-run with stopping cleanly; `setsid` detaches a run from the session.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: quietWhenClosed(process.stdout, () => {
      for (const handler of closedHandlers) handler();
    }),
    // A terminal that hung up fails every write: the run goes on rolling back without its output.
    stderr: quietWhenClosed(process.stderr, () => undefined),
    onSignal(handler) {
      for (const signal of signals) process.on(signal, handler);
      return () => {
        for (const signal of signals) process.off(signal, handler);
      };
    },
    onStdoutClosed(handler) {
      closedHandlers.add(handler);
      return () => closedHandlers.delete(handler);
    },
  };
}

/** A stream whose reader may go away: once the pipe is closed, writes are dropped instead of failing with EPIPE. */
function quietWhenClosed(stream: NodeJS.WriteStream, onClose: () => void): Output {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    // EPIPE: the reader of a pipe went away; EIO: the terminal hung up.
    if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
    if (closed) return;
    closed = true;
    onClose();
  });
  return {
    write: (text) => !closed && stream.write(text),
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
  };
}

/** Bad usage or bad input: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
