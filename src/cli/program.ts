import { relative } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { ConfigError } from '../config/errors.ts';
import { UnknownEnvironmentError } from '../config/resolve.ts';
import { DeployRefusedError } from '../release/deploy-gate.ts';
import { DeployLockedError } from '../release/deploy-lock.ts';
import { ServiceNotOwnedError } from '../release/service-owner.ts';
import { dashboardCommand } from './commands/dashboard.ts';
import { deployCommand } from './commands/deploy.ts';
import { historyCommand } from './commands/history.ts';
import { ledgerExportCommand } from './commands/ledger-export.ts';
import { ledgerImportCommand } from './commands/ledger-import.ts';
import { ledgerPruneCommand } from './commands/ledger-prune.ts';
import { planCommand } from './commands/plan.ts';
import { reportCommand } from './commands/report.ts';
import { rollbackCommand } from './commands/rollback.ts';
import { statsCommand } from './commands/stats.ts';
import { statusCommand } from './commands/status.ts';
import { tailCommand } from './commands/tail.ts';
import { holdCommand, releaseCommand, tracksCommand } from './commands/tracks.ts';
import { markCommand, verdictCommand } from './commands/verdict.ts';
import { type VersionNextOptions, versionNextCommand } from './commands/version.ts';
import { watchCommand } from './commands/watch.ts';
import { DEFAULT_CONFIG_FILE, findConfig } from './find-config.ts';
import { type Runtime, UsageError } from './runtime.ts';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The order of release/actor.ts, after the name given. */
const ACTOR_DEFAULT = 'default: TRANCHE_ACTOR, GITHUB_ACTOR, USER, LOGNAME, this machine’s user name';
const ACTOR_HELP = `who starts the run, recorded with it (${ACTOR_DEFAULT})`;
const BY_HELP = `who (${ACTOR_DEFAULT})`;
/** The help of a command whose `show` runs when no subcommand is given: `show`'s options are its. */
const DEFAULT_SHOWS = (command: string, options: string) =>
  `\nWithout a command it runs show: tranche ${command} ${options} (tranche ${command} show --help lists every option).`;

// biome-ignore lint/suspicious/noExplicitAny: commander hands each command its own parsed options.
type Handler = (options: any, runtime: Runtime) => Promise<number>;

/** Run the CLI with argv (without node and script); resolves to the exit code. */
export async function main(argv: string[], runtime: Runtime): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(runtime, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, runtime);
  }
}

