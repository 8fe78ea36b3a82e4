/**
 * Checkpoints a SQLite ledger's write-ahead log from a thread of its own, for a process that runs
 * for long (the bot). A checkpoint copies the WAL into the database file and syncs both to disk;
 * SQLite runs it inside whichever commit takes the WAL past its threshold, so that commit (and
 * every webhook queued behind it on the event loop) waits out two fsyncs, which on a busy disk
 * take from milliseconds to tens of them. Here the checkpoints are PASSIVE, from a connection of
 * their own: they never wait for, or hold up, the process's readers and writers, and the process's
 * own connection keeps a far higher threshold, so that it checkpoints only should this thread fall
 * behind.
 *
 * A pass copies the frames the WAL held when it began; commits made meanwhile wait for the next.
 * SQLite writes the WAL from its beginning again only when a writer finds every frame copied, so
 * under a steady stream of commits (one during every pass) the log would only grow, and every
 * commit would extend the file. So the thread passes again at once while the last pass found new
 * frames: a pass over the few frames of the commits made during the one before is short, and once
 * one ends with nothing new the next writer starts the log over.
 */
import { Worker } from 'node:worker_threads';

/** WAL pages past which the process's own connection checkpoints anyway (SQLite's default is 1,000). */
export const FALLBACK_CHECKPOINT_PAGES = 10_000;
/** Passes a tick runs at most, while each finds frames committed during the one before. */
const PASSES_PER_TICK = 8;

/**
 * The thread's code: a plain script, so that it runs the same from the source and from dist/'s
 * bundles, and read as CommonJS or as a module alike (a process run with --input-type=module
 * passes that on to its threads): it takes Node's modules from process.getBuiltinModule.
 */
const THREAD = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
const db = new DatabaseSync(workerData.path);
db.exec('PRAGMA synchronous = NORMAL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try {
    // Done when a pass finds the log as long as the last one left it (nothing committed since),
    // or when a reader holds frames back (the next tick tries again).
    let frames = -1;
    for (let pass = 0; pass < workerData.passes; pass++) {
      const { log, checkpointed } = checkpoint.get();
      if (log === frames || checkpointed < log) break;
      frames = log;
    }
  } catch (error) {
    parentPort.postMessage(String(error && error.message ? error.message : error));
  }
}, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface BackgroundCheckpoints {
  /** How often the thread checkpoints what the WAL holds. */
  everyMs: number;
  /** A checkpoint that failed (the next one tries again); SQLite's threshold takes over meanwhile. */
  onError(message: string): void;
}

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<unknown>;

  private constructor(worker: Worker) {
    this.worker = worker;
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
  }

  /** Starts checkpointing the ledger file at `path`; the thread never keeps the process alive. */
  static start(path: string, options: BackgroundCheckpoints): WalCheckpointer {
    const worker = new Worker(THREAD, {
      eval: true,
      workerData: { path, everyMs: options.everyMs, passes: PASSES_PER_TICK },
    });
    worker.on('message', (message: string) => options.onError(message));
    worker.on('error', (error) => options.onError(error.message));
    worker.unref();
    return new WalCheckpointer(worker);
  }

  /** Stops the thread and closes its connection; the process stays alive until it has. */
  async close(): Promise<void> {
    // Referenced again: a process with nothing else to do would otherwise exit before the thread's
    // exit ends this wait, leaving the close unsettled.
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }
}
