// GetLogEvents: one page of a stream, from the head or the tail, within [startTime, endTime),
// paged by forward and backward tokens. Each call is one keyset read of at most `limit` rows.
import type { GetLogEventsRequest, GetLogEventsResponse, OutputLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { ServiceOperations } from '../../aws/service.ts';
import type { EventPosition, EventQuery, StoredLogEvent } from '../../store/log-events.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { decodeEventToken, encodeEventToken } from './event-tokens.ts';
import { groupNameOf, requireGroup, requireStream } from './records.ts';

/**
 * "If you don't specify a value, the maximum is the number of log events that can fit in a
 * response size of 1 MB (up to 10,000 log events)" (GetLogEvents and FilterLogEvents, limit).
 */
export const MAX_EVENTS = 10_000;
export const MAX_RESPONSE_BYTES = 1_048_576;
/** Berth counts a returned event as its message's UTF-8 bytes plus PutLogEvents' 26 bytes of overhead. */
const EVENT_OVERHEAD_BYTES = 26;

/** The leading events that fit in one response. */
export function withinResponseSize<T extends { message: string }>(events: readonly T[]): T[] {
  let bytes = 0;
  const kept: T[] = [];
  for (const event of events) {
    bytes += Buffer.byteLength(event.message, 'utf8') + EVENT_OVERHEAD_BYTES;
    if (bytes > MAX_RESPONSE_BYTES && kept.length > 0) break;
    kept.push(event);
  }
  return kept;
}

/** The position just after `p` in seq terms: a backward read from it includes `p` itself. */
function justAfter(p: EventPosition): EventPosition {
  return { timestamp: p.timestamp, seq: p.seq + 1 };
}

function output(events: readonly StoredLogEvent[]): OutputLogEvent[] {
  return events.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime }));
}

export function getLogEventsOperations(deps: ServiceDeps) {
  return {
    GetLogEvents: async (input: GetLogEventsRequest, ctx) => {
      const scope = regionalScope(ctx);
      const groupName = groupNameOf(scope, input);
      const token = input.nextToken === undefined ? undefined : decodeEventToken(input.nextToken);
      // A token carries its own direction; without one, startFromHead chooses (default: the tail).
      const forward = token ? token.direction === 'f' : input.startFromHead === true;
      const window: EventQuery = {
        limit: input.limit ?? MAX_EVENTS,
        ...(input.startTime !== undefined ? { startTime: input.startTime } : {}),
        ...(input.endTime !== undefined ? { endTime: input.endTime } : {}),
      };
      return deps.store.read(async (tx) => {
        await requireGroup(tx, scope, groupName);
        await requireStream(tx, scope, groupName, input.logStreamName ?? '');
        const ref = { scope, group: groupName, stream: input.logStreamName ?? '' };
        const query: EventQuery = forward
          ? { ...window, ...(token ? { after: token.position } : {}) }
          : { ...window, descending: true, ...(token ? { before: token.position } : {}) };
        // A tail read comes newest first; the response lists events oldest first either way.
        const read = withinResponseSize(await tx.logEvents().readStream(ref, query));
        const events = forward ? read : read.reverse();
        const first = events[0];
        const last = events[events.length - 1];
        if (!first || !last) {
          // Nothing (more) here: hand back the same position, so a caller sees the token it sent.
          const at = token?.position ?? { timestamp: forward ? (input.startTime ?? 0) : (input.endTime ?? input.startTime ?? 0), seq: 0 };
          return {
            events: [],
            nextForwardToken: token?.direction === 'f' || !token ? encodeEventToken('f', at) : encodeEventToken('f', { ...at, seq: Math.max(0, at.seq - 1) }),
            nextBackwardToken: token?.direction === 'b' || !token ? encodeEventToken('b', at) : encodeEventToken('b', justAfter(at)),
          };
        }
        return {
          events: output(events),
          nextForwardToken: encodeEventToken('f', last),
          nextBackwardToken: encodeEventToken('b', first),
        };
      });
    },
  } satisfies ServiceOperations<{ GetLogEvents: [GetLogEventsRequest, GetLogEventsResponse] }>;
}
