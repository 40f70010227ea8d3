// FilterLogEvents: the events of a log group (all streams, or some by name or prefix) in time
// order within [startTime, endTime) that match a filter pattern, paged by nextToken. The group
// index is read in batches from the token's position, so a page costs what it scans.
import type { FilterLogEventsRequest, FilterLogEventsResponse, FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { ServiceOperations } from '../../aws/service.ts';
import type { EventPosition, GroupEventQuery, StoredLogEvent } from '../../store/log-events.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { InvalidParameterException } from './errors.ts';
import { decodeEventToken, encodeEventToken, positionDigits } from './event-tokens.ts';
import { compileFilterPattern, FilterPatternError, type MessageMatcher } from './filter-pattern.ts';
import { MAX_EVENTS, withinResponseSize } from './get-log-events.ts';
import { groupNameOf, requireGroup } from './records.ts';

/** Rows read per store query. */
const BATCH = 1000;
/**
 * Rows one call scans at most before it answers with what it found and a nextToken, as AWS does
 * ("the response can contain fewer than limit events, or none, and still include a nextToken").
 */
const MAX_SCANNED = 100_000;

function matcherFor(pattern: string | undefined): MessageMatcher {
  try {
    return compileFilterPattern(pattern ?? '');
  } catch (error) {
    // Verified: "Invalid filter pattern" (aws/aws-toolkit-jetbrains #3219, mapbox/ecs-watchbot #350).
    if (error instanceof FilterPatternError) throw new InvalidParameterException(error.message);
    throw error;
  }
}

function output(event: StoredLogEvent): FilteredLogEvent {
  return {
    logStreamName: event.stream, timestamp: event.timestamp, message: event.message, ingestionTime: event.ingestionTime,
    // AWS's event ids are long decimal strings, unique per event; Berth's is its position.
    eventId: positionDigits(event),
  };
}

export function filterLogEventsOperations(deps: ServiceDeps) {
  return {
    FilterLogEvents: async (input: FilterLogEventsRequest, ctx) => {
      const scope = regionalScope(ctx);
      const groupName = groupNameOf(scope, input);
      if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
        // Not verified: the text. The API reference: "If you specify a value for both logStreamNamePrefix and logStreamNames, the action returns an InvalidParameterException error."
        throw new InvalidParameterException('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
      }
      const matches = matcherFor(input.filterPattern);
      const limit = input.limit ?? MAX_EVENTS;
      let position: EventPosition | undefined = input.nextToken === undefined ? undefined : decodeEventToken(input.nextToken, ['f']).position;
      const base: Omit<GroupEventQuery, 'limit'> = {
        ...(input.startTime !== undefined ? { startTime: input.startTime } : {}),
        ...(input.endTime !== undefined ? { endTime: input.endTime } : {}),
        ...(input.logStreamNames !== undefined ? { streams: input.logStreamNames } : {}),
        ...(input.logStreamNamePrefix !== undefined ? { streamPrefix: input.logStreamNamePrefix } : {}),
      };
      return deps.store.read(async (tx) => {
        await requireGroup(tx, scope, groupName);
        const found: StoredLogEvent[] = [];
        let scanned = 0;
        for (;;) {
          const rows = await tx.logEvents().readGroup(scope, groupName, { ...base, limit: BATCH, ...(position ? { after: position } : {}) });
          for (const row of rows) {
            position = row;
            scanned++;
            if (!matches(row.message)) continue;
            found.push(row);
            if (found.length === limit) break;
          }
          const page = withinResponseSize(found);
          const last = page[page.length - 1];
          if (page.length < found.length || found.length === limit) {
            // A full page: the next one starts after its last event.
            return { events: page.map(output), searchedLogStreams: [], nextToken: last ? encodeEventToken('f', last) : undefined };
          }
          if (rows.length < BATCH || !position) return { events: page.map(output), searchedLogStreams: [] };
          if (scanned >= MAX_SCANNED) return { events: page.map(output), searchedLogStreams: [], nextToken: encodeEventToken('f', position) };
        }
      });
    },
  } satisfies ServiceOperations<{ FilterLogEvents: [FilterLogEventsRequest, FilterLogEventsResponse] }>;
}
