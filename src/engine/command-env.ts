import type { CommandContext } from './ports.ts';

/**
 * The environment variables through which a deploy, rollback or check command learns what to do.
 * Values are never interpolated into the command string.
 */
export function commandEnv(context: CommandContext): Record<string, string> {
  return {
    TRANCHE_SERVICE: context.service,
    TRANCHE_ENVIRONMENT: context.environment,
    TRANCHE_ENVIRONMENT_LABELS: JSON.stringify(context.environmentLabels),
    TRANCHE_COMPONENT: context.component,
    TRANCHE_TARGET: context.target.name,
    TRANCHE_TARGET_LABELS: JSON.stringify(context.target.labels),
    TRANCHE_VERSION: context.version,
    TRANCHE_PREVIOUS_VERSION: context.previousVersion ?? '',
    TRANCHE_BATCH: String(context.batch),
    TRANCHE_ACTION: context.action,
    TRANCHE_COMMIT: context.commit ?? '',
  };
}
