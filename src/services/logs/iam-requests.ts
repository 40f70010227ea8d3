// What each CloudWatch Logs operation asks of IAM: log-group and log-stream ARNs built from the request, and the
// request's tags (Service Authorization Reference, "Actions defined by Amazon CloudWatch Logs").
//
// Log-group actions are evaluated on `arn:aws:logs:<region>:<account>:log-group:<name>:log-stream:` (empty stream),
// which is why policies grant `log-group:<name>:*`: "… not authorized to perform: logs:CreateLogGroup on resource:
// arn:aws:logs:eu-central-1:…:log-group:/aws/lambda/…:log-stream: because no identity-based policy allows …"
// (elastic/apm-aws-lambda #526), the same for logs:DescribeMetricFilters (prowler-cloud/prowler #37), and
// FilterLogEvents works only with the trailing `*` (aws/serverless-application-model #527).
import type {
  CreateLogGroupRequest, ListTagsForResourceRequest, TagLogGroupRequest, TagResourceRequest, UntagLogGroupRequest, UntagResourceRequest,
} from '@aws-sdk/client-cloudwatch-logs';
import type { IamRequest, IamRequestMapper, ServiceIam } from '../../aws/authz/iam-request.ts';
import { requestTagContext as tagPairsContext } from '../../aws/authz/iam-request.ts';
import type { RequestContext } from '../../aws/context.ts';
import { clientError } from '../../aws/errors.ts';

type Context = Record<string, string | string[]>;

interface GroupRef { region: string; account: string; name: string }

const GROUP_ARN = /^arn:aws[a-z-]*:logs:([a-z0-9-]+):(\d{12}):log-group:(.+?)(?::\*)?$/;

/** A log group named by name or by ARN (`logGroupIdentifier` takes either; a trailing `:*` is the ARN DescribeLogGroups prints). */
function groupOf(ctx: RequestContext, nameOrArn: string): GroupRef {
  const match = GROUP_ARN.exec(nameOrArn);
  if (match) return { region: match[1] ?? ctx.region, account: match[2] ?? ctx.principal.accountId, name: match[3] ?? '' };
  return { region: ctx.region, account: ctx.principal.accountId, name: nameOrArn };
}

const groupArn = (g: GroupRef): string => `arn:aws:logs:${g.region}:${g.account}:log-group:${g.name}`;
/** The resource a log-group action is evaluated on (see the header). */
const groupResource = (g: GroupRef): string => `${groupArn(g)}:log-stream:`;
const streamResource = (g: GroupRef, stream: string): string => `${groupArn(g)}:log-stream:${stream}`;

function requestTagContext(tags: Record<string, string> | undefined): Context {
  return tagPairsContext(Object.entries(tags ?? {}));
}

const tagKeysContext = (keys: readonly string[] | undefined): Context => (keys && keys.length > 0 ? { 'aws:TagKeys': [...keys] } : {});

type GroupInput = { logGroupName?: string; logGroupIdentifier?: string };
type StreamInput = GroupInput & { logStreamName?: string };

const nameOf = (input: GroupInput): string => input.logGroupIdentifier ?? input.logGroupName ?? '';

export function logsIam(): ServiceIam {
  const onGroup = (action: string, context: (input: never) => Context = () => ({})): IamRequestMapper =>
    (input: GroupInput, ctx: RequestContext): IamRequest[] =>
      [{ action: `logs:${action}`, resource: groupResource(groupOf(ctx, nameOf(input))), context: context(input as never) }];
  const onStream = (action: string): IamRequestMapper => (input: StreamInput, ctx: RequestContext): IamRequest[] =>
    [{ action: `logs:${action}`, resource: streamResource(groupOf(ctx, nameOf(input)), input.logStreamName ?? ''), context: {} }];
  /** TagResource, UntagResource and ListTagsForResource name the log group by its ARN, which IAM sees as given. */
  const onArn = (action: string, arn: string, ctx: RequestContext, context: Context): IamRequest[] =>
    [{ action: `logs:${action}`, resource: GROUP_ARN.test(arn) ? groupArn(groupOf(ctx, arn)) : arn, context }];

  const requests: Record<string, IamRequestMapper> = {
    // "To assign tags when you create a log group, you must have either the logs:TagResource or logs:TagLogGroup
    // permission" (CreateLogGroup API reference, tags): Berth asks logs:TagResource, on the group's ARN.
    CreateLogGroup: (input: CreateLogGroupRequest, ctx: RequestContext) => {
      const group = groupOf(ctx, input.logGroupName ?? '');
      const tags = requestTagContext(input.tags);
      const create: IamRequest = { action: 'logs:CreateLogGroup', resource: groupResource(group), context: tags };
      return Object.keys(input.tags ?? {}).length > 0 ? [create, { action: 'logs:TagResource', resource: groupArn(group), context: tags }] : [create];
    },
    DeleteLogGroup: onGroup('DeleteLogGroup'),
    PutRetentionPolicy: onGroup('PutRetentionPolicy'),
    DeleteRetentionPolicy: onGroup('DeleteRetentionPolicy'),
    DescribeLogStreams: onGroup('DescribeLogStreams'),
    FilterLogEvents: onGroup('FilterLogEvents'),
    ListTagsLogGroup: onGroup('ListTagsLogGroup'),
    TagLogGroup: onGroup('TagLogGroup', (input: TagLogGroupRequest) => requestTagContext(input.tags)),
    UntagLogGroup: onGroup('UntagLogGroup', (input: UntagLogGroupRequest) => tagKeysContext(input.tags)),
    CreateLogStream: onStream('CreateLogStream'),
    DeleteLogStream: onStream('DeleteLogStream'),
    PutLogEvents: onStream('PutLogEvents'),
    GetLogEvents: onStream('GetLogEvents'),
    TagResource: (input: TagResourceRequest, ctx: RequestContext) => onArn('TagResource', input.resourceArn ?? '', ctx, requestTagContext(input.tags)),
    UntagResource: (input: UntagResourceRequest, ctx: RequestContext) =>
      onArn('UntagResource', input.resourceArn ?? '', ctx, tagKeysContext(input.tagKeys)),
    ListTagsForResource: (input: ListTagsForResourceRequest, ctx: RequestContext) => onArn('ListTagsForResource', input.resourceArn ?? '', ctx, {}),
    // DescribeLogGroups is wildcard-only in IAM's reference: the default `logs:DescribeLogGroups` on `*`.
  };

  return {
    prefix: 'logs',
    requests,
    // "api error AccessDeniedException: User: … is not authorized to perform: logs:CreateLogGroup …", StatusCode: 400
    // (elastic/apm-aws-lambda #526).
    accessDenied: (message) => clientError('AccessDeniedException', message),
  };
}
