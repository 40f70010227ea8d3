// ECS task definitions: RegisterTaskDefinition, DescribeTaskDefinition, ListTaskDefinitions,
// ListTaskDefinitionFamilies, DeregisterTaskDefinition, DeleteTaskDefinitions.
//
// Each revision is stored whole (named by its family, so a family's revisions list in revision
// order); a small family record keeps the latest ACTIVE revision and how many are ACTIVE, so
// describing by family and listing families read one record, however many revisions there are.
// What a registration turns into (validation, defaults, ARN) is task-definition-rules.ts's job.
import type {
  DeleteTaskDefinitionsRequest,
  DeleteTaskDefinitionsResponse,
  DeregisterTaskDefinitionRequest,
  DeregisterTaskDefinitionResponse,
  DescribeTaskDefinitionRequest,
  DescribeTaskDefinitionResponse,
  Failure,
  ListTaskDefinitionFamiliesRequest,
  ListTaskDefinitionFamiliesResponse,
  ListTaskDefinitionsRequest,
  ListTaskDefinitionsResponse,
  RegisterTaskDefinitionRequest,
  RegisterTaskDefinitionResponse,
  TaskDefinition,
  TaskDefinitionStatus,
} from '@aws-sdk/client-ecs';
import type { RequestContext } from '../../aws/context.ts';
import type { ServiceOperations } from '../../aws/service.ts';
import type { Scope, StoreTx } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { pageOf } from '../common/pagination.ts';
import { regionalScope } from '../common/scope.ts';
import type { EcsArn } from './arns.ts';
import { ClientException, InvalidParameterException } from './errors.ts';
import { storePage } from './pages.ts';
import {
  normalizeTaskDefinition, parseTaskDefinitionReference, TASK_DEFINITION_NOT_FOUND_MESSAGE, taskDefinitionArn,
  validateFamily, type TaskDefinitionReference,
} from './task-definition-rules.ts';
import { readTags, validateNewTags, writeTags, type TaggableResource } from './tags.ts';

export interface TaskDefinitionRecord {
  taskDefinition: TaskDefinition;
}

export interface TaskDefinitionFamilyRecord {
  family: string;
  /** The revision a bare family name resolves to; absent when no revision is ACTIVE. */
  latestActive?: number;
  activeCount: number;
}

declare module '../../store/store.ts' {
  interface ResourceKinds {
    /** id `family:revision`, name = family. */
    'ecs.task-definition': TaskDefinitionRecord;
    /** id and name = family. */
    'ecs.task-definition-family': TaskDefinitionFamilyRecord;
  }
}

/** DeleteTaskDefinitions: "You can specify up to 10 task definitions". */
const MAX_DELETE = 10;

/**
 * DeleteTaskDefinitions failure reasons. Not verified against a raw AWS response: the texts moto
 * and other ECS emulators answer, which read as ECS's own.
 */
const DELETE_FAILURES = Object.freeze({
  invalid: 'The specified task definition identifier is invalid. Specify a valid name or ARN and try again.',
  missing: 'The specified task definition does not exist. Specify a valid account, family, revision and try again.',
  active: 'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
});

function revisionId(family: string, revision: number): string {
  return `${family}:${revision}`;
}

/** Durable per-family revision numbers: they keep counting after deregistration and deletion, as on AWS. */
function revisionCounter(scope: Scope, family: string): string {
  return `ecs.task-definition-revision|${scope.account}|${scope.region}|${family}`;
}

/** The newest ACTIVE revision of a family. */
async function newestActiveRevision(tx: StoreTx, scope: Scope, family: string): Promise<number | undefined> {
  const [newest] = await tx.list('ecs.task-definition', scope, { name: family, state: 'ACTIVE', descending: true, limit: 1 });
  return newest?.body.taskDefinition.revision;
}

/**
 * Stores a revision and keeps its family record right. `previous` is the revision's status before
 * this write (undefined for a new registration).
 */
async function putDefinition(tx: StoreTx, scope: Scope, taskDefinition: TaskDefinition, previous?: TaskDefinitionStatus): Promise<void> {
  const family = taskDefinition.family ?? '';
  const revision = taskDefinition.revision ?? 0;
  await tx.put('ecs.task-definition', scope, { id: revisionId(family, revision), name: family, state: taskDefinition.status ?? 'ACTIVE', body: { taskDefinition } });
  const wasActive = previous === 'ACTIVE';
  const isActive = taskDefinition.status === 'ACTIVE';
  const record = await tx.get('ecs.task-definition-family', scope, family) ?? { family, activeCount: 0 };
  if (wasActive === isActive && previous !== undefined) return;
  if (isActive) {
    record.activeCount += 1;
    record.latestActive = Math.max(record.latestActive ?? 0, revision);
  } else if (wasActive) {
    record.activeCount -= 1;
    if (record.latestActive === revision) record.latestActive = await newestActiveRevision(tx, scope, family);
  }
  if (record.latestActive === undefined) delete record.latestActive;
  await tx.put('ecs.task-definition-family', scope, { id: family, name: family, body: record });
}

