// What each ECR operation asks of IAM: the action on `arn:aws:ecr:<region>:<registry>:repository/<name>` with the
// repository's policy and tags from the store (Service Authorization Reference, "Actions defined by Amazon Elastic
// Container Registry"). The registry's /v2/ routes can ask the same through ecrRepositoryRequest.
import type { CreateRepositoryRequest, DescribeRepositoriesRequest, Tag, TagResourceRequest, UntagResourceRequest } from '@aws-sdk/client-ecr';
import type { IamRequest, IamRequestMapper, ServiceIam } from '../../aws/authz/iam-request.ts';
import { requestTagContext as tagPairsContext } from '../../aws/authz/iam-request.ts';
import type { RequestContext } from '../../aws/context.ts';
import { getRepository } from '../../registry/records.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { EcrError } from './errors.ts';

type Context = Record<string, string | string[]>;

const REPOSITORY_ARN = /^arn:aws[a-z-]*:ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)$/;

function requestTagContext(tags: readonly Tag[] | undefined): Context {
  return tagPairsContext((tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? ''] as const])));
}

/**
 * `action` on the repository `name` in `registryId` (default: the caller's registry): its ARN, its repository
 * policy (ECR evaluates it with the caller's identity policies) and its tags as aws:ResourceTag/…. A repository that
 * does not exist is still named by the ARN it would have.
 */
export async function ecrRepositoryRequest(deps: Pick<ServiceDeps, 'store'>, action: string, name: string, ctx: RequestContext,
  options: { registryId?: string; region?: string; context?: Context } = {}): Promise<IamRequest> {
  const account = options.registryId ?? ctx.principal.accountId;
  const region = options.region ?? ctx.region;
  const record = await deps.store.read((tx) => getRepository(tx, { account, region }, name));
  const tags = Object.fromEntries((record?.tags ?? []).map((t) => [`aws:ResourceTag/${t.Key}`, t.Value]));
  return {
    action, resource: `arn:aws:ecr:${region}:${account}:repository/${name}`, context: { ...tags, ...options.context },
    ...(record?.policyText !== undefined ? { resourcePolicy: record.policyText } : {}),
  };
}

export function ecrIam(deps: ServiceDeps): ServiceIam {
  const onRepository = (action: string): IamRequestMapper => async (input: { repositoryName?: string; registryId?: string }, ctx: RequestContext) =>
    [await ecrRepositoryRequest(deps, `ecr:${action}`, input.repositoryName ?? '', ctx, input.registryId !== undefined ? { registryId: input.registryId } : {})];

  /** The tagging operations name the repository by ARN. */
  const byArn = async (action: string, arn: string, ctx: RequestContext, context: Context): Promise<IamRequest> => {
    const match = REPOSITORY_ARN.exec(arn);
    if (!match) return { action, resource: arn, context };
    return ecrRepositoryRequest(deps, action, match[3] ?? '', ctx, { region: match[1] ?? ctx.region, registryId: match[2] ?? '', context });
  };

  const requests: Record<string, IamRequestMapper> = {
    CreateRepository: (input: CreateRepositoryRequest, ctx: RequestContext) => [{
      action: 'ecr:CreateRepository',
      resource: `arn:aws:ecr:${ctx.region}:${input.registryId ?? ctx.principal.accountId}:repository/${input.repositoryName ?? ''}`,
      context: requestTagContext(input.tags),
    }],
    // Without names it lists every repository: "… ecr:DescribeRepositories on resource:
    // arn:aws:ecr:eu-west-1:123456789:repository/*" (aws-amplify/amplify-cli #10828).
    DescribeRepositories: async (input: DescribeRepositoriesRequest, ctx: RequestContext) => {
      const registry = input.registryId ?? ctx.principal.accountId;
      const names = input.repositoryNames ?? [];
      if (names.length === 0) return [{ action: 'ecr:DescribeRepositories', resource: `arn:aws:ecr:${ctx.region}:${registry}:repository/*` }];
      return Promise.all(names.map((name) => ecrRepositoryRequest(deps, 'ecr:DescribeRepositories', name, ctx, { registryId: registry })));
    },
    TagResource: async (input: TagResourceRequest, ctx: RequestContext) => [await byArn('ecr:TagResource', input.resourceArn ?? '', ctx, requestTagContext(input.tags))],
    UntagResource: async (input: UntagResourceRequest, ctx: RequestContext) =>
      [await byArn('ecr:UntagResource', input.resourceArn ?? '', ctx, (input.tagKeys?.length ?? 0) > 0 ? { 'aws:TagKeys': input.tagKeys ?? [] } : {})],
    ListTagsForResource: async (input: { resourceArn?: string }, ctx: RequestContext) => [await byArn('ecr:ListTagsForResource', input.resourceArn ?? '', ctx, {})],
    // GetAuthorizationToken is wildcard-only: the default `ecr:GetAuthorizationToken` on `*`.
  };
  for (const operation of [
    'DeleteRepository', 'PutImageTagMutability', 'PutImageScanningConfiguration', 'SetRepositoryPolicy', 'GetRepositoryPolicy',
    'DeleteRepositoryPolicy', 'BatchGetImage', 'BatchDeleteImage', 'PutImage', 'DescribeImages', 'ListImages', 'GetDownloadUrlForLayer',
    'BatchCheckLayerAvailability', 'InitiateLayerUpload', 'UploadLayerPart', 'CompleteLayerUpload', 'PutLifecyclePolicy',
    'GetLifecyclePolicy', 'DeleteLifecyclePolicy', 'StartLifecyclePolicyPreview', 'GetLifecyclePolicyPreview',
  ]) requests[operation] = onRepository(operation);

  return {
    prefix: 'ecr',
    requests,
    // "An error occurred (AccessDeniedException) when calling the DescribeImages operation: User: … is not authorized
    // to perform: ecr:DescribeImages on resource: …" (ministryofjustice/modernisation-platform-environments #10067).
    accessDenied: (message) => new EcrError('AccessDeniedException', message),
  };
}
