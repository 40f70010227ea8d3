// The security-group controller's planner, pure: given the table each task namespace should hold and what
// was last applied to it, which tables to (re)write and which memories to drop. Changes only.

/** A task whose namespace exists on this host, with the table its groups call for. */
export interface DesiredTable {
  taskId: string;
  netnsPath: string;
  script: string;
  /** scriptDigest(script). */
  digest: string;
}

export type FirewallAction =
  | { kind: 'apply'; taskId: string; netnsPath: string; script: string; digest: string }
  /** The task's namespace is gone: nothing to remove (its table went with it), only the memory. */
  | { kind: 'forget'; taskId: string };

export interface FirewallPlanInput {
  desired: readonly DesiredTable[];
  /** The digest of the script last applied to each task's namespace by this process. */
  observed: ReadonlyMap<string, string>;
}

/**
 * Applies a table where its digest differs from the last one applied (or none was: after a restart every
 * namespace is rewritten once, which also repairs a table changed by hand), and forgets tasks no longer desired.
 */
export function planFirewall({ desired, observed }: FirewallPlanInput): FirewallAction[] {
  const actions: FirewallAction[] = [];
  const wanted = new Set<string>();
  for (const table of desired) {
    wanted.add(table.taskId);
    if (observed.get(table.taskId) !== table.digest) {
      actions.push({ kind: 'apply', taskId: table.taskId, netnsPath: table.netnsPath, script: table.script, digest: table.digest });
    }
  }
  for (const taskId of observed.keys()) if (!wanted.has(taskId)) actions.push({ kind: 'forget', taskId });
  return actions;
}
