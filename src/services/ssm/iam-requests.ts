// What each Parameter Store operation asks of IAM: actions on `arn:aws:ssm:<region>:<account>:parameter/<name>` (one
// per parameter named), the parameter's tags, and the condition keys the request carries (Service Authorization
// Reference, "Actions defined by AWS Systems Manager").
import type {
  AddTagsToResourceRequest, DeleteParametersRequest, GetParametersByPathRequest, GetParametersRequest, ListTagsForResourceRequest,
  PutParameterRequest, RemoveTagsFromResourceRequest, Tag,
} from '@aws-sdk/client-ssm';
import type { IamRequest, IamRequestMapper, ServiceIam } from '../../aws/authz/iam-request.ts';
import { requestTagContext as tagPairsContext } from '../../aws/authz/iam-request.ts';
import type { RequestContext } from '../../aws/context.ts';
import type { Scope } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { AccessDeniedException } from './errors.ts';
import { parameterArn, parseSelector } from './names.ts';
import { findParameter } from './records.ts';

type Context = Record<string, string | string[]>;

function requestTagContext(tags: readonly Tag[] | undefined): Context {
  return tagPairsContext((tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? ''] as const])));
}

/** "true"/"false" for a Boolean the request set, else nothing. */
const flag = (key: string, value: boolean | undefined): Context => (value === undefined ? {} : { [key]: String(value) });

export function ssmIam(deps: ServiceDeps): ServiceIam {
  /**
   * `action` on the parameter a name, `name:version`, `name:label` or parameter ARN names: the selector is not part
   * of the resource. An ARN keeps its own Region and account. The stored parameter's tags become aws:ResourceTag/….
   */
  async function onParameter(action: string, nameOrArn: string, ctx: RequestContext, extra: Context = {}): Promise<IamRequest> {
    const selector = parseSelector(nameOrArn.trim());
    const scope: Scope = selector.arn ? { account: selector.arn.account, region: selector.arn.region } : regionalScope(ctx);
    const record = await deps.store.read((tx) => findParameter(tx, scope, selector.name));
    const tags = Object.fromEntries((record?.tags ?? []).map((t) => [`aws:ResourceTag/${t.Key ?? ''}`, t.Value ?? '']));
    return { action, resource: parameterArn(scope.region, scope.account, selector.name), context: { ...tags, ...extra } };
  }

  const single = (action: string): IamRequestMapper => async (input: { Name?: string }, ctx: RequestContext) =>
    [await onParameter(`ssm:${action}`, input.Name ?? '', ctx)];
  const each = (action: string): IamRequestMapper => async (input: GetParametersRequest | DeleteParametersRequest, ctx: RequestContext) =>
    Promise.all((input.Names ?? []).map((name) => onParameter(`ssm:${action}`, name, ctx)));
  /** The tagging operations name a resource by type and id; Parameter Store's are parameters (others are not served). */
  const tagging = (action: string, extra: (input: never) => Context): IamRequestMapper =>
    async (input: { ResourceType?: string; ResourceId?: string }, ctx: RequestContext) => {
      if (input.ResourceType !== 'Parameter') return [{ action: `ssm:${action}`, resource: '*', context: extra(input as never) }];
      return [await onParameter(`ssm:${action}`, input.ResourceId ?? '', ctx, extra(input as never))];
    };

  const requests: Record<string, IamRequestMapper> = {
    // ssm:Overwrite and the request's tags; a parameter that does not exist yet has no resource tags to read.
    PutParameter: (input: PutParameterRequest, ctx: RequestContext) => {
      const name = (input.Name ?? '').trim();
      return [{
        action: 'ssm:PutParameter', resource: parameterArn(ctx.region, ctx.principal.accountId, name),
        context: { ...flag('ssm:Overwrite', input.Overwrite), ...requestTagContext(input.Tags) },
      }];
    },
    GetParameter: single('GetParameter'),
    DeleteParameter: single('DeleteParameter'),
    GetParameterHistory: single('GetParameterHistory'),
    LabelParameterVersion: single('LabelParameterVersion'),
    UnlabelParameterVersion: single('UnlabelParameterVersion'),
    GetParameters: each('GetParameters'),
    DeleteParameters: each('DeleteParameters'),
    // On the path itself, as AWS words it: "… ssm:GetParametersByPath on resource:
    // arn:aws:ssm:us-east-1:…:parameter/ommyx/dev" (aws-dotnet-extensions-configuration #108); a trailing slash stays
    // ("…:parameter/aft/account-request/custom-fields/", terraform-aws-control_tower_account_factory #174).
    GetParametersByPath: (input: GetParametersByPathRequest, ctx: RequestContext) => [{
      action: 'ssm:GetParametersByPath',
      resource: `arn:aws:ssm:${ctx.region}:${ctx.principal.accountId}:parameter${input.Path ?? ''}`,
      context: flag('ssm:Recursive', input.Recursive),
    }],
    AddTagsToResource: tagging('AddTagsToResource', (input: AddTagsToResourceRequest) => requestTagContext(input.Tags)),
    RemoveTagsFromResource: tagging('RemoveTagsFromResource', (input: RemoveTagsFromResourceRequest): Context =>
      ((input.TagKeys?.length ?? 0) > 0 ? { 'aws:TagKeys': input.TagKeys ?? [] } : {})),
    ListTagsForResource: tagging('ListTagsForResource', (_input: ListTagsForResourceRequest) => ({})),
    // DescribeParameters is wildcard-only: the default `ssm:DescribeParameters` on `*`.
  };

  return {
    prefix: 'ssm',
    requests,
    // "AccessDeniedException … Status Code: 400" is how SSM's JSON protocol answers a denial (AWS SDK errors quoted in
    // github-aws-runners/terraform-aws-github-runner #1279).
    accessDenied: (message) => new AccessDeniedException(message),
  };
}
