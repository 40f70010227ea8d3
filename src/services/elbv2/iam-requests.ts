// What each ELBv2 operation asks of IAM (service prefix `elasticloadbalancing`): the action, the load balancer,
// target group, listener or rule ARN the input names, and the condition keys the request itself supplies.
//
// Facts:
// - Describe*, DescribeTags, DescribeAccountLimits and DescribeSSLPolicies take no resource: `*` (Service
//   Authorization Reference, "Actions, resources, and condition keys for AWS Elastic Load Balancing V2").
// - A resource being created is authorized against its name with `*` for the id AWS has not yet assigned:
//   "User: … is not authorized to perform: elasticloadbalancing:CreateTargetGroup on resource:
//   arn:aws:elasticloadbalancing:us-east-1:…:targetgroup/tf-2018…/*" and "…:CreateLoadBalancer on resource:
//   …:loadbalancer/net/tf-lb-2018…/*" (verified: GSA/devsecops-example#86).
// - "If tags are specified in the resource-creating action, additional authorization is required on the
//   elasticloadbalancing:AddTags action", with elasticloadbalancing:CreateAction naming the creating action (ELB
//   user guide, "ELB API permissions to tag resources during creation"); AWS names the new resource there too:
//   "…:AddTags on resource: arn:aws:elasticloadbalancing:us-west-2:123:targetgroup/foo/*" (verified:
//   aws-ia/terraform-aws-eks-blueprints#1681). A listener's or rule's ARN pattern follows the same rule (not verified).
// - Elastic Load Balancing answers AccessDenied, HTTP 403, Sender (verified: ministryofjustice/bootstrap-cfn#216).
import type {
  AddListenerCertificatesInput, AddTagsInput, CreateListenerInput, CreateLoadBalancerInput, CreateRuleInput, CreateTargetGroupInput,
  ModifyListenerInput, RemoveTagsInput, SetRulePrioritiesInput, SetSecurityGroupsInput, SetSubnetsInput, Tag,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { clientError } from '../../aws/errors.ts';
import type { IamRequest, IamRequestMapper, ServiceIam } from '../../aws/authz/iam-request.ts';
import { requestTagContext as tagPairsContext } from '../../aws/authz/iam-request.ts';
import { regionalScope } from '../common/scope.ts';
import { listenerArn, loadBalancerArn, ruleArn, targetGroupArn } from './arns.ts';

type Context = Record<string, string | string[]>;

const PREFIX = 'elasticloadbalancing';

function request(action: string, resource: string, context: Context = {}): IamRequest {
  return Object.keys(context).length > 0 ? { action: `${PREFIX}:${action}`, resource, context } : { action: `${PREFIX}:${action}`, resource };
}

function tagContext(tags: readonly Tag[] | undefined): Context {
  return tagPairsContext((tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? ''] as const])));
}

/** The create action, and AddTags on the same new resource when the request carries tags. */
function creating(action: string, resource: string, tags: readonly Tag[] | undefined, context: Context = {}): IamRequest[] {
  const tagged = tagContext(tags);
  const created = request(action, resource, { ...context, ...tagged });
  if (Object.keys(tagged).length === 0) return [created];
  return [created, request('AddTags', resource, { ...tagged, [`${PREFIX}:CreateAction`]: action })];
}

/** Actions that take no resource-level permission. */
const WILDCARD_ONLY = [
  'DescribeLoadBalancers', 'DescribeLoadBalancerAttributes', 'DescribeTargetGroups', 'DescribeTargetGroupAttributes', 'DescribeListeners',
  'DescribeListenerAttributes', 'DescribeListenerCertificates', 'DescribeSSLPolicies', 'DescribeRules', 'DescribeTargetHealth', 'DescribeTags',
  'DescribeAccountLimits',
] as const;

/** Operations on the one resource an input member names by ARN. */
const BY_ARN: Readonly<Record<string, 'LoadBalancerArn' | 'TargetGroupArn' | 'ListenerArn' | 'RuleArn'>> = {
  DeleteLoadBalancer: 'LoadBalancerArn', SetIpAddressType: 'LoadBalancerArn', ModifyLoadBalancerAttributes: 'LoadBalancerArn',
  ModifyTargetGroup: 'TargetGroupArn', DeleteTargetGroup: 'TargetGroupArn', ModifyTargetGroupAttributes: 'TargetGroupArn',
  RegisterTargets: 'TargetGroupArn', DeregisterTargets: 'TargetGroupArn',
  DeleteListener: 'ListenerArn', ModifyListenerAttributes: 'ListenerArn', RemoveListenerCertificates: 'ListenerArn',
  ModifyRule: 'RuleArn', DeleteRule: 'RuleArn',
};

