// GetLogEvents' nextForwardToken / nextBackwardToken and FilterLogEvents' nextToken: an event
// position (timestamp, seq) written as AWS writes its tokens, `f/<digits>` and `b/<digits>`.
// A forward token reads the events after its position, a backward token those before it, so a
// token handed back when nothing is left is the same token (AWS: "If you have reached the end of
// the stream, it returns the same token you passed in").
import type { EventPosition } from '../../store/log-events.ts';
import { INVALID_NEXT_TOKEN, InvalidParameterException } from './errors.ts';

export type Direction = 'f' | 'b';

const DIGITS = 20;

export function positionDigits(position: EventPosition): string {
  return `${String(position.timestamp).padStart(DIGITS, '0')}${String(position.seq).padStart(DIGITS, '0')}`;
}

export function encodeEventToken(direction: Direction, position: EventPosition): string {
  return `${direction}/${positionDigits(position)}`;
}

/** The token's direction and position; InvalidParameterException "The specified nextToken is invalid." otherwise. */
export function decodeEventToken(token: string, allowed: readonly Direction[] = ['f', 'b']): { direction: Direction; position: EventPosition } {
  const match = /^([fb])\/(\d{20})(\d{20})$/.exec(token);
  const direction = match?.[1] as Direction | undefined;
  if (!match || direction === undefined || !allowed.includes(direction)) throw new InvalidParameterException(INVALID_NEXT_TOKEN);
  const position = { timestamp: Number(match[2]), seq: Number(match[3]) };
  if (!Number.isSafeInteger(position.timestamp) || !Number.isSafeInteger(position.seq)) throw new InvalidParameterException(INVALID_NEXT_TOKEN);
  return { direction, position };
}
