// ECS ARNs: the ones Berth mints for its resources and the ones callers hand back.
//
// ECS ARNs are `arn:<partition>:ecs:<region>:<account>:<resource-type>/<resource-id>`, the id
// holding further `/` for resources that live in a cluster (`service/<cluster>/<name>`,
// `task/<cluster>/<id>`). Source: Amazon ECS Developer Guide, "Amazon Resource Names (ARNs) and IDs".
import type { RequestContext } from '../../aws/context.ts';
import { partitionOf } from './task-definition-reference.ts';

export interface EcsArn {
  partition: string;
  region: string;
  accountId: string;
  /** `cluster`, `task-definition`, `capacity-provider`, `service`, `task`, `container-instance`, `task-set`… */
  resourceType: string;
  /** Everything after the first `/`: `my-cluster`, `web:3`, `my-cluster/my-service`. */
  resourceId: string;
}

const ARN_FORM = /^arn:(aws[a-z-]*):ecs:([a-z0-9-]+):(\d{12}):([a-z-]+)\/(.+)$/;

/** `arn:aws:ecs:<region>:<account>:<resource>` in the caller's account and Region. */
export function ecsArn(ctx: RequestContext, resource: string): string {
  return `arn:${partitionOf(ctx.region)}:ecs:${ctx.region}:${ctx.principal.accountId}:${resource}`;
}

/** `arn:aws:ecs:<region>:<account>:cluster/<name>` (CreateCluster's clusterArn). */
export function clusterArn(ctx: RequestContext, name: string): string {
  return ecsArn(ctx, `cluster/${name}`);
}

/** `arn:aws:ecs:<region>:<account>:capacity-provider/<name>`, also for FARGATE and FARGATE_SPOT. */
export function capacityProviderArn(ctx: RequestContext, name: string): string {
  return ecsArn(ctx, `capacity-provider/${name}`);
}

/** The parts of an ECS ARN; undefined for anything else (another service, a malformed string). */
export function parseEcsArn(text: string): EcsArn | undefined {
  const m = ARN_FORM.exec(text);
  if (!m?.[1] || !m[2] || !m[3] || !m[4] || !m[5]) return undefined;
  return { partition: m[1], region: m[2], accountId: m[3], resourceType: m[4], resourceId: m[5] };
}

/** Whether an ARN names a resource in the caller's own account and Region (the only ones Berth can find). */
export function isInScope(arn: EcsArn, ctx: RequestContext): boolean {
  return arn.accountId === ctx.principal.accountId && arn.region === ctx.region && arn.partition === partitionOf(ctx.region);
}

/**
 * The resource name a `cluster` parameter refers to: the short name as given, or the name in a
 * cluster ARN of the caller's account and Region. Undefined when it cannot name one of the
 * caller's clusters (an ARN of another type, account or Region), which callers answer as "not found".
 */
export function clusterNameOf(ref: string, ctx: RequestContext): string | undefined {
  if (!ref.startsWith('arn:')) return ref;
  const arn = parseEcsArn(ref);
  if (!arn || arn.resourceType !== 'cluster' || arn.resourceId.includes('/') || !isInScope(arn, ctx)) return undefined;
  return arn.resourceId;
}

/** Same as clusterNameOf for a `capacityProvider` parameter (short name or capacity-provider ARN). */
export function capacityProviderNameOf(ref: string, ctx: RequestContext): string | undefined {
  if (!ref.startsWith('arn:')) return ref;
  const arn = parseEcsArn(ref);
  if (!arn || arn.resourceType !== 'capacity-provider' || arn.resourceId.includes('/') || !isInScope(arn, ctx)) return undefined;
  return arn.resourceId;
}

/**
 * `arn:aws:ecs:<region>:<account>:task/<cluster>/<id>`: the long form every task gets since 2021
 * (`task/MyCluster/7f1fbd3629434cc4b82d72d2f09b67c9` in the aws-cli run-task example, 2025).
 */
export function taskArn(ctx: RequestContext, clusterName: string, taskId: string): string {
  return ecsArn(ctx, `task/${clusterName}/${taskId}`);
}

/** `arn:aws:ecs:<region>:<account>:container/<cluster>/<task id>/<uuid>` (same aws-cli example). */
export function containerArn(ctx: RequestContext, clusterName: string, taskId: string, uuid: string): string {
  return ecsArn(ctx, `container/${clusterName}/${taskId}/${uuid}`);
}

/** `arn:aws:ecs:<region>:<account>:attachment/<uuid>`: what a Fargate ENI's Description holds. */
export function attachmentArn(ctx: RequestContext, uuid: string): string {
  return ecsArn(ctx, `attachment/${uuid}`);
}

/** What a `task` parameter names: the task id, and the cluster when it is a long-form ARN. */
export interface TaskReference {
  taskId: string;
  clusterName?: string;
}

/**
 * Reads a `task` parameter: a bare id, `…:task/<id>` or `…:task/<cluster>/<id>`. Undefined when it
 * cannot name one of the caller's tasks (another resource type, account or Region, or junk).
 */
export function parseTaskReference(ref: string, ctx: RequestContext): TaskReference | undefined {
  if (!ref.startsWith('arn:')) return ref === '' || ref.includes('/') ? undefined : { taskId: ref };
  const arn = parseEcsArn(ref);
  if (!arn || arn.resourceType !== 'task' || !isInScope(arn, ctx)) return undefined;
  const parts = arn.resourceId.split('/');
  if (parts.length === 1 && parts[0]) return { taskId: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { clusterName: parts[0], taskId: parts[1] };
  return undefined;
}
