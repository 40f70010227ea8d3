// Retention: which periods a log group may keep events for, and the deletion of events older than
// that. expireGroupEvents runs inside a write (PutRetentionPolicy calls it at once); enforceRetention
// is what a retention controller calls with its clock, scope by scope.
import type { Scope, Store, StoreTx } from '../../store/store.ts';
import { InvalidParameterException } from './errors.ts';
import { putGroup, putStream, streamId, type LogGroupRecord } from './records.ts';

/**
 * PutRetentionPolicy's allowed retentionInDays (API reference and boto3's put_retention_policy:
 * "Possible values are: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
 * 2192, 2557, 2922, 3288, and 3653").
 */
export const RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const DAY_MS = 86_400_000;

/**
 * Throws InvalidParameterException for a value AWS does not allow. Not verified: the text, which
 * follows AWS's "1 validation error detected" form that Logs uses for its other constraints.
 */
export function assertRetentionDays(days: number): void {
  if (!RETENTION_DAYS.includes(days)) {
    throw new InvalidParameterException(`1 validation error detected: Value '${days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`);
  }
}

/** The oldest timestamp (ms) a group with this retention keeps at `now`; undefined: keeps everything. */
export function retentionCutoff(retentionInDays: number | undefined, now: Date): number | undefined {
  return retentionInDays === undefined ? undefined : now.getTime() - retentionInDays * DAY_MS;
}

/** Deletes the group's events older than its retention, keeping storedBytes right; answers how many went. */
export async function expireGroupEvents(tx: StoreTx, scope: Scope, group: LogGroupRecord, now: Date): Promise<number> {
  const cutoff = retentionCutoff(group.retentionInDays, now);
  if (cutoff === undefined) return 0;
  const expired = await tx.logEvents().deleteOlderThan(scope, group.logGroupName, cutoff);
  let events = 0;
  let bytes = 0;
  for (const gone of expired) {
    events += gone.events;
    bytes += gone.bytes;
    const stream = await tx.get('logs.stream', scope, streamId(group.logGroupName, gone.stream));
    if (stream) await putStream(tx, scope, { ...stream, storedBytes: Math.max(0, stream.storedBytes - gone.bytes) });
  }
  if (bytes > 0) await putGroup(tx, scope, { ...group, storedBytes: Math.max(0, group.storedBytes - bytes) });
  return events;
}

/** Applies every retention policy of a scope at `now`, one transaction per group; answers the events deleted. */
export async function enforceRetention(store: Store, scope: Scope, now: Date): Promise<number> {
  const groups = await store.read((tx) => tx.list('logs.group', scope));
  let deleted = 0;
  for (const { id } of groups) {
    deleted += await store.write(async (tx) => {
      const group = await tx.get('logs.group', scope, id);
      return group ? expireGroupEvents(tx, scope, group, now) : 0;
    });
  }
  return deleted;
}
