// What each Secrets Manager operation asks of IAM: actions on the secret's ARN (a name resolved through the store to
// its suffixed ARN), the secret's resource policy, and the condition keys the request carries (Service Authorization
// Reference, "Actions defined by AWS Secrets Manager"; each operation's "Required permissions" in its API reference).
import type {
  BatchGetSecretValueRequest, CreateSecretRequest, DeleteSecretRequest, GetSecretValueRequest, PutResourcePolicyRequest,
  Tag, TagResourceRequest, UntagResourceRequest, UpdateSecretRequest, UpdateSecretVersionStageRequest,
  ValidateResourcePolicyRequest,
} from '@aws-sdk/client-secrets-manager';
import type { IamRequest, IamRequestMapper, ServiceIam } from '../../aws/authz/iam-request.ts';
import { requestTagContext as tagPairsContext } from '../../aws/authz/iam-request.ts';
import type { RequestContext } from '../../aws/context.ts';
import { clientError } from '../../aws/errors.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { pageOf } from '../common/pagination.ts';
import { regionalScope } from '../common/scope.ts';
import { InvalidNextTokenException } from './errors.ts';
import { matchesFilters } from './filters.ts';
import { arnSuffix, findSecret, secretArn, type SecretRecord } from './records.ts';

type Context = Record<string, string | string[]>;
type Keyed = { SecretId?: string };

/** `aws:RequestTag/<key>` per tag and `aws:TagKeys`, for requests that carry tags. */
function requestTagContext(tags: readonly Tag[] | undefined): Context {
  return tagPairsContext((tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? ''] as const])));
}

/**
 * The secret's tags as `aws:ResourceTag/<key>`. Not `secretsmanager:ResourceTag/…`: IAM's reference lists it only
 * as the literal `secretsmanager:ResourceTag/tag-key`, and the evaluator refuses any other key of that form.
 */
function resourceTagContext(secret: SecretRecord): Context {
  return Object.fromEntries(Object.entries(secret.tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value]));
}

const defined = (entries: Record<string, string | string[] | undefined>): Context =>
  Object.fromEntries(Object.entries(entries).filter((e): e is [string, string | string[]] => e[1] !== undefined));

