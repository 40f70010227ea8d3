// What each ECS operation asks of IAM: actions on cluster, service, task, task-definition and capacity-provider
// ARNs built from the request (short names in the caller's account and Region; the cluster defaults to `default`),
// the ecs:* condition keys the request carries, ecs:TagResource for tags given at creation, and iam:PassRole for the
// roles a task definition hands to ECS (Service Authorization Reference, "Actions defined by Amazon ECS").
import type {
  CreateCapacityProviderRequest, CreateClusterRequest, CreateServiceRequest, DeleteTaskDefinitionsRequest, NetworkConfiguration,
  RegisterTaskDefinitionRequest, RunTaskRequest, Tag, TagResourceRequest, TaskDefinition, UntagResourceRequest, UpdateServiceRequest,
} from '@aws-sdk/client-ecs';
import type { IamRequest, IamRequestMapper, ServiceIam } from '../../aws/authz/iam-request.ts';
import { requestTagContext as tagPairsContext } from '../../aws/authz/iam-request.ts';
import type { RequestContext } from '../../aws/context.ts';
import { AwsError } from '../../aws/errors.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { capacityProviderArn, clusterArn, ecsArn, parseEcsArn, parseTaskReference, taskArn } from './arns.ts';
import { DEFAULT_CLUSTER_NAME } from './cluster-records.ts';
import { AccessDeniedException } from './errors.ts';
import { serviceArn, serviceRecordId } from './service-records.ts';
import { parseTaskDefinitionReference, taskDefinitionArn } from './task-definition-reference.ts';
import { findTaskDefinition } from './task-definitions.ts';

type Context = Record<string, string | string[]>;
type ClusterInput = { cluster?: string };

interface ClusterRef { name: string; arn: string }

/** The cluster a `cluster` parameter names: a short name, or a cluster ARN (kept as given); absent: `default`. */
function clusterOf(ctx: RequestContext, ref: string | undefined): ClusterRef {
  const text = ref ?? DEFAULT_CLUSTER_NAME;
  const arn = text.startsWith('arn:') ? parseEcsArn(text) : undefined;
  if (arn?.resourceType === 'cluster') return { name: arn.resourceId, arn: text };
  return { name: text, arn: clusterArn(ctx, text) };
}

/** A service named by name, short ARN (`service/<name>`) or long ARN, as its long ARN in `cluster`. */
function serviceArnOf(ctx: RequestContext, cluster: ClusterRef, ref: string): string {
  const arn = ref.startsWith('arn:') ? parseEcsArn(ref) : undefined;
  if (!arn) return serviceArn(ctx, cluster.name, ref);
  return arn.resourceId.includes('/') ? ref : ecsArn(ctx, `service/${cluster.name}/${arn.resourceId}`);
}

/** A task named by id or ARN (either form), as `task/<cluster>/<id>`: the only form IAM's task resource type has. */
function taskArnOf(ctx: RequestContext, cluster: ClusterRef, ref: string): string {
  const parsed = parseTaskReference(ref, ctx);
  return parsed ? taskArn(ctx, parsed.clusterName ?? cluster.name, parsed.taskId) : ref;
}

const capacityProviderOf = (ctx: RequestContext, ref: string): string => (ref.startsWith('arn:') ? ref : capacityProviderArn(ctx, ref));

/** A role named by ARN or short name ("The short name or full ARN of the IAM role", RegisterTaskDefinition). */
const roleArnOf = (ctx: RequestContext, ref: string): string => (ref.startsWith('arn:') ? ref : `arn:aws:iam::${ctx.principal.accountId}:role/${ref}`);

function requestTagContext(tags: readonly Tag[] | undefined): Context {
  return tagPairsContext((tags ?? []).flatMap((t) => (t.key === undefined ? [] : [[t.key, t.value ?? ''] as const])));
}

/**
 * "If tags are specified in the resource-creating action, AWS performs additional authorization" on ecs:TagResource,
 * which policies can scope with ecs:CreateAction (ECS Developer Guide, "Grant permission to tag resources on creation").
 */
function tagOnCreate(operation: string, resource: string, tags: readonly Tag[] | undefined): IamRequest[] {
  if (!tags || tags.length === 0) return [];
  return [{ action: 'ecs:TagResource', resource, context: { 'ecs:CreateAction': operation, ...requestTagContext(tags) } }];
}