function buildProgram(runtime: Runtime, setExit: (code: number) => void): Command {
  const program = new Command('tranche')
    .description('Deploy a service to a fleet in small, verified steps; roll back on its own.')
    .version(packageJson.version, '-V, --version', 'print the version')
    // Only before a command: deploy, history and others take a --version of their own.
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError('(run tranche --help for usage)')
    .configureOutput({
      writeOut: (text) => runtime.stdout.write(text),
      writeErr: (text) => runtime.stderr.write(text),
    })
    .hook('preAction', (_program, action) => {
      if (action.getOptionValueSource('config') !== 'default') return;
      const found = findConfig(runtime.cwd);
      if (found !== undefined)
        action.setOptionValueWithSource('config', relative(runtime.cwd, found), 'default');
    });
  const command = (
    name: string,
    description: string,
    handler: Handler,
    options: Parameters<typeof common>[1] = 'all',
  ): Command => {
    const sub = program.command(name).description(description);
    common(sub, options);
    sub.action(async (options: unknown) => setExit(await handler(options, runtime)));
    return sub;
  };

  command('plan', 'print the batches a deploy would run, and run nothing', planCommand);
  command('deploy', 'allocate a version and roll it out, batch by batch, with checks', deployCommand)
    .option('--version <version>', 'deploy this existing version instead of allocating the next one')
    .option(
      '--commit <sha>',
      'the commit the version is built from (default: HEAD of the config’s work tree)',
    )
    .option('--allow-dirty', 'deploy even though the work tree has uncommitted changes')
    .option(
      '--github <owner/repo>',
      'report to GitHub as the Action does (check run, deployment statuses), with the token in GITHUB_TOKEN',
    )
    .option('--actor <name>', ACTOR_HELP);
  command('rollback', 'put an earlier version back on every target at once', rollbackCommand)
    .option(
      '--to <version>',
      'the version to return to (default: the newest older version that succeeded here)',
    )
    .option('--actor <name>', ACTOR_HELP);
  command('status', 'the live version and every target’s state, per environment', statusCommand);
  command('history', 'runs, newest first', historyCommand)
    .option('--limit <n>', 'at most this many runs', '20')
    .option('--service <name>', 'runs of this service (default: the config’s)')
    .option('--version <version>', 'only runs of this version')
    .option('--since <date|age>', 'only runs started at or after this date (ISO 8601) or this long ago (7d)');
  command(
    'dashboard',
    'serve the deployment manager page on 127.0.0.1, behind a secret in the URL it prints',
    dashboardCommand,
    // The page shows every environment, as a page.
    'config and ledger',
  ).option('--port <n>', 'the port (default: a free one)');
  command('stats', 'stage timing: count, min, median, p95 and max per stage', statsCommand);
  command('tail', 'follow a run’s events live from the ledger until it finishes', tailCommand)
    .option('--run <id>', 'the run to follow (default: the environment’s newest unfinished run)')
    .option('--poll <duration>', 'how often to look for new events', '1s');
  command(
    'watch',
    'run every check against every target on a schedule: a matrix turning red and green',
    watchCommand,
  )
    .option('--interval <duration>', 'the pause between two rounds of checks', '15s')
    .option('--once', 'run one round, then exit: 0 when every cell is green, 1 when any is red');
  const ledger = program.command('ledger').description('move records between ledgers, and trim old ones');
  const ledgerCommand = (name: string, description: string) =>
    common(ledger.command(name).description(description));
  ledgerCommand('export', 'write a signed bundle of the ledger’s records (key: TRANCHE_BUNDLE_KEY)')
    .option('--since <date|age>', 'only records from this date (ISO 8601) or this long ago (30d) on')
    .option('-o, --output <file>', 'write the bundle here instead of stdout')
    .action(async (options) => setExit(await ledgerExportCommand(options, runtime)));
  ledgerCommand('import', 'verify a bundle from `ledger export`, then merge it into this ledger')
    .argument('<file>', 'the bundle')
    .action(async (file: string, options) => setExit(await ledgerImportCommand(file, options, runtime)));
  ledgerCommand('prune', 'drop fine-grained events older than --keep; every run’s outcome stays')
    .option('--keep <age>', 'keep this much history in full, e.g. 90d')
    .option('--dry-run', 'only say what would be removed')
    .action(async (options) => setExit(await ledgerPruneCommand(options, runtime)));
  command(
    'report',
    'record how a job (or anything that ran a version) went, for the fleet-wide verdict',
    reportCommand,
  )
    .option('--version <version>', 'the version the job ran (required)')
    .option('--outcome <success|failure>', 'how it went (required)')
    .option('--job <id>', 'the job’s id: an outcome is recorded once per job (default: a new id)')
    .option('--source <name>', 'where the outcome comes from', 'report')
    .option('--at <date|age>', 'when it happened (ISO 8601, or an age such as 2h; default: now)');
  const verdict = program
    .command('verdict')
    .description('fleet-wide verdicts: compute them (the default), or override one with an audit record')
    .addHelpText('after', DEFAULT_SHOWS('verdict', '[--version V] [--json]'));
  common(
    verdict
      .command('show', { isDefault: true })
      .description('compute and record the verdict of each version with outcomes (or of --version)'),
  )
    .option('--version <version>', 'only this version, with its evidence and plot')
    .action(async (options) => setExit(await verdictCommand(options, runtime)));
  for (const mark of ['bad', 'good'] as const) {
    common(verdict.command(`mark-${mark}`).description(`override: mark a version ${mark} (an audit record)`))
      .argument('<version>', 'the version')
      .option('--reason <text>', 'why (required)')
      .option('--by <name>', BY_HELP)
      .action(async (v: string, options) => setExit(await markCommand(mark, v, options, runtime)));
  }
  const tracks = program
    .command('tracks')
    .description('release tracks: show them (the default), hold or release one')
    .addHelpText('after', DEFAULT_SHOWS('tracks', '[--json]'));
  common(
    tracks
      .command('show', { isDefault: true })
      .description('which version is on which track, and when the next promotion is due'),
  ).action(async (options) => setExit(await tracksCommand(options, runtime)));
  common(tracks.command('hold').description('stop promotions into and out of a track'))
    .argument('<track>', 'the track')
    .option('--reason <text>', 'why (required)')
    .option('--by <name>', BY_HELP)
    .action(async (track: string, options) => setExit(await holdCommand(track, options, runtime)));
  common(tracks.command('release').description('lift the hold on a track'))
    .argument('<track>', 'the track')
    .action(async (track: string, options) => setExit(await releaseCommand(track, options, runtime)));
  const version = program.command('version').description('versions from the ledger');
  const next = version.command('next').description('allocate the service’s next version atomically');
  common(next).option('--commit <sha>', 'the commit the version is built from (default: HEAD)');
  next.action(async (options: VersionNextOptions) => setExit(await versionNextCommand(options, runtime)));
  return program;
}

/** The options every command takes; `only` leaves out -e and --json for one that has no use for them. */
function common(command: Command, only: 'all' | 'config and ledger' = 'all'): Command {
  command
    .exitOverride()
    .addOption(
      new Option('-c, --config <file>', 'the config file').default(
        DEFAULT_CONFIG_FILE,
        'the nearest tranche.yml from here up to the repository root, where .github/tranche.yml comes first',
      ),
    )
    .option(
      '--ledger <path|url>',
      'the ledger: a SQLite file (default .tranche/ledger.db beside the config, or at the repository root for .github/tranche.yml) or a postgres:// URL; env TRANCHE_LEDGER, DATABASE_URL',
    );
  if (only === 'config and ledger') return command;
  return command
    .option('-e, --environment <name>', 'the environment (default: the only one defined)')
    .option('--json', 'print one JSON object instead of text');
}

function reportError(error: unknown, runtime: Runtime): number {
  if (error instanceof CommanderError) {
    // Help and version output exit 0; commander has already printed usage errors.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (
    error instanceof ConfigError ||
    error instanceof UnknownEnvironmentError ||
    error instanceof UsageError ||
    error instanceof DeployRefusedError ||
    error instanceof DeployLockedError ||
    error instanceof ServiceNotOwnedError ||
    // `deploy --github` closes the check run and deployment first, then throws with the refusal as cause.
    (error instanceof Error && error.cause instanceof DeployRefusedError)
  ) {
    runtime.stderr.write(`tranche: ${error.message}\n`);
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  runtime.stderr.write(`tranche: ${message}\n`);
  return EXIT.failed;
}
