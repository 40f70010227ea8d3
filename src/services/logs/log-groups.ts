// Log groups: CreateLogGroup, DeleteLogGroup, DescribeLogGroups, PutRetentionPolicy,
// DeleteRetentionPolicy. Deleting a group deletes its streams and events with it.
import type {
  CreateLogGroupRequest, DeleteLogGroupRequest, DeleteRetentionPolicyRequest, DescribeLogGroupsRequest,
  DescribeLogGroupsResponse, LogGroup, PutRetentionPolicyRequest,
} from '@aws-sdk/client-cloudwatch-logs';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { pageOf } from '../common/pagination.ts';
import { regionalScope } from '../common/scope.ts';
import { GROUP_EXISTS, INVALID_NEXT_TOKEN, InvalidParameterException, ResourceAlreadyExistsException, ValidationException } from './errors.ts';
import { groupArn, groupNameFromArn, logGroupArn, newGroup, putGroup, requireGroup, type LogGroupRecord } from './records.ts';
import { assertRetentionDays, expireGroupEvents } from './retention.ts';
import { recordRetentionScope } from './retention-scopes.ts';
import { validateTags } from './tags.ts';

/** DescribeLogGroups' default and largest page ("The default is up to 50 items"; the model's DescribeLimit). */
const DESCRIBE_LIMIT = 50;

export function groupView(scope: Scope, group: LogGroupRecord): LogGroup {
  return {
    logGroupName: group.logGroupName,
    creationTime: group.creationTime,
    retentionInDays: group.retentionInDays,
    // Metric filters are not served, so no group has any.
    metricFilterCount: 0,
    arn: groupArn(scope, group.logGroupName),
    storedBytes: group.storedBytes,
    kmsKeyId: group.kmsKeyId,
    logGroupClass: group.logGroupClass as LogGroup['logGroupClass'],
    logGroupArn: logGroupArn(scope, group.logGroupName),
    deletionProtectionEnabled: group.deletionProtectionEnabled,
  };
}

export function logGroupOperations(deps: ServiceDeps) {
  return {
    CreateLogGroup: async (input: CreateLogGroupRequest, ctx) => {
      const scope = regionalScope(ctx);
      const name = input.logGroupName ?? '';
      const tags = validateTags(input.tags);
      await deps.store.write(async (tx) => {
        if (await tx.get('logs.group', scope, name)) throw new ResourceAlreadyExistsException(GROUP_EXISTS);
        await putGroup(tx, scope, {
          ...newGroup(name, ctx.now), tags,
          logGroupClass: input.logGroupClass ?? 'STANDARD',
          deletionProtectionEnabled: input.deletionProtectionEnabled ?? false,
          ...(input.kmsKeyId !== undefined ? { kmsKeyId: input.kmsKeyId } : {}),
        });
      });
      return {};
    },

    DeleteLogGroup: async (input: DeleteLogGroupRequest, ctx) => {
      const scope = regionalScope(ctx);
      await deps.store.write(async (tx) => {
        const group = await requireGroup(tx, scope, input.logGroupName ?? '');
        if (group.deletionProtectionEnabled) {
          // Not verified: the text.
          throw new ValidationException('Log group deletion protection is enabled; disable it before deleting the log group.');
        }
        for (const stream of await tx.list('logs.stream', scope, { parent: group.logGroupName })) await tx.delete('logs.stream', scope, stream.id);
        await tx.logEvents().deleteGroup(scope, group.logGroupName);
        await tx.delete('logs.group', scope, group.logGroupName);
      });
      return {};
    },

    DescribeLogGroups: async (input: DescribeLogGroupsRequest, ctx) => {
      const scope = regionalScope(ctx);
      const pattern = input.logGroupNamePattern;
      if (input.logGroupNamePrefix !== undefined && pattern !== undefined) {
        // Not verified: the text; AWS documents the two as mutually exclusive.
        throw new InvalidParameterException('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
      }
      const identifiers = input.logGroupIdentifiers?.map((id) => (id.startsWith('arn:') ? groupNameFromArn(scope, id) ?? '' : id));
      const keep = (group: LogGroupRecord): boolean =>
        // "a case-sensitive substring search" (DescribeLogGroups API reference, logGroupNamePattern).
        (pattern === undefined || group.logGroupName.includes(pattern))
        && (input.logGroupClass === undefined || group.logGroupClass === input.logGroupClass)
        && (identifiers === undefined || identifiers.includes(group.logGroupName));
      // Log groups are listed in name order, as AWS lists them.
      const page = await deps.store.read((tx) => pageOf(tx, 'logs.group', scope,
        { order: 'name', ...(input.logGroupNamePrefix !== undefined ? { namePrefix: input.logGroupNamePrefix } : {}) },
        { token: input.nextToken, limit: input.limit ?? DESCRIBE_LIMIT, invalidToken: () => new InvalidParameterException(INVALID_NEXT_TOKEN) },
        (r) => keep(r.body)));
      return { logGroups: page.items.map((r) => groupView(scope, r.body)), nextToken: page.nextToken };
    },

    PutRetentionPolicy: async (input: PutRetentionPolicyRequest, ctx) => {
      const days = input.retentionInDays ?? 0;
      assertRetentionDays(days);
      const scope = regionalScope(ctx);
      await deps.store.write(async (tx) => {
        const group = { ...(await requireGroup(tx, scope, input.logGroupName ?? '')), retentionInDays: days };
        await putGroup(tx, scope, group);
        await recordRetentionScope(tx, scope);
        // AWS deletes expired events within 72 hours; Berth deletes them at once.
        await expireGroupEvents(tx, scope, group, ctx.now);
      });
      return {};
    },

    DeleteRetentionPolicy: async (input: DeleteRetentionPolicyRequest, ctx) => {
      const scope = regionalScope(ctx);
      await deps.store.write(async (tx) => {
        const { retentionInDays: _dropped, ...group } = await requireGroup(tx, scope, input.logGroupName ?? '');
        await putGroup(tx, scope, group);
      });
      return {};
    },
  } satisfies ServiceOperations<{
    CreateLogGroup: [CreateLogGroupRequest, Record<string, never>];
    DeleteLogGroup: [DeleteLogGroupRequest, Record<string, never>];
    DescribeLogGroups: [DescribeLogGroupsRequest, DescribeLogGroupsResponse];
    PutRetentionPolicy: [PutRetentionPolicyRequest, Record<string, never>];
    DeleteRetentionPolicy: [DeleteRetentionPolicyRequest, Record<string, never>];
  }>;
}