/**
 * iam:PassRole for the execution and task roles a task is given. AWS checks it when the roles are registered and
 * whenever tasks are started with them: "… when calling the RegisterTaskDefinition operation: … not authorized to
 * perform: iam:PassRole on resource: …:role/id_minter_task_role" (wellcomecollection/platform #374); RunTask: "…
 * iam:PassRole on resource: …:role/ecsTaskExecutionRole" (aws/serverless-application-model #2247) and on the task
 * role (LBHackney-IT/Data-Platform #1992); UpdateService with only a desired count (keidarcy/e1s #429).
 */
function passRoles(ctx: RequestContext, roles: readonly (string | undefined)[]): IamRequest[] {
  const arns = [...new Set(roles.filter((r): r is string => r !== undefined && r !== '').map((r) => roleArnOf(ctx, r)))];
  return arns.map((resource) => ({ action: 'iam:PassRole', resource, context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } }));
}

/** ecs:subnet and ecs:auto-assign-public-ip from an awsvpc network configuration. */
function networkContext(network: NetworkConfiguration | undefined): Context {
  const vpc = network?.awsvpcConfiguration;
  const out: Context = {};
  if (vpc?.subnets && vpc.subnets.length > 0) out['ecs:subnet'] = vpc.subnets;
  if (vpc?.assignPublicIp !== undefined) out['ecs:auto-assign-public-ip'] = String(vpc.assignPublicIp === 'ENABLED');
  return out;
}

/** `{ key: value }` when the request gave a value (a non-empty list), else nothing. */
const given = (key: string, value: string | readonly string[] | undefined): Context =>
  (value === undefined || value.length === 0 ? {} : { [key]: typeof value === 'string' ? value : [...value] });
const flag = (key: string, value: boolean | undefined): Context => (value === undefined ? {} : { [key]: String(value) });
const numeric = (key: string, value: string | undefined): Context => (value !== undefined && /^\d+$/.test(value) ? { [key]: value } : {});

/** The settings CreateService and UpdateService share, as their condition keys. */
function serviceSettingsContext(ctx: RequestContext, input: CreateServiceRequest | UpdateServiceRequest): Context {
  const providers = (input.capacityProviderStrategy ?? []).map((s) => capacityProviderOf(ctx, s.capacityProvider ?? ''));
  return {
    ...given('ecs:capacity-provider', providers),
    ...networkContext(input.networkConfiguration),
    ...flag('ecs:enable-execute-command', input.enableExecuteCommand),
    ...flag('ecs:enable-ecs-managed-tags', input.enableECSManagedTags),
    ...given('ecs:propagate-tags', input.propagateTags),
  };
}

