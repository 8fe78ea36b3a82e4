/**
 * A panel of the page: a titled section rendered on the server from the ledger, re-rendered and
 * pushed to the browser whenever the ledger changes. A new panel is one file exporting a Panel
 * and one line in panels/index.ts.
 */
import type { TrackSpec } from '../../engine/tracks.ts';
import type { Html } from '../html.ts';
import type { DashboardLedger } from '../read-model.ts';

/** The viewer a panel renders for (host.ts DashboardViewer, what panels need of it). */
export interface PanelViewer {
  actor: string;
  canAct(service: string, environment: string, action: 'deploy' | 'rollback'): Promise<boolean>;
}

/** A commit the host knows (local: git; the bot: GitHub), newest first. */
export interface CommitView {
  sha: string;
  subject: string;
  author: string;
  at: number;
}

/** A service's release tracks as its config declares them. */
export interface ServiceTracks {
  tracks: TrackSpec[];
  /** Each environment's targets (see release/track-state.ts memberHealth). */
  environmentTargets?: ReadonlyMap<string, readonly string[]> | undefined;
}

export interface PanelContext {
  ledger: DashboardLedger;
  viewer: PanelViewer;
  /** Where the page is served, without a trailing slash ('' for the root). */
  basePath: string;
  now: number;
  /** Every service × environment the viewer may read. */
  environments: readonly { service: string; environment: string }[];
  /** The services the viewer may read. */
  readable: ReadonlySet<string>;
  /** The host's recent commits of a service; absent when the host knows none. */
  commits?: ((service: string) => Promise<CommitView[]>) | undefined;
  /** The host's release tracks of a service; absent when the host knows none. */
  tracks?: ((service: string) => Promise<ServiceTracks | undefined>) | undefined;
}

export interface Panel {
  /** Unique on the page; also the element id. */
  id: string;
  title: string;
  render(context: PanelContext): Promise<Html>;
}
