// Log streams: CreateLogStream, DeleteLogStream, DescribeLogStreams. Deleting a stream deletes its events.
import type {
  CreateLogStreamRequest, DeleteLogStreamRequest, DescribeLogStreamsRequest, DescribeLogStreamsResponse, LogStream,
} from '@aws-sdk/client-cloudwatch-logs';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { pageOf } from '../common/pagination.ts';
import { regionalScope } from '../common/scope.ts';
import { INVALID_NEXT_TOKEN, InvalidParameterException, ResourceAlreadyExistsException, STREAM_EXISTS } from './errors.ts';
import { groupNameOf, newStream, putGroup, putStream, requireGroup, requireStream, streamArn, streamId, type LogStreamRecord } from './records.ts';

const DESCRIBE_LIMIT = 50;

/** AWS's uploadSequenceToken/nextSequenceToken look like a long decimal number; Berth's counts the stream's events. */
export function sequenceToken(lastSeq: number): string {
  return String(lastSeq).padStart(56, '0');
}

function streamView(scope: Scope, stream: LogStreamRecord): LogStream {
  return {
    logStreamName: stream.logStreamName,
    creationTime: stream.creationTime,
    firstEventTimestamp: stream.firstEventTimestamp,
    lastEventTimestamp: stream.lastEventTimestamp,
    lastIngestionTime: stream.lastIngestionTime,
    uploadSequenceToken: sequenceToken(stream.lastSeq),
    arn: streamArn(scope, stream.logGroupName, stream.logStreamName),
    storedBytes: stream.storedBytes,
  };
}

const invalidToken = () => new InvalidParameterException(INVALID_NEXT_TOKEN);

function decodeOffset(token: string | undefined): number {
  if (token === undefined) return 0;
  const match = /^o\/(\d{1,9})$/.exec(token);
  if (!match) throw invalidToken();
  return Number(match[1]);
}

export function logStreamOperations(deps: ServiceDeps) {
  return {
    CreateLogStream: async (input: CreateLogStreamRequest, ctx) => {
      const scope = regionalScope(ctx);
      await deps.store.write(async (tx) => {
        const group = await requireGroup(tx, scope, input.logGroupName ?? '');
        const name = input.logStreamName ?? '';
        if (await tx.get('logs.stream', scope, streamId(group.logGroupName, name))) throw new ResourceAlreadyExistsException(STREAM_EXISTS);
        await putStream(tx, scope, newStream(group.logGroupName, name, ctx.now));
      });
      return {};
    },

    DeleteLogStream: async (input: DeleteLogStreamRequest, ctx) => {
      const scope = regionalScope(ctx);
      await deps.store.write(async (tx) => {
        const group = await requireGroup(tx, scope, input.logGroupName ?? '');
        const stream = await requireStream(tx, scope, group.logGroupName, input.logStreamName ?? '');
        await tx.logEvents().deleteStream({ scope, group: group.logGroupName, stream: stream.logStreamName });
        await tx.delete('logs.stream', scope, streamId(group.logGroupName, stream.logStreamName));
        if (stream.storedBytes > 0) await putGroup(tx, scope, { ...group, storedBytes: Math.max(0, group.storedBytes - stream.storedBytes) });
      });
      return {};
    },

    DescribeLogStreams: async (input: DescribeLogStreamsRequest, ctx) => {
      const scope = regionalScope(ctx);
      const groupName = groupNameOf(scope, input);
      const prefix = input.logStreamNamePrefix;
      const limit = input.limit ?? DESCRIBE_LIMIT;
      if (input.orderBy === 'LastEventTime' && prefix !== undefined) {
        // Not verified: the text. The API reference: "If you order the results by event time, you cannot specify the logStreamNamePrefix parameter."
        throw new InvalidParameterException('Cannot order by LastEventTime with a logStreamNamePrefix.');
      }
      return deps.store.read(async (tx) => {
        await requireGroup(tx, scope, groupName);
        if (input.orderBy === 'LastEventTime') {
          // The store orders by name or insertion only, so this order is sorted here; streams without
          // events sort as oldest. Ties keep name order.
          const all = (await tx.list('logs.stream', scope, { parent: groupName, order: 'name' })).map((r) => r.body);
          all.sort((a, b) => (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0));
          if (input.descending) all.reverse();
          const offset = decodeOffset(input.nextToken);
          const items = all.slice(offset, offset + limit);
          const more = offset + limit < all.length;
          return { logStreams: items.map((s) => streamView(scope, s)), nextToken: more ? `o/${offset + limit}` : undefined };
        }
        const page = await pageOf(tx, 'logs.stream', scope,
          { parent: groupName, order: 'name', descending: input.descending ?? false, ...(prefix !== undefined ? { namePrefix: prefix } : {}) },
          { token: input.nextToken, limit, invalidToken });
        return { logStreams: page.items.map((r) => streamView(scope, r.body)), nextToken: page.nextToken };
      });
    },
  } satisfies ServiceOperations<{
    CreateLogStream: [CreateLogStreamRequest, Record<string, never>];
    DeleteLogStream: [DeleteLogStreamRequest, Record<string, never>];
    DescribeLogStreams: [DescribeLogStreamsRequest, DescribeLogStreamsResponse];
  }>;
}