function listContext(key: string, values: readonly (string | undefined)[] | undefined): Context {
  const present = (values ?? []).filter((v): v is string => v !== undefined);
  return present.length > 0 ? { [`${PREFIX}:${key}`]: present } : {};
}

function listenerContext(input: { Protocol?: string | undefined; SslPolicy?: string | undefined }): Context {
  return {
    ...(input.Protocol !== undefined ? { [`${PREFIX}:ListenerProtocol`]: input.Protocol } : {}),
    ...(input.SslPolicy !== undefined ? { [`${PREFIX}:SecurityPolicy`]: input.SslPolicy } : {}),
  };
}

function elbv2Requests(): Record<string, IamRequestMapper> {
  const requests: Record<string, IamRequestMapper> = {};
  for (const action of WILDCARD_ONLY) requests[action] = () => [request(action, '*')];
  for (const [action, member] of Object.entries(BY_ARN)) {
    requests[action] = (input: Partial<Record<typeof member, string>>) => [request(action, input[member] ?? '')];
  }

  requests['CreateLoadBalancer'] = (input: CreateLoadBalancerInput, ctx) => {
    const resource = loadBalancerArn(regionalScope(ctx), input.Type === 'network' ? 'network' : 'application', input.Name ?? '', '*');
    const subnets = input.Subnets ?? input.SubnetMappings?.map((mapping) => mapping.SubnetId);
    return creating('CreateLoadBalancer', resource, input.Tags, {
      // The scheme the load balancer gets: internet-facing when the request names none (ELBv2 API reference,
      // CreateLoadBalancer). Not verified: that IAM sees the default when the request omits it.
      [`${PREFIX}:Scheme`]: input.Scheme ?? 'internet-facing',
      ...listContext('Subnet', subnets),
      ...listContext('SecurityGroup', input.SecurityGroups),
    });
  };
  requests['CreateTargetGroup'] = (input: CreateTargetGroupInput, ctx) =>
    creating('CreateTargetGroup', targetGroupArn(regionalScope(ctx), input.Name ?? '', '*'), input.Tags);
  // A listener is created on its load balancer (the resource type the reference lists); tags go on the new listener.
  requests['CreateListener'] = (input: CreateListenerInput) => {
    const created = request('CreateListener', input.LoadBalancerArn ?? '', { ...listenerContext(input), ...tagContext(input.Tags) });
    const tags = tagContext(input.Tags);
    if (Object.keys(tags).length === 0) return [created];
    return [created, request('AddTags', listenerArn(input.LoadBalancerArn ?? '', '*'), { ...tags, [`${PREFIX}:CreateAction`]: 'CreateListener' })];
  };
  requests['CreateRule'] = (input: CreateRuleInput) => {
    const created = request('CreateRule', input.ListenerArn ?? '', tagContext(input.Tags));
    const tags = tagContext(input.Tags);
    if (Object.keys(tags).length === 0) return [created];
    return [created, request('AddTags', ruleArn(input.ListenerArn ?? '', '*'), { ...tags, [`${PREFIX}:CreateAction`]: 'CreateRule' })];
  };
  requests['ModifyListener'] = (input: ModifyListenerInput) => [request('ModifyListener', input.ListenerArn ?? '', listenerContext(input))];
  requests['AddListenerCertificates'] = (input: AddListenerCertificatesInput) => [request('AddListenerCertificates', input.ListenerArn ?? '')];
  requests['SetSecurityGroups'] = (input: SetSecurityGroupsInput) =>
    [request('SetSecurityGroups', input.LoadBalancerArn ?? '', listContext('SecurityGroup', input.SecurityGroups))];
  requests['SetSubnets'] = (input: SetSubnetsInput) =>
    [request('SetSubnets', input.LoadBalancerArn ?? '', listContext('Subnet', input.Subnets ?? input.SubnetMappings?.map((m) => m.SubnetId)))];
  // One request per rule: each rule's priority changes.
  requests['SetRulePriorities'] = (input: SetRulePrioritiesInput) =>
    (input.RulePriorities ?? []).map((priority) => request('SetRulePriorities', priority.RuleArn ?? ''));
  // One request per resource tagged or untagged.
  requests['AddTags'] = (input: AddTagsInput) => (input.ResourceArns ?? []).map((arn) => request('AddTags', arn, tagContext(input.Tags)));
  requests['RemoveTags'] = (input: RemoveTagsInput) => (input.ResourceArns ?? []).map((arn) =>
    request('RemoveTags', arn, (input.TagKeys?.length ?? 0) > 0 ? { 'aws:TagKeys': [...(input.TagKeys ?? [])] } : {}));
  return requests;
}

/** How ELBv2's operations read to IAM, for callers whose policies are enforced. */
export function elbv2ServiceIam(): ServiceIam {
  return {
    prefix: PREFIX,
    requests: elbv2Requests(),
    accessDenied: (message) => clientError('AccessDenied', message, 403),
  };
}
