// What the operations that change which tasks should run tell whoever runs them. RunTask and StopTask
// call it once their transaction has committed; the task runner (wired in main.ts) then plans at
// once instead of at its next poll, which stays as the safety net (a lost call only costs a poll).

/** Told that tasks were created or asked to stop. Must return at once and never throw: the caller's write has committed. */
export interface TaskEvents {
  changed(): void;
}
