/** A command's release track against the default branch's tranche.yml: the bot promotes it, or why not. */
import { closestMatch } from 'leven';
import type { HandlerScope } from '../bot-scope.ts';
import { type RepoTracks, repoTracks } from '../tracks/advance-tracks.ts';
import { configFor } from './environment-check.ts';

export type TracksFor = { ok: true; tracks: RepoTracks } | { ok: false; problem: string };

/** The repository's tracks, when the bot promotes them and they include `track` (if one is named). */
export function tracksFor(scope: HandlerScope, track?: string): TracksFor {
  const config = configFor(scope, undefined);
  if (!config.ok) return config;
  const configured = repoTracks(scope);
  if (!configured) return { ok: false, problem: `${config.loaded.file} defines no release tracks` };
  const names = configured.tracks.map((t) => t.name);
  if (track === undefined || names.includes(track)) return { ok: true, tracks: configured };
  const guess = closestMatch(track, names, { maxDistance: 2 });
  const hint = guess ? `did you mean \`${guess}\`? ` : '';
  return {
    ok: false,
    problem: `there is no track \`${track}\` in ${config.loaded.file}; ${hint}the tracks are ${names.map((n) => `\`${n}\``).join(', ')}`,
  };
}
