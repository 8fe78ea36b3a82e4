/** The CLI's notifications (src/notify): built from tranche.yml and the variables it names, drained before exit. */
import { systemClock } from '../engine/clock.ts';
import type { Reporter } from '../engine/ports.ts';
import { createNotifier, runNoticeReporter } from '../notify/front-door.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { Project } from './project.ts';
import type { Runtime } from './runtime.ts';

/** Delivery outcomes go where the progress goes; a channel left out is a warning. */
export function cliNotifier(
  project: Project,
  runtime: Runtime,
  options: { json?: boolean | undefined },
): Notifier {
  const progress = options.json ? runtime.stderr : runtime.stdout;
  return createNotifier(project.loaded.config, runtime.env, {
    clock: systemClock,
    log: {
      info: (message) => progress.write(`${message}\n`),
      warning: (message) => runtime.stderr.write(`tranche: warning: ${message}\n`),
    },
  });
}

/** The CI job's page, when the CI says it (TRANCHE_LOG_URL, GitLab's CI_JOB_URL, Jenkins' BUILD_URL). */
export function ciLogUrl(env: Runtime['env']): string | undefined {
  return env.TRANCHE_LOG_URL ?? env.CI_JOB_URL ?? env.BUILD_URL;
}

/** A CLI run's notices: who runs it (actor.ts), and the CI job's page. */
export function cliRunNotices(notifier: Notifier, runtime: Runtime, who: string): Reporter {
  return runNoticeReporter(notifier, who, [{ rel: 'log', title: 'Log', url: ciLogUrl(runtime.env) }]);
}

/** Runs `use`, then lets the deliveries in flight finish (each within its timeout) before returning. */
export async function drainingAfter<T>(notifier: Notifier, use: () => Promise<T>): Promise<T> {
  try {
    return await use();
  } finally {
    await notifier.drain();
  }
}

/** One notice (or a few) from a command that is done otherwise: sent, and waited for within its timeout. */
export async function notifyOnce(
  project: Project,
  runtime: Runtime,
  options: { json?: boolean | undefined },
  send: (notifier: Notifier) => void,
): Promise<void> {
  const notifier = cliNotifier(project, runtime, options);
  await drainingAfter(notifier, async () => send(notifier));
}