/** The stored revision a parsed reference names (a bare family: its latest ACTIVE revision), or undefined. */
async function lookup(tx: StoreTx, ctx: RequestContext, ref: TaskDefinitionReference): Promise<TaskDefinition | undefined> {
  if (ref.arn && (ref.arn.accountId !== ctx.principal.accountId || ref.arn.region !== ctx.region)) return undefined;
  const scope = regionalScope(ctx);
  let revision = ref.revision;
  if (revision === undefined) {
    revision = (await tx.get('ecs.task-definition-family', scope, ref.family))?.latestActive;
    if (revision === undefined) return undefined;
  }
  return (await tx.get('ecs.task-definition', scope, revisionId(ref.family, revision)))?.taskDefinition;
}

/**
 * The task definition a `taskDefinition` parameter names (`family`, `family:revision` or ARN), as
 * RunTask and CreateService resolve it; ClientException "Unable to describe task definition." when none.
 */
export async function findTaskDefinition(tx: StoreTx, ctx: RequestContext, text: string): Promise<TaskDefinition> {
  const found = await lookup(tx, ctx, parseTaskDefinitionReference(text));
  if (!found) throw new ClientException(TASK_DEFINITION_NOT_FOUND_MESSAGE);
  return found;
}

/** Task definitions as a taggable resource: any stored revision (`task-definition/family:revision`). */
export const taskDefinitionTaggable: TaggableResource = {
  resourceType: 'task-definition',
  async assertExists(tx: StoreTx, arn: EcsArn, ctx: RequestContext) {
    const ref = parseTaskDefinitionReference(arn.resourceId, { requireRevision: true });
    if (!(await lookup(tx, ctx, ref))) throw new ClientException(TASK_DEFINITION_NOT_FOUND_MESSAGE);
  },
};

