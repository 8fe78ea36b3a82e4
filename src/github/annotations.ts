/**
 * Check-run annotations on tranche.yml: each failing check at the line that defines it, each failed
 * deploy or rollback at its component's command. One per check (or component) and target.
 */
import type { LoadedConfig } from '../config/load.ts';
import type { DeployEvent } from '../engine/ports.ts';
import { checkData } from '../render/event-data.ts';

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'failure' | 'warning' | 'notice';
  title: string;
  message: string;
}

export interface AnnotationSource {
  loaded: LoadedConfig;
  /** The config's path from the repository root, as GitHub names files. */
  path: string;
  environment: string;
}

export function failureAnnotations(events: readonly DeployEvent[], source: AnnotationSource): Annotation[] {
  const seen = new Set<string>();
  const out: Annotation[] = [];
  for (const event of events) {
    const located = locateFailure(event, source);
    if (!located) continue;
    const id = `${located.title}\u0000${event.target ?? ''}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({
      path: source.path,
      start_line: located.line,
      end_line: located.line,
      annotation_level: 'failure',
      title: located.title,
      message: `${event.message ?? located.title}${event.batch !== undefined ? ` (batch ${event.batch})` : ''}`,
    });
  }
  return out;
}

function locateFailure(
  event: DeployEvent,
  source: AnnotationSource,
): { line: number; title: string } | undefined {
  if (event.status !== 'failed') return undefined;
  const where = event.target ? ` on ${event.target}` : '';
  if (event.kind === 'check') {
    const check = checkData(event).check;
    const line = source.loaded.locate(['checks', check])?.line;
    return line === undefined ? undefined : { line, title: `check ${check} failed${where}` };
  }
  if (event.kind === 'target_deploy' || event.kind === 'target_rollback') {
    const components = source.loaded.config.environments[source.environment]?.components ?? [];
    const index = components.findIndex((c) => c.name === event.component);
    if (index < 0) return undefined;
    const base = ['environments', source.environment, 'components', index] as const;
    const key =
      event.kind === 'target_rollback' && components[index]?.rollback !== undefined ? 'rollback' : 'deploy';
    const line = (source.loaded.locate([...base, key]) ?? source.loaded.locate([...base]))?.line;
    const action = event.kind === 'target_deploy' ? 'deploy' : 'rollback';
    return line === undefined ? undefined : { line, title: `${action} of ${event.component} failed${where}` };
  }
  return undefined;
}
