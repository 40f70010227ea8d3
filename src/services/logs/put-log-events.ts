// PutLogEvents with AWS's batch rules, and the same append for Berth's own awslogs driver
// (appendLogEvents, ensureLogStream), which writes through the store without HTTP. A batch is
// one transaction: its events, its stream's record and its group's storedBytes land together.
import type { PutLogEventsRequest, PutLogEventsResponse, RejectedLogEventsInfo } from '@aws-sdk/client-cloudwatch-logs';
import type { ServiceOperations } from '../../aws/service.ts';
import type { NewLogEvent } from '../../store/log-events.ts';
import type { Scope, Store, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { GROUP_NOT_FOUND, InvalidParameterException, ResourceNotFoundException } from './errors.ts';
import { sequenceToken } from './log-streams.ts';
import { newGroup, newStream, putGroup, putStream, requireGroup, requireStream, streamId, type LogGroupRecord, type LogStreamRecord } from './records.ts';
import { retentionCutoff } from './retention.ts';

// PutLogEvents' limits (API reference, PutLogEvents): "The maximum batch size is 1,048,576 bytes.
// This size is calculated as the sum of all event messages in UTF-8, plus 26 bytes for each log
// event"; "None of the log events in the batch can be more than 2 hours in the future"; "... more
// than 14 days in the past ... or from earlier than the retention period of the log group"; "A
// batch of log events in a single request must be in chronological order"; "cannot span more than
// 24 hours". The 10,000-event limit is the model's (InputLogEvents max) and checked before this.
export const MAX_BATCH_BYTES = 1_048_576;
export const EVENT_OVERHEAD_BYTES = 26;
const HOUR_MS = 3_600_000;
const MAX_FUTURE_MS = 2 * HOUR_MS;
const MAX_PAST_MS = 14 * 24 * HOUR_MS;
const MAX_SPAN_MS = 24 * HOUR_MS;

export interface CheckedBatch {
  /** The events to store: those not rejected. */
  accepted: NewLogEvent[];
  rejected: RejectedLogEventsInfo | undefined;
}

/** Applies AWS's batch rules at `now`; throws InvalidParameterException for a batch AWS refuses whole. */
export function checkBatch(events: readonly NewLogEvent[], now: Date, retentionInDays: number | undefined): CheckedBatch {
  const bytes = events.reduce((sum, e) => sum + Buffer.byteLength(e.message, 'utf8') + EVENT_OVERHEAD_BYTES, 0);
  // Verified: "Upload too large: 1049882 bytes exceeds limit of 1048576" (nhs-england-tools/terraform-aws-opennext #27).
  if (bytes > MAX_BATCH_BYTES) throw new InvalidParameterException(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);
  for (let i = 1; i < events.length; i++) {
    if ((events[i]?.timestamp ?? 0) < (events[i - 1]?.timestamp ?? 0)) {
      // Verified: dibog/cloudwatch-logback-appender #17, lazywithclass/winston-cloudwatch #197.
      throw new InvalidParameterException('Log events in a single PutLogEvents request must be in chronological order.');
    }
  }
  const first = events[0]?.timestamp ?? 0;
  const last = events[events.length - 1]?.timestamp ?? 0;
  if (last - first > MAX_SPAN_MS) {
    // Verified: aws-greengrass/aws-greengrass-log-manager #59, maxbanton/cwh #96.
    throw new InvalidParameterException('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.');
  }
  const tooOld = now.getTime() - MAX_PAST_MS;
  const expired = retentionCutoff(retentionInDays, now);
  const tooNew = now.getTime() + MAX_FUTURE_MS;
  // Events are in order, so each rejection is a run at one end: [0..tooOldEnd], [0..expiredEnd], [tooNewStart..].
  let tooOldEnd = -1;
  let expiredEnd = -1;
  let tooNewStart = events.length;
  events.forEach((e, i) => {
    if (e.timestamp < tooOld) tooOldEnd = i;
    if (expired !== undefined && e.timestamp < expired) expiredEnd = i;
    if (e.timestamp > tooNew && tooNewStart === events.length) tooNewStart = i;
  });
  const rejected: RejectedLogEventsInfo = {};
  if (tooOldEnd >= 0) rejected.tooOldLogEventEndIndex = tooOldEnd;
  if (expiredEnd >= 0) rejected.expiredLogEventEndIndex = expiredEnd;
  if (tooNewStart < events.length) rejected.tooNewLogEventStartIndex = tooNewStart;
  const start = Math.max(tooOldEnd, expiredEnd) + 1;
  return { accepted: events.slice(start, Math.max(start, tooNewStart)), rejected: Object.keys(rejected).length > 0 ? rejected : undefined };
}

/** Stores events (already in order) in a stream and updates its record and its group's storedBytes. */
async function ingest(tx: StoreTx, scope: Scope, group: LogGroupRecord, stream: LogStreamRecord, events: readonly NewLogEvent[], now: Date): Promise<LogStreamRecord> {
  if (events.length === 0) return stream;
  const ref = { scope, group: group.logGroupName, stream: stream.logStreamName };
  const appended = await tx.logEvents().append(ref, events, now.getTime());
  // In order, so the batch's first and last events bound it.
  const earliest = events[0]?.timestamp ?? 0;
  const latest = events[events.length - 1]?.timestamp ?? 0;
  const updated: LogStreamRecord = {
    ...stream,
    firstEventTimestamp: Math.min(stream.firstEventTimestamp ?? earliest, earliest),
    lastEventTimestamp: Math.max(stream.lastEventTimestamp ?? latest, latest),
    lastIngestionTime: now.getTime(),
    storedBytes: stream.storedBytes + appended.bytes,
    lastSeq: appended.lastSeq,
  };
  await putStream(tx, scope, updated);
  await putGroup(tx, scope, { ...group, storedBytes: group.storedBytes + appended.bytes });
  return updated;
}

export function putLogEventsOperations(deps: ServiceDeps) {
  return {
    PutLogEvents: async (input: PutLogEventsRequest, ctx) => {
      const scope = regionalScope(ctx);
      // sequenceToken is accepted and ignored, as AWS does since January 2023 ("The sequence token is now ignored").
      const events = (input.logEvents ?? []).map((e) => ({ timestamp: e.timestamp ?? 0, message: e.message ?? '' }));
      return deps.store.write(async (tx) => {
        const group = await requireGroup(tx, scope, input.logGroupName ?? '');
        const stream = await requireStream(tx, scope, group.logGroupName, input.logStreamName ?? '');
        const batch = checkBatch(events, ctx.now, group.retentionInDays);
        const updated = await ingest(tx, scope, group, stream, batch.accepted, ctx.now);
        return { nextSequenceToken: sequenceToken(updated.lastSeq), rejectedLogEventsInfo: batch.rejected };
      });
    },
  } satisfies ServiceOperations<{ PutLogEvents: [PutLogEventsRequest, PutLogEventsResponse] }>;
}

export interface StreamTarget {
  scope: Scope;
  group: string;
  stream: string;
  /** awslogs-create-group "true": create the group when it is missing. */
  createGroup?: boolean;
}

/**
 * Makes sure a stream exists (as the awslogs driver does when a container starts), creating the
 * group too when `createGroup`. Throws ResourceNotFoundException "The specified log group does
 * not exist." when the group is missing and may not be created.
 */
export async function ensureLogStream(store: Store, target: StreamTarget, now: Date): Promise<void> {
  await store.write(async (tx) => { await streamFor(tx, target, now); });
}

/**
 * Appends a container's lines to a stream in one transaction, without HTTP and without
 * PutLogEvents' batch limits (the driver batches itself): creates the stream (and the group when
 * `createGroup`) as needed; events are stored in time order.
 */
export async function appendLogEvents(store: Store, target: StreamTarget, events: readonly NewLogEvent[], now: Date): Promise<void> {
  const ordered = [...events].sort((a, b) => a.timestamp - b.timestamp);
  await store.write(async (tx) => {
    const { group, stream } = await streamFor(tx, target, now);
    await ingest(tx, target.scope, group, stream, ordered, now);
  });
}

async function streamFor(tx: StoreTx, target: StreamTarget, now: Date): Promise<{ group: LogGroupRecord; stream: LogStreamRecord }> {
  let group = await tx.get('logs.group', target.scope, target.group);
  if (!group) {
    if (!target.createGroup) throw new ResourceNotFoundException(GROUP_NOT_FOUND);
    group = newGroup(target.group, now);
    await putGroup(tx, target.scope, group);
  }
  let stream = await tx.get('logs.stream', target.scope, streamId(target.group, target.stream));
  if (!stream) {
    stream = newStream(target.group, target.stream, now);
    await putStream(tx, target.scope, stream);
  }
  return { group, stream };
}
