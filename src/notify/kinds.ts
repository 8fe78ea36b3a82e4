/** What a notification can be about: the run's steps people act on, and the fleet's decisions. */
export const NOTICE_KINDS = [
  'run_started',
  'batch_failed',
  'rolled_back',
  /** A run that halted or was cancelled: targets may be left on the new version. */
  'stopped',
  'succeeded',
  'verdict_bad',
  'track_promoted',
  'track_held',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
