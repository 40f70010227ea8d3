// Log groups and log streams as the store keeps them (typed kinds in the resources table), their
// ARNs, and the lookups every operation shares. Their events live in the log event store.
import type { Scope, StoreTx } from '../../store/store.ts';
import { GROUP_NOT_FOUND, InvalidParameterException, ResourceNotFoundException, STREAM_NOT_FOUND } from './errors.ts';

export interface LogGroupRecord {
  logGroupName: string;
  /** ms since the epoch. */
  creationTime: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  logGroupClass: string;
  deletionProtectionEnabled: boolean;
  /** UTF-8 bytes of the group's events, kept with every append and expiry. */
  storedBytes: number;
  tags: Record<string, string>;
}

export interface LogStreamRecord {
  logGroupName: string;
  logStreamName: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  storedBytes: number;
  /** The seq of the stream's newest event; AWS's uploadSequenceToken is derived from it. */
  lastSeq: number;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    'logs.group': LogGroupRecord;
    'logs.stream': LogStreamRecord;
  }
}

/** DescribeLogGroups' `arn`: the group's ARN with the trailing `:*` AWS prints there. */
export function groupArn(scope: Scope, name: string): string {
  return `${logGroupArn(scope, name)}:*`;
}

/** DescribeLogGroups' `logGroupArn` and the ARN TagResource takes: no trailing `:*`. */
export function logGroupArn(scope: Scope, name: string): string {
  return `arn:aws:logs:${scope.region}:${scope.account}:log-group:${name}`;
}

export function streamArn(scope: Scope, group: string, stream: string): string {
  return `${logGroupArn(scope, group)}:log-stream:${stream}`;
}

/** A stream's id in the store: group names cannot contain ':' (the model's pattern), so this is unambiguous. */
export function streamId(group: string, stream: string): string {
  return `${group}:${stream}`;
}

/** The log group an ARN names when it is a log group ARN of this scope (with or without `:*`). */
export function groupNameFromArn(scope: Scope, arn: string): string | undefined {
  const prefix = `arn:aws:logs:${scope.region}:${scope.account}:log-group:`;
  if (!arn.startsWith(prefix)) return undefined;
  const rest = arn.slice(prefix.length).replace(/:\*$/, '');
  return /^[.\-_/#A-Za-z0-9]+$/.test(rest) ? rest : undefined;
}

/**
 * The group a request names by `logGroupName` or `logGroupIdentifier` (a name or an ARN). Not
 * verified: the texts for both or neither given (AWS answers InvalidParameterException).
 */
export function groupNameOf(scope: Scope, input: { logGroupName?: string | undefined; logGroupIdentifier?: string | undefined }): string {
  if (input.logGroupName !== undefined && input.logGroupIdentifier !== undefined) {
    throw new InvalidParameterException('LogGroup name and LogGroup identifier are mutually exclusive parameters.');
  }
  const identifier = input.logGroupIdentifier;
  if (identifier !== undefined) {
    if (!identifier.startsWith('arn:')) return identifier;
    const name = groupNameFromArn(scope, identifier);
    if (name === undefined) throw new ResourceNotFoundException(GROUP_NOT_FOUND);
    return name;
  }
  if (input.logGroupName === undefined) throw new InvalidParameterException('Either LogGroup name or LogGroup identifier is required.');
  return input.logGroupName;
}

export async function requireGroup(tx: StoreTx, scope: Scope, name: string): Promise<LogGroupRecord> {
  const group = await tx.get('logs.group', scope, name);
  if (!group) throw new ResourceNotFoundException(GROUP_NOT_FOUND);
  return group;
}

export async function requireStream(tx: StoreTx, scope: Scope, group: string, stream: string): Promise<LogStreamRecord> {
  const record = await tx.get('logs.stream', scope, streamId(group, stream));
  if (!record) throw new ResourceNotFoundException(STREAM_NOT_FOUND);
  return record;
}

export async function putGroup(tx: StoreTx, scope: Scope, group: LogGroupRecord): Promise<void> {
  await tx.put('logs.group', scope, { id: group.logGroupName, name: group.logGroupName, body: group });
}

export async function putStream(tx: StoreTx, scope: Scope, stream: LogStreamRecord): Promise<void> {
  await tx.put('logs.stream', scope, {
    id: streamId(stream.logGroupName, stream.logStreamName), name: stream.logStreamName, parent: stream.logGroupName, body: stream,
  });
}

export function newGroup(name: string, now: Date): LogGroupRecord {
  return { logGroupName: name, creationTime: now.getTime(), logGroupClass: 'STANDARD', deletionProtectionEnabled: false, storedBytes: 0, tags: {} };
}

export function newStream(group: string, name: string, now: Date): LogStreamRecord {
  return { logGroupName: group, logStreamName: name, creationTime: now.getTime(), storedBytes: 0, lastSeq: 0 };
}
