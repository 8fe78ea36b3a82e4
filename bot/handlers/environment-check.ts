/** A command's environment against the default branch's tranche.yml: known, or why not. */
import { closestMatch } from 'leven';
import type { LoadedConfig } from '../../src/config/load.ts';
import type { HandlerScope } from '../bot-scope.ts';

export type ConfigFor = { ok: true; loaded: LoadedConfig } | { ok: false; problem: string };

/** The loaded config if it defines `environment` (or none is asked for); else what is wrong. */
export function configFor(scope: HandlerScope, environment: string | undefined): ConfigFor {
  const { config } = scope;
  if (config.state === 'missing') {
    return { ok: false, problem: `this repository has no ${config.path} on its default branch` };
  }
  if (config.state === 'invalid') {
    return {
      ok: false,
      problem: `${config.path} on the default branch is not valid:\n\n\`\`\`\n${config.message}\n\`\`\``,
    };
  }
  if (environment === undefined) return { ok: true, loaded: config.loaded };
  const names = Object.keys(config.loaded.config.environments);
  if (names.includes(environment)) return { ok: true, loaded: config.loaded };
  const guess = closestMatch(environment, names, { maxDistance: 3 });
  const hint = guess ? `did you mean \`${guess}\`? ` : '';
  return {
    ok: false,
    problem: `there is no environment \`${environment}\` in ${config.loaded.file}; ${hint}the environments are ${names.map((n) => `\`${n}\``).join(', ')}`,
  };
}
