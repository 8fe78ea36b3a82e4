/**
 * The check run `tranche / <environment>` on the deployed commit: created in progress, updated once
 * per batch (never per target), completed with a conclusion, the Markdown report and annotations.
 * Updates are reports: a failed one is logged and swallowed, never a reason to stop a release.
 */
import type { DeployEvent, Reporter } from '../engine/ports.ts';
import { renderProgressMarkdown } from '../render/markdown-summary.ts';
import type { Annotation } from './annotations.ts';
import {
  type GitHubClient,
  httpStatus,
  NO_RETRY,
  outcomeUnknown,
  type RepoRef,
  redactedMessage,
} from './client.ts';
import type { Logger } from './deployments.ts';
import { ANNOTATIONS_PER_REQUEST, CHECK_SUMMARY_MAX, CHECK_TITLE_MAX, chunks, cut } from './limits.ts';

export type CheckConclusion = 'success' | 'failure' | 'cancelled' | 'neutral';

export interface CheckOutput {
  title: string;
  summary: string;
}

export function checkRunName(environment: string): string {
  return `tranche / ${environment}`;
}

export class CheckRun {
  readonly id: number;
  private readonly client: GitHubClient;
  private readonly repo: RepoRef;
  private readonly log: Logger;

  private constructor(client: GitHubClient, repo: RepoRef, id: number, log: Logger) {
    this.client = client;
    this.repo = repo;
    this.id = id;
    this.log = log;
  }

  /**
   * Create it in progress. Like a deployment, a check run must not be created twice, so a create
   * whose outcome is unknown is followed by a look-up by external_id (the run id) before a retry.
   */
  static async create(
    client: GitHubClient,
    repo: RepoRef,
    request: {
      environment: string;
      sha: string;
      runId: string;
      detailsUrl?: string | undefined;
      output: CheckOutput;
    },
    log: Logger,
  ): Promise<CheckRun> {
    const name = checkRunName(request.environment);
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) {
        const { data } = await client.rest.checks.listForRef({
          ...repo,
          ref: request.sha,
          check_name: name,
          filter: 'latest',
        });
        const found = data.check_runs.find((run) => run.external_id === request.runId);
        if (found) return new CheckRun(client, repo, found.id, log);
      }
      try {
        const { data } = await client.rest.checks.create({
          ...repo,
          name,
          head_sha: request.sha,
          external_id: request.runId,
          status: 'in_progress',
          started_at: new Date().toISOString(),
          ...(request.detailsUrl ? { details_url: request.detailsUrl } : {}),
          output: limited(request.output),
          ...NO_RETRY,
        });
        return new CheckRun(client, repo, data.id, log);
      } catch (error) {
        if (!outcomeUnknown(error) || attempt >= 3) throw error;
        log.warning(
          `creating the check run failed without a clear answer (${redactedMessage(error)}); checking whether it exists`,
        );
      }
    }
  }

  /** Replace the output while in progress; logs and swallows a failure. */
  async progress(output: CheckOutput): Promise<void> {
    try {
      await this.client.rest.checks.update({ ...this.repo, check_run_id: this.id, output: limited(output) });
    } catch (error) {
      this.log.warning(`could not update the check run: ${redactedMessage(error)}`);
    }
  }

  /**
   * Complete it. The first request carries the conclusion, the report and up to 50 annotations;
   * each further 50 take one more request (GitHub appends annotations). Logs and swallows failures.
   * Annotations GitHub refuses (a 422 for a path or line it does not accept) must not leave the
   * run in progress: the completion is sent again without them.
   */
  async complete(
    conclusion: CheckConclusion,
    output: CheckOutput,
    annotations: readonly Annotation[],
  ): Promise<void> {
    const [first = [], ...rest] = chunks(annotations, ANNOTATIONS_PER_REQUEST);
    const out = limited(output);
    const completion = (annotated: readonly Annotation[]) =>
      this.client.rest.checks.update({
        ...this.repo,
        check_run_id: this.id,
        status: 'completed',
        conclusion,
        completed_at: new Date().toISOString(),
        output: { ...out, annotations: [...annotated] },
      });
    try {
      await completion(first);
    } catch (error) {
      if (first.length === 0 || httpStatus(error) !== 422) {
        this.log.warning(`could not complete the check run: ${redactedMessage(error)}`);
        return;
      }
      this.log.warning(`GitHub refused the annotations (${redactedMessage(error)}); completing without them`);
      try {
        await completion([]);
      } catch (again) {
        this.log.warning(`could not complete the check run: ${redactedMessage(again)}`);
      }
      return;
    }
    try {
      for (const batch of rest) {
        await this.client.rest.checks.update({
          ...this.repo,
          check_run_id: this.id,
          output: { ...out, annotations: batch },
        });
      }
    } catch (error) {
      this.log.warning(`could not add the remaining annotations: ${redactedMessage(error)}`);
    }
  }
}

function limited(output: CheckOutput): CheckOutput {
  return { title: cut(output.title, CHECK_TITLE_MAX), summary: cut(output.summary, CHECK_SUMMARY_MAX) };
}

/** Hears the engine's events and updates the check run once per finished batch. */
export class CheckRunReporter implements Reporter {
  private readonly checkRun: CheckRun;
  private readonly events: DeployEvent[] = [];
  private readonly logUrl: string | undefined;

  constructor(checkRun: CheckRun, logUrl?: string | undefined) {
    this.checkRun = checkRun;
    this.logUrl = logUrl;
  }

  async event(event: DeployEvent): Promise<void> {
    this.events.push(event);
    if (event.kind !== 'batch_finished') return;
    const where = `${event.component} batch ${event.batch}`;
    await this.checkRun.progress({
      title: `${event.version}: ${where} ${event.status === 'ok' ? 'healthy' : 'failed'}`,
      summary: renderProgressMarkdown(this.events, { logUrl: this.logUrl }),
    });
  }

  /** Every event heard, in order: the final report is made from them. */
  heard(): readonly DeployEvent[] {
    return this.events;
  }
}

/** Hands each event to every reporter in turn, awaiting each. */
export function teeReporter(...reporters: Reporter[]): Reporter {
  return {
    async event(event) {
      for (const reporter of reporters) await reporter.event(event);
    },
  };
}