export function ecsIam(deps: ServiceDeps): ServiceIam {
  /**
   * The task definition a `taskDefinition` parameter names, with its ARN as IAM sees it: `family:revision`, or for a
   * bare family its latest ACTIVE revision (as RunTask resolves it). One the store does not hold keeps the ARN the
   * reference spells (`family:*` for a bare family).
   */
  async function taskDefinitionOf(ctx: RequestContext, text: string): Promise<{ arn: string; definition?: TaskDefinition }> {
    // findTaskDefinition answers ClientException for a reference it cannot find or read: the ARN is built below.
    const definition = await deps.store.read((tx) => findTaskDefinition(tx, ctx, text)).catch((error: unknown) => {
      if (error instanceof AwsError) return undefined;
      throw error;
    });
    if (definition?.taskDefinitionArn) return { arn: definition.taskDefinitionArn, definition };
    try {
      const ref = parseTaskDefinitionReference(text);
      const region = ref.arn?.region ?? ctx.region;
      const account = ref.arn?.accountId ?? ctx.principal.accountId;
      if (ref.revision !== undefined) return { arn: taskDefinitionArn(region, account, ref.family, ref.revision) };
      return { arn: `arn:aws:ecs:${region}:${account}:task-definition/${ref.family}:*` };
    } catch {
      return { arn: text };
    }
  }

  /** The revision RegisterTaskDefinition will create: the family's newest stored revision plus one (Not verified: what AWS names). */
  async function nextRevisionArn(ctx: RequestContext, family: string): Promise<string> {
    const [newest] = await deps.store.read((tx) => tx.list('ecs.task-definition', regionalScope(ctx), { name: family, descending: true, limit: 1 }));
    return taskDefinitionArn(ctx.region, ctx.principal.accountId, family, (newest?.body.taskDefinition.revision ?? 0) + 1);
  }

  const onCluster = (action: string, context: (input: never, ctx: RequestContext) => Context = () => ({})): IamRequestMapper =>
    (input: ClusterInput, ctx: RequestContext) => [{ action: `ecs:${action}`, resource: clusterOf(ctx, input.cluster).arn, context: context(input as never, ctx) }];
  /**
   * Listings scoped by ecs:cluster, asked on `*`: ListServices has no resource type; ListTasks names container instances
   * only when filtering by one, otherwise AWS answers "… ecs:ListTasks on resource: *" (cdklabs/construct-hub #1207).
   */
  const clusterScoped = (action: string): IamRequestMapper => (input: ClusterInput, ctx: RequestContext) =>
    [{ action: `ecs:${action}`, resource: '*', context: { 'ecs:cluster': clusterOf(ctx, input.cluster).arn } }];
  const onTasks = (action: string, refs: (input: never) => readonly string[]): IamRequestMapper => (input: ClusterInput, ctx: RequestContext) => {
    const cluster = clusterOf(ctx, input.cluster);
    const names = refs(input as never);
    // No task named (GetTaskProtection lists the caller's protected tasks): every task of the cluster.
    const resources = names.length > 0 ? names.map((ref) => taskArnOf(ctx, cluster, ref)) : [ecsArn(ctx, `task/${cluster.name}/*`)];
    return resources.map((resource) => ({ action: `ecs:${action}`, resource, context: { 'ecs:cluster': cluster.arn } }));
  };
  const onServices = (action: string, refs: (input: never) => readonly string[]): IamRequestMapper => (input: ClusterInput, ctx: RequestContext) => {
    const cluster = clusterOf(ctx, input.cluster);
    return refs(input as never).map((ref) => ({ action: `ecs:${action}`, resource: serviceArnOf(ctx, cluster, ref), context: { 'ecs:cluster': cluster.arn } }));
  };
  /** Service deployments and revisions: `<type>/<cluster>/<service>/<id>`, with ecs:cluster and ecs:service from the ARN. */
  const onServiceChildren = (action: string, arns: (input: never) => readonly string[]): IamRequestMapper => (input: object, ctx: RequestContext) =>
    arns(input as never).map((resource) => {
      const [clusterName, serviceName] = parseEcsArn(resource)?.resourceId.split('/') ?? [];
      const context: Context = clusterName === undefined || serviceName === undefined ? {}
        : { 'ecs:cluster': clusterArn(ctx, clusterName), 'ecs:service': serviceArn(ctx, clusterName, serviceName) };
      return { action: `ecs:${action}`, resource, context };
    });
  const onCapacityProvider = (action: string, ref: (input: never) => string): IamRequestMapper => (input: object, ctx: RequestContext) =>
    [{ action: `ecs:${action}`, resource: capacityProviderOf(ctx, ref(input as never)) }];
  const accountSetting = (action: string): IamRequestMapper => (input: { name?: string }) =>
    [{ action: `ecs:${action}`, resource: '*', context: given('ecs:account-setting', input.name) }];

  const requests: Record<string, IamRequestMapper> = {
    CreateCluster: (input: CreateClusterRequest, ctx: RequestContext) => {
      const cluster = clusterOf(ctx, input.clusterName);
      const providers = (input.capacityProviders ?? []).map((p) => capacityProviderOf(ctx, p));
      return [
        { action: 'ecs:CreateCluster', resource: cluster.arn, context: { ...requestTagContext(input.tags), ...given('ecs:capacity-provider', providers) } },
        ...tagOnCreate('CreateCluster', cluster.arn, input.tags),
      ];
    },
    DescribeClusters: (input: { clusters?: string[] }, ctx: RequestContext) =>
      (input.clusters && input.clusters.length > 0 ? input.clusters : [DEFAULT_CLUSTER_NAME]).map((ref) => ({ action: 'ecs:DescribeClusters', resource: clusterOf(ctx, ref).arn })),
    DeleteCluster: onCluster('DeleteCluster'),
    UpdateCluster: onCluster('UpdateCluster'),
    UpdateClusterSettings: onCluster('UpdateClusterSettings'),
    PutClusterCapacityProviders: onCluster('PutClusterCapacityProviders', (input: { capacityProviders?: string[] }, ctx: RequestContext) =>
      given('ecs:capacity-provider', (input.capacityProviders ?? []).map((p) => capacityProviderOf(ctx, p)))),

    CreateCapacityProvider: (input: CreateCapacityProviderRequest, ctx: RequestContext) => {
      const resource = capacityProviderOf(ctx, input.name ?? '');
      return [{ action: 'ecs:CreateCapacityProvider', resource, context: requestTagContext(input.tags) }, ...tagOnCreate('CreateCapacityProvider', resource, input.tags)];
    },
    UpdateCapacityProvider: onCapacityProvider('UpdateCapacityProvider', (input: { name?: string }) => input.name ?? ''),
    DeleteCapacityProvider: onCapacityProvider('DeleteCapacityProvider', (input: { capacityProvider?: string }) => input.capacityProvider ?? ''),
    DescribeCapacityProviders: (input: { capacityProviders?: string[] }, ctx: RequestContext) => {
      // Without names it describes them all (Not verified: what AWS evaluates then).
      const refs = input.capacityProviders ?? [];
      if (refs.length === 0) return [{ action: 'ecs:DescribeCapacityProviders', resource: capacityProviderOf(ctx, '*') }];
      return refs.map((ref) => ({ action: 'ecs:DescribeCapacityProviders', resource: capacityProviderOf(ctx, ref) }));
    },

    RegisterTaskDefinition: async (input: RegisterTaskDefinitionRequest, ctx: RequestContext) => {
      const resource = await nextRevisionArn(ctx, input.family ?? '');
      const privileged = (input.containerDefinitions ?? []).map((c) => c.privileged).filter((p) => p !== undefined);
      const context: Context = {
        ...requestTagContext(input.tags),
        ...given('ecs:compute-compatibility', input.requiresCompatibilities),
        ...numeric('ecs:task-cpu', input.cpu), ...numeric('ecs:task-memory', input.memory),
        ...(privileged.length > 0 ? { 'ecs:privileged': String(privileged.includes(true)) } : {}),
      };
      return [
        { action: 'ecs:RegisterTaskDefinition', resource, context },
        ...tagOnCreate('RegisterTaskDefinition', resource, input.tags),
        ...passRoles(ctx, [input.executionRoleArn, input.taskRoleArn]),
      ];
    },
    DeleteTaskDefinitions: async (input: DeleteTaskDefinitionsRequest, ctx: RequestContext) =>
      Promise.all((input.taskDefinitions ?? []).map(async (ref) => ({ action: 'ecs:DeleteTaskDefinitions', resource: (await taskDefinitionOf(ctx, ref)).arn }))),
    // DescribeTaskDefinition and DeregisterTaskDefinition are wildcard-only: the default mapping on `*`.

    // "… ecs:RunTask on resource: arn:aws:ecs:us-west-2:…:task-definition/build-bitstream-aece9bcd:1" (pulumi/docs #2860).
    RunTask: async (input: RunTaskRequest, ctx: RequestContext) => {
      const cluster = clusterOf(ctx, input.cluster);
      const { arn, definition } = await taskDefinitionOf(ctx, input.taskDefinition ?? '');
      const providers = (input.capacityProviderStrategy ?? []).map((s) => capacityProviderOf(ctx, s.capacityProvider ?? ''));
      const context: Context = {
        'ecs:cluster': cluster.arn, ...requestTagContext(input.tags),
        ...given('ecs:capacity-provider', providers),
        ...flag('ecs:enable-execute-command', input.enableExecuteCommand),
        ...numeric('ecs:task-cpu', input.overrides?.cpu), ...numeric('ecs:task-memory', input.overrides?.memory),
      };
      return [
        { action: 'ecs:RunTask', resource: arn, context },
        // The task's id is not known before it starts (Not verified: the resource AWS names for it).
        ...tagOnCreate('RunTask', ecsArn(ctx, `task/${cluster.name}/*`), input.tags),
        ...passRoles(ctx, [input.overrides?.executionRoleArn ?? definition?.executionRoleArn, input.overrides?.taskRoleArn ?? definition?.taskRoleArn]),
      ];
    },
    StopTask: onTasks('StopTask', (input: { task?: string }) => [input.task ?? '']),
    DescribeTasks: onTasks('DescribeTasks', (input: { tasks?: string[] }) => input.tasks ?? []),
    GetTaskProtection: onTasks('GetTaskProtection', (input: { tasks?: string[] }) => input.tasks ?? []),
    UpdateTaskProtection: onTasks('UpdateTaskProtection', (input: { tasks?: string[] }) => input.tasks ?? []),
    ListTasks: clusterScoped('ListTasks'),

    CreateService: async (input: CreateServiceRequest, ctx: RequestContext) => {
      const cluster = clusterOf(ctx, input.cluster);
      const resource = serviceArn(ctx, cluster.name, input.serviceName ?? '');
      const td = await taskDefinitionOf(ctx, input.taskDefinition ?? '');
      const context: Context = {
        'ecs:cluster': cluster.arn, ...(td.definition ? { 'ecs:task-definition': td.arn } : {}),
        ...serviceSettingsContext(ctx, input), ...requestTagContext(input.tags),
      };
      return [
        { action: 'ecs:CreateService', resource, context },
        ...tagOnCreate('CreateService', resource, input.tags),
        ...passRoles(ctx, [td.definition?.executionRoleArn, td.definition?.taskRoleArn]),
      ];
    },
    UpdateService: async (input: UpdateServiceRequest, ctx: RequestContext) => {
      const cluster = clusterOf(ctx, input.cluster);
      const resource = serviceArnOf(ctx, cluster, input.service ?? '');
      // The task definition the service will run: the one given, or the one it runs now.
      const current = await deps.store.read((tx) => tx.get('ecs.service', regionalScope(ctx), serviceRecordId(cluster.name, resource.split('/').pop() ?? '')));
      const named = input.taskDefinition ?? current?.service.taskDefinition;
      const td = named !== undefined ? await taskDefinitionOf(ctx, named) : undefined;
      const context: Context = {
        'ecs:cluster': cluster.arn, ...(input.taskDefinition !== undefined && td?.definition ? { 'ecs:task-definition': td.arn } : {}),
        ...serviceSettingsContext(ctx, input),
      };
      return [{ action: 'ecs:UpdateService', resource, context }, ...passRoles(ctx, [td?.definition?.executionRoleArn, td?.definition?.taskRoleArn])];
    },
    DeleteService: onServices('DeleteService', (input: { service?: string }) => [input.service ?? '']),
    DescribeServices: onServices('DescribeServices', (input: { services?: string[] }) => input.services ?? []),
    ListServiceDeployments: onServices('ListServiceDeployments', (input: { service?: string }) => [input.service ?? '']),
    ListServices: clusterScoped('ListServices'),
    ListServicesByNamespace: (input: { namespace?: string }) =>
      [{ action: 'ecs:ListServicesByNamespace', resource: '*', context: given('ecs:namespace', input.namespace?.startsWith('arn:') ? input.namespace : undefined) }],
    DescribeServiceDeployments: onServiceChildren('DescribeServiceDeployments', (input: { serviceDeploymentArns?: string[] }) => input.serviceDeploymentArns ?? []),
    DescribeServiceRevisions: onServiceChildren('DescribeServiceRevisions', (input: { serviceRevisionArns?: string[] }) => input.serviceRevisionArns ?? []),

    TagResource: (input: TagResourceRequest) => [{ action: 'ecs:TagResource', resource: input.resourceArn ?? '', context: requestTagContext(input.tags) }],
    UntagResource: (input: UntagResourceRequest) =>
      [{ action: 'ecs:UntagResource', resource: input.resourceArn ?? '', context: given('aws:TagKeys', input.tagKeys) }],
    ListTagsForResource: (input: { resourceArn?: string }) => [{ action: 'ecs:ListTagsForResource', resource: input.resourceArn ?? '' }],

    PutAccountSetting: accountSetting('PutAccountSetting'),
    PutAccountSettingDefault: accountSetting('PutAccountSettingDefault'),
    DeleteAccountSetting: accountSetting('DeleteAccountSetting'),
    // ListAccountSettings, ListClusters, ListTaskDefinitions and ListTaskDefinitionFamilies are wildcard-only.
  };

  return {
    prefix: 'ecs',
    requests,
    // "errorType": "AccessDeniedException", "statusCode": 400 for a denied ecs:RunTask (pulumi/docs #2860).
    accessDenied: (message) => new AccessDeniedException(message),
  };
}