export function taskDefinitionOperations(deps: ServiceDeps) {
  return {
    RegisterTaskDefinition: async (input: RegisterTaskDefinitionRequest, ctx) => {
      const family = validateFamily(input.family);
      const tags = validateNewTags(input.tags);
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx) => {
        // A registration that fails below rolls the counter back with the rest of the transaction.
        const revision = await tx.nextValue(revisionCounter(scope, family));
        const taskDefinition = normalizeTaskDefinition(input, {
          accountId: ctx.principal.accountId, region: ctx.region, revision, registeredAt: ctx.now, registeredBy: ctx.principal.arn,
        });
        await putDefinition(tx, scope, taskDefinition);
        await writeTags(tx, scope, taskDefinition.taskDefinitionArn ?? '', tags);
        // AWS's examples show no `tags` member when none were given.
        return { taskDefinition, ...(tags.length > 0 ? { tags } : {}) };
      });
    },

    DescribeTaskDefinition: async (input: DescribeTaskDefinitionRequest, ctx) => {
      const scope = regionalScope(ctx);
      return deps.store.read(async (tx) => {
        const taskDefinition = await findTaskDefinition(tx, ctx, input.taskDefinition ?? '');
        const withTags = input.include?.includes('TAGS') ?? false;
        return { taskDefinition, ...(withTags ? { tags: await readTags(tx, scope, taskDefinition.taskDefinitionArn ?? '') } : {}) };
      });
    },

    ListTaskDefinitions: async (input: ListTaskDefinitionsRequest, ctx) => {
      const page = storePage(input.nextToken, input.maxResults, 100);
      const status = input.status ?? 'ACTIVE';
      const scope = regionalScope(ctx);
      // "listed lexicographically by family name and in ascending numerical order by revision";
      // DESC reverses both. Revisions of a family are stored in revision order, so name order is it.
      // familyPrefix is "The full family name to filter the ListTaskDefinitions results with".
      const query = { order: 'name' as const, state: status, descending: input.sort === 'DESC', ...(input.familyPrefix !== undefined ? { name: input.familyPrefix } : {}) };
      const result = await deps.store.read((tx) => pageOf(tx, 'ecs.task-definition', scope, query, page));
      return {
        taskDefinitionArns: result.items.map((r) => r.body.taskDefinition.taskDefinitionArn ?? ''),
        nextToken: result.nextToken,
      };
    },

    ListTaskDefinitionFamilies: async (input: ListTaskDefinitionFamiliesRequest, ctx) => {
      const page = storePage(input.nextToken, input.maxResults, 100);
      const scope = regionalScope(ctx);
      // "By default, both ACTIVE and INACTIVE task definition families are listed." A family is
      // ACTIVE while it has an ACTIVE revision, INACTIVE otherwise. Listed in registration order.
      const wanted = input.status ?? 'ALL';
      const result = await deps.store.read((tx) => pageOf(tx, 'ecs.task-definition-family', scope,
        input.familyPrefix ? { namePrefix: input.familyPrefix } : {}, page, (r) => {
          if (wanted === 'ALL') return true;
          const active = r.body.activeCount > 0;
          return wanted === 'ACTIVE' ? active : !active;
        }));
      return { families: result.items.map((r) => r.body.family), nextToken: result.nextToken };
    },

    DeregisterTaskDefinition: async (input: DeregisterTaskDefinitionRequest, ctx) => {
      const ref = parseTaskDefinitionReference(input.taskDefinition ?? '', { requireRevision: true });
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx) => {
        const current = await lookup(tx, ctx, ref);
        if (!current) throw new ClientException(TASK_DEFINITION_NOT_FOUND_MESSAGE);
        // Deregistering an INACTIVE (or deleting) revision changes nothing and answers it as it is.
        if (current.status !== 'ACTIVE') return { taskDefinition: current };
        const taskDefinition: TaskDefinition = { ...current, status: 'INACTIVE', deregisteredAt: ctx.now };
        await putDefinition(tx, scope, taskDefinition, current.status);
        return { taskDefinition };
      });
    },

    DeleteTaskDefinitions: async (input: DeleteTaskDefinitionsRequest, ctx) => {
      const refs = input.taskDefinitions ?? [];
      // Not verified: the texts (moto's); the limit is the API reference's.
      if (refs.length === 0) throw new InvalidParameterException('size of TaskDefinition references list must be greater than 0');
      if (refs.length > MAX_DELETE) throw new InvalidParameterException(`Size of TaskDefinition references list cannot exceed ${MAX_DELETE}`);
      const scope = regionalScope(ctx);
      return deps.store.write(async (tx) => {
        const taskDefinitions: TaskDefinition[] = [];
        const failures: Failure[] = [];
        for (const text of refs) {
          let ref: TaskDefinitionReference;
          try {
            ref = parseTaskDefinitionReference(text, { requireRevision: true });
          } catch {
            failures.push({ arn: text, reason: DELETE_FAILURES.invalid });
            continue;
          }
          const arn = taskDefinitionArn(ctx.region, ctx.principal.accountId, ref.family, ref.revision ?? 0);
          const current = await lookup(tx, ctx, ref);
          if (!current) {
            failures.push({ arn, reason: DELETE_FAILURES.missing });
          } else if (current.status === 'ACTIVE') {
            failures.push({ arn, reason: DELETE_FAILURES.active });
          } else if (current.status === 'DELETE_IN_PROGRESS') {
            taskDefinitions.push(current);
          } else {
            // Berth keeps the revision as DELETE_IN_PROGRESS: nothing else reclaims it (LIMITATIONS.md).
            const deleting: TaskDefinition = { ...current, status: 'DELETE_IN_PROGRESS', deleteRequestedAt: ctx.now };
            await putDefinition(tx, scope, deleting, current.status);
            taskDefinitions.push(deleting);
          }
        }
        return { taskDefinitions, failures };
      });
    },
  } satisfies ServiceOperations<{
    RegisterTaskDefinition: [RegisterTaskDefinitionRequest, RegisterTaskDefinitionResponse];
    DescribeTaskDefinition: [DescribeTaskDefinitionRequest, DescribeTaskDefinitionResponse];
    ListTaskDefinitions: [ListTaskDefinitionsRequest, ListTaskDefinitionsResponse];
    ListTaskDefinitionFamilies: [ListTaskDefinitionFamiliesRequest, ListTaskDefinitionFamiliesResponse];
    DeregisterTaskDefinition: [DeregisterTaskDefinitionRequest, DeregisterTaskDefinitionResponse];
    DeleteTaskDefinitions: [DeleteTaskDefinitionsRequest, DeleteTaskDefinitionsResponse];
  }>;
}
