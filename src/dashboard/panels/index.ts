/** The page's panels, in order. A new panel: one file in this folder and one line here. */
import { actionsPanel } from './actions.ts';
import { activeRunsPanel } from './active-runs.ts';
import { commitsPanel } from './commits.ts';
import { completedPanel } from './completed.ts';
import { environmentsPanel } from './environments.ts';
import type { Panel } from './panel.ts';
import { timingPanel } from './timing.ts';
import { tracksPanel } from './tracks.ts';
import { verdictsPanel } from './verdicts.ts';
import { watchPanel } from './watch.ts';

export const PANELS: readonly Panel[] = [
  environmentsPanel,
  activeRunsPanel,
  watchPanel,
  commitsPanel,
  completedPanel,
  verdictsPanel,
  tracksPanel,
  timingPanel,
  actionsPanel,
];
