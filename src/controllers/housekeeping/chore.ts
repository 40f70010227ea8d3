// The contract of one housekeeping chore: a retention rule that the housekeeping controller runs
// on its own interval (housekeeping.ts). Chores are level-based: every run reads from the store
// what is due at `now`, so a missed or failed run is made good by the next.

export interface Chore {
  /** Unique among a controller's chores; runOnce(name) and the log lines use it. */
  readonly name: string;
  /** Time from the end of one run to the start of the next (1 ms to about 24.8 days, setTimeout's range). */
  readonly intervalMs: number;
  /** Removes what is due at `now` and answers how many items went; a rejection is logged and retried next interval. */
  run(now: Date): Promise<number>;
}
