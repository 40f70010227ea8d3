// Chore: deletes stopped ECS tasks once ECS no longer has to describe them (task-retention.ts),
// in every scope that holds tasks, with what belonged to the task alone: its tags, and its ENI
// should one still be recorded (the runner deletes it on the STOPPED move, so normally there is
// none; an orphan would hold a subnet address forever). Cluster counts are computed from the
// tasks at each DescribeClusters (tasks.ts taskCounts), so nothing there changes. The scope's
// 'ecs.task-scope' row stays: it only tells the runner and this chore where to look.
import { deleteTaskCredentialsId } from '../../services/sts/task-credentials.ts';
import { deleteNetworkInterface } from '../../services/ec2/network-interfaces.ts';
import { writeTags } from '../../services/ecs/tags.ts';
import { stoppedTaskExpired } from '../../services/ecs/task-retention.ts';
import type { Scope, Store, StoreTx } from '../../store/store.ts';
import type { Chore } from './chore.ts';

export const STOPPED_TASKS_CHORE = 'ecs-stopped-tasks';

/** Tasks read per page and deleted per transaction: a write holds SQLite's lock, so it stays short. */
const DEFAULT_BATCH_SIZE = 100;

export interface StoppedTasksChoreOptions {
  store: Store;
  /** The scopes that hold tasks (task-scopes.ts taskScopes). */
  scopes: () => Promise<Scope[]>;
  intervalMs: number;
  batchSize?: number;
}

export function stoppedTasksChore(options: StoppedTasksChoreOptions): Chore {
  return {
    name: STOPPED_TASKS_CHORE,
    intervalMs: options.intervalMs,
    async run(now) {
      let removed = 0;
      for (const scope of await options.scopes()) removed += await expireStoppedTasks(options.store, scope, now, options.batchSize);
      return removed;
    },
  };
}

/**
 * Deletes one scope's tasks that stoppedTaskExpired allows at `now`; answers how many went. Only
 * tasks desired STOPPED are read (state is the indexed desiredStatus, putTaskRecord), page by page
 * in seq order; each page's expired tasks go in one transaction that checks each again.
 */
export async function expireStoppedTasks(store: Store, scope: Scope, now: Date, batchSize = DEFAULT_BATCH_SIZE): Promise<number> {
  let removed = 0;
  let afterSeq = 0;
  for (;;) {
    const page = await store.read((tx) => tx.list('ecs.task', scope, { state: 'STOPPED', afterSeq, limit: batchSize }));
    const due = page.filter((row) => stoppedTaskExpired(row.body.task, now)).map((row) => row.id);
    if (due.length > 0) {
      removed += await store.write(async (tx) => {
        let deleted = 0;
        for (const taskId of due) if (await deleteExpiredTask(tx, scope, taskId, now)) deleted += 1;
        return deleted;
      });
    }
    const last = page.at(-1);
    if (last === undefined || page.length < batchSize) return removed;
    afterSeq = last.seq;
  }
}

/** Deletes the task and what was its alone, if it is (still) there and expired. */
async function deleteExpiredTask(tx: StoreTx, scope: Scope, taskId: string, now: Date): Promise<boolean> {
  const record = await tx.get('ecs.task', scope, taskId);
  if (!record || !stoppedTaskExpired(record.task, now)) return false;
  await tx.delete('ecs.task', scope, taskId);
  if (record.credentialsId !== undefined) await deleteTaskCredentialsId(tx, record.credentialsId);
  // Tags live in their own kind, keyed by the task's ARN (tags.ts); no tags deletes the row.
  await writeTags(tx, scope, record.task.taskArn ?? '', []);
  const eni = record.network.networkInterfaceId;
  if (eni !== '' && (await tx.get('ec2.network-interface', scope, eni))) await deleteNetworkInterface(tx, scope, eni);
  return true;
}