export function secretsManagerIam(deps: ServiceDeps): ServiceIam {
  const lookup = (ctx: RequestContext, secretId: string): Promise<SecretRecord | undefined> =>
    deps.store.read((tx) => findSecret(tx, regionalScope(ctx), secretId));

  /**
   * `action` on the secret a SecretId names. A secret found in the store is named by its full ARN, with its resource
   * policy and tags. A SecretId that names none stays as the request gave it: AWS answers "… not authorized to perform:
   * secretsmanager:GetSecretValue on resource: cfn/atlas/profile/development" for a missing secret named by name
   * (mongodb/awscdk-resources-mongodbatlas #207), so only a policy allowing that text (or `*`) lets the caller learn
   * the secret does not exist.
   */
  async function onSecret(action: string, secretId: string, ctx: RequestContext, extra: Context = {}): Promise<IamRequest> {
    const secret = await lookup(ctx, secretId);
    if (!secret) return { action, resource: secretId, context: extra };
    return {
      action, resource: secret.arn,
      // secretsmanager:SecretId is typed ARN: the secret the request names, as its ARN.
      context: { 'secretsmanager:SecretId': secret.arn, ...resourceTagContext(secret), ...extra },
      ...(secret.resourcePolicy !== undefined ? { resourcePolicy: secret.resourcePolicy } : {}),
    };
  }

  const simple = (action: string): IamRequestMapper => async (input: Keyed, ctx: RequestContext) =>
    [await onSecret(`secretsmanager:${action}`, input.SecretId ?? '', ctx)];

  /** The secrets a BatchGetSecretValue names: its SecretIdList, or the page its Filters select (as the operation pages). */
  async function batchSecretIds(input: BatchGetSecretValueRequest, ctx: RequestContext): Promise<string[]> {
    if (input.SecretIdList !== undefined) return input.SecretIdList;
    const filters = input.Filters ?? [];
    try {
      const page = await deps.store.read((tx) => pageOf(tx, 'secretsmanager.secret', regionalScope(ctx), { state: 'ACTIVE' },
        { token: input.NextToken, limit: input.MaxResults ?? 20, invalidToken: () => new InvalidNextTokenException('') },
        (row) => matchesFilters(row.body, filters)));
      return page.items.map((row) => row.body.arn);
    } catch (error) {
      // A token the operation will refuse: it answers InvalidNextTokenException once IAM has allowed the call.
      if (error instanceof InvalidNextTokenException) return [];
      throw error;
    }
  }

  const requests: Record<string, IamRequestMapper> = {
    GetSecretValue: async (input: GetSecretValueRequest, ctx: RequestContext) => [await onSecret('secretsmanager:GetSecretValue',
      input.SecretId ?? '', ctx, defined({ 'secretsmanager:VersionId': input.VersionId, 'secretsmanager:VersionStage': input.VersionStage }))],

    // "Required permissions: secretsmanager:BatchGetSecretValue, and you must have secretsmanager:GetSecretValue for
    // each secret. If you use filters, you must also have secretsmanager:ListSecrets." (API reference).
    BatchGetSecretValue: async (input: BatchGetSecretValueRequest, ctx: RequestContext) => {
      const out: IamRequest[] = [{ action: 'secretsmanager:BatchGetSecretValue', resource: '*' }];
      if (input.Filters !== undefined && input.SecretIdList === undefined) out.push({ action: 'secretsmanager:ListSecrets', resource: '*' });
      for (const id of await batchSecretIds(input, ctx)) out.push(await onSecret('secretsmanager:GetSecretValue', id, ctx));
      return out;
    },

    // The new secret's ARN carries a fresh random suffix, as AWS's denial for CreateSecret shows
    // ("… on resource: arn:aws:secretsmanager:eu-central-1:…:secret:secret_default-GJe9zJ", shalb/cluster.dev #76).
    // "If you include tags in the secret, you also need secretsmanager:TagResource." (CreateSecret API reference).
    CreateSecret: (input: CreateSecretRequest, ctx: RequestContext) => {
      const resource = secretArn(regionalScope(ctx), input.Name ?? '', arnSuffix(deps.ids));
      const tags = requestTagContext(input.Tags);
      const create: IamRequest = {
        action: 'secretsmanager:CreateSecret', resource,
        context: { ...defined({ 'secretsmanager:Name': input.Name, 'secretsmanager:Description': input.Description, 'secretsmanager:KmsKeyId': input.KmsKeyId }), ...tags },
      };
      return (input.Tags?.length ?? 0) > 0 ? [create, { action: 'secretsmanager:TagResource', resource, context: tags }] : [create];
    },

    DescribeSecret: simple('DescribeSecret'),
    PutSecretValue: simple('PutSecretValue'),
    ListSecretVersionIds: simple('ListSecretVersionIds'),
    RestoreSecret: simple('RestoreSecret'),
    GetResourcePolicy: simple('GetResourcePolicy'),
    DeleteResourcePolicy: simple('DeleteResourcePolicy'),

    UpdateSecret: async (input: UpdateSecretRequest, ctx: RequestContext) => [await onSecret('secretsmanager:UpdateSecret', input.SecretId ?? '', ctx,
      defined({ 'secretsmanager:Description': input.Description, 'secretsmanager:KmsKeyId': input.KmsKeyId }))],

    UpdateSecretVersionStage: async (input: UpdateSecretVersionStageRequest, ctx: RequestContext) =>
      [await onSecret('secretsmanager:UpdateSecretVersionStage', input.SecretId ?? '', ctx, defined({ 'secretsmanager:VersionStage': input.VersionStage }))],

    DeleteSecret: async (input: DeleteSecretRequest, ctx: RequestContext) => [await onSecret('secretsmanager:DeleteSecret', input.SecretId ?? '', ctx, defined({
      'secretsmanager:ForceDeleteWithoutRecovery': input.ForceDeleteWithoutRecovery === undefined ? undefined : String(input.ForceDeleteWithoutRecovery),
      'secretsmanager:RecoveryWindowInDays': input.RecoveryWindowInDays === undefined ? undefined : String(input.RecoveryWindowInDays),
    }))],

    PutResourcePolicy: async (input: PutResourcePolicyRequest, ctx: RequestContext) => [await onSecret('secretsmanager:PutResourcePolicy', input.SecretId ?? '', ctx,
      defined({ 'secretsmanager:BlockPublicPolicy': input.BlockPublicPolicy === undefined ? undefined : String(input.BlockPublicPolicy) }))],

    // "Required permissions: secretsmanager:ValidateResourcePolicy and secretsmanager:PutResourcePolicy." Without a
    // SecretId no secret is named: `*` (Not verified: what AWS evaluates then).
    ValidateResourcePolicy: async (input: ValidateResourcePolicyRequest, ctx: RequestContext) => {
      const actions = ['secretsmanager:ValidateResourcePolicy', 'secretsmanager:PutResourcePolicy'];
      if (input.SecretId === undefined) return actions.map((action) => ({ action, resource: '*' }));
      return Promise.all(actions.map((action) => onSecret(action, input.SecretId ?? '', ctx)));
    },

    TagResource: async (input: TagResourceRequest, ctx: RequestContext) =>
      [await onSecret('secretsmanager:TagResource', input.SecretId ?? '', ctx, requestTagContext(input.Tags))],
    UntagResource: async (input: UntagResourceRequest, ctx: RequestContext) => [await onSecret('secretsmanager:UntagResource', input.SecretId ?? '', ctx,
      (input.TagKeys?.length ?? 0) > 0 ? { 'aws:TagKeys': input.TagKeys ?? [] } : {})],
    // ListSecrets and GetRandomPassword are wildcard-only: the default `secretsmanager:<Operation>` on `*`.
  };

  return {
    prefix: 'secretsmanager',
    requests,
    // JSON protocol: AccessDeniedException, HTTP 400 ("Status Code: 400; Error Code: AccessDeniedException" in AWS's answers).
    accessDenied: (message) => clientError('AccessDeniedException', message),
  };
}
