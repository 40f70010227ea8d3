// What each EC2 operation asks of IAM: the action, one request per resource type the Service Authorization
// Reference marks required (plus optional ones the request names), and the condition keys the request supplies.
//
// Facts:
// - Resource ARNs are `arn:aws:ec2:<region>:<account>:<type>/<id>` (`vpc/vpc-…`, `subnet/subnet-…`,
//   `security-group/sg-…`, `route-table/rtb-…`, `internet-gateway/igw-…`); a resource being created has no id yet
//   and is named `<type>/*` (Service Authorization Reference, "Actions, resources, and condition keys for Amazon EC2").
// - Describe* and CreateDefaultVpc take no resource: `*`.
// - Tags on create: "If tags are specified in the resource-creating action, Amazon EC2 performs additional
//   authorization on the ec2:CreateTags action", with ec2:CreateAction naming the creating action (EC2 user guide,
//   "Grant permission to tag Amazon EC2 resources during creation").
// - EC2 answers UnauthorizedOperation, 403: "You are not authorized to perform this operation. User: … is not
//   authorized to perform: ec2:DescribeVpcs because no identity-based policy allows the ec2:DescribeVpcs action"
//   (verified: hashicorp/terraform-provider-aws#34234). For many actions AWS appends "Encoded authorization failure
//   message: …", an opaque blob only sts:DecodeAuthorizationMessage reads; Berth serves no such blob.
import type {
  AssociateRouteTableRequest, AttachInternetGatewayRequest, CreateRouteTableRequest, CreateSecurityGroupRequest, CreateSubnetRequest,
  CreateTagsRequest, DeleteTagsRequest, ModifySecurityGroupRulesRequest, ReplaceRouteTableAssociationRequest, Tag, TagSpecification,
} from '@aws-sdk/client-ec2';
import type { RequestContext } from '../../aws/context.ts';
import { clientError } from '../../aws/errors.ts';
import type { IamRequest, IamRequestMapper, ServiceIam } from '../../aws/authz/iam-request.ts';
import { requestTagContext as tagPairsContext } from '../../aws/authz/iam-request.ts';
import type { Store } from '../../store/store.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { ec2IdPrefixOf } from './ids.ts';
import { DEFAULT_VPC_KEY } from './records.ts';

type Context = Record<string, string | string[]>;

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function arnOf(ctx: RequestContext, type: string, id: string): string {
  return `arn:${partitionOf(ctx.region)}:ec2:${ctx.region}:${ctx.principal.accountId}:${type}/${id}`;
}

/** ec2:Region, which every EC2 action lists, and the request's own keys. */
function request(ctx: RequestContext, action: string, resource: string, context: Context = {}): IamRequest {
  return { action: `ec2:${action}`, resource, context: { 'ec2:Region': ctx.region, ...context } };
}

function tagContext(tags: readonly Tag[] | undefined): Context {
  return tagPairsContext((tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? ''] as const])));
}

function specifiedTags(specifications: readonly TagSpecification[] | undefined, resourceType: string): Tag[] {
  return (specifications ?? []).filter((spec) => spec.ResourceType === resourceType).flatMap((spec) => spec.Tags ?? []);
}

/**
 * A resource being created: the create action on `<type>/*` (with the tags it is created with), ec2:CreateTags on
 * it when tagged, and the existing resources it is created in (`also`).
 */
function creating(ctx: RequestContext, action: string, type: string, specifications: readonly TagSpecification[] | undefined,
  also: IamRequest[] = []): IamRequest[] {
  const resource = arnOf(ctx, type, '*');
  const tags = tagContext(specifiedTags(specifications, type));
  const requests = [request(ctx, action, resource, tags), ...also];
  if (Object.keys(tags).length > 0) requests.push(request(ctx, 'CreateTags', resource, { ...tags, 'ec2:CreateAction': action }));
  return requests;
}

/** The resource types Berth's EC2 keeps, by id prefix (as CreateTags/DeleteTags name them). */
const TYPE_OF_PREFIX: Readonly<Record<string, string>> = {
  vpc: 'vpc', subnet: 'subnet', sg: 'security-group', sgr: 'security-group-rule', eni: 'network-interface', rtb: 'route-table',
  igw: 'internet-gateway', acl: 'network-acl', dopt: 'dhcp-options',
};

const WILDCARD_ONLY = [
  'DescribeVpcs', 'CreateDefaultVpc', 'DescribeSubnets', 'DescribeSecurityGroups', 'DescribeSecurityGroupRules', 'DescribeNetworkInterfaces',
  'DescribeAvailabilityZones', 'DescribeRegions', 'DescribeTags', 'DescribeRouteTables', 'DescribeInternetGateways', 'DescribeNetworkAcls',
  'DescribeDhcpOptions',
] as const;

/** Operations on one existing resource an input member names by id. */
const BY_ID: Readonly<Record<string, [member: string, type: string]>> = {
  DeleteVpc: ['VpcId', 'vpc'], ModifyVpcAttribute: ['VpcId', 'vpc'], DescribeVpcAttribute: ['VpcId', 'vpc'],
  DeleteSubnet: ['SubnetId', 'subnet'], ModifySubnetAttribute: ['SubnetId', 'subnet'],
  DeleteRouteTable: ['RouteTableId', 'route-table'], CreateRoute: ['RouteTableId', 'route-table'],
  DeleteRoute: ['RouteTableId', 'route-table'], ReplaceRoute: ['RouteTableId', 'route-table'],
  DeleteInternetGateway: ['InternetGatewayId', 'internet-gateway'],
};

/** Security-group operations, which name the group by GroupId or, in the default VPC, by GroupName. */
const ON_GROUP = [
  'DeleteSecurityGroup', 'AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress', 'UpdateSecurityGroupRuleDescriptionsIngress', 'UpdateSecurityGroupRuleDescriptionsEgress',
] as const;

interface GroupInput { GroupId?: string | undefined; GroupName?: string | undefined; TagSpecifications?: TagSpecification[] | undefined }

/** Reads what a request names indirectly (a default-VPC group by name, a route table association) from the store. */
class Ec2Lookups {
  readonly #store: Store;
  constructor(store: Store) { this.#store = store; }

  /** The group id a GroupId/GroupName pair names; undefined when the default VPC has no group of that name. */
  async groupId(ctx: RequestContext, input: GroupInput): Promise<string | undefined> {
    if (input.GroupId !== undefined) return input.GroupId;
    if (input.GroupName === undefined) return undefined;
    const name = input.GroupName;
    const scope = regionalScope(ctx);
    return this.#store.read(async (tx) => {
      const [vpc] = await tx.list('ec2.vpc', scope, { name: DEFAULT_VPC_KEY, limit: 1 });
      if (!vpc) return undefined;
      const [group] = await tx.list('ec2.security-group', scope, { parent: vpc.body.vpc.VpcId, name, limit: 1 });
      return group?.body.GroupId;
    });
  }

  /** The route table and subnet an association id belongs to. */
  async association(ctx: RequestContext, associationId: string | undefined): Promise<{ routeTableId: string; subnetId?: string | undefined } | undefined> {
    const scope = regionalScope(ctx);
    const tables = await this.#store.read((tx) => tx.list('ec2.route-table', scope));
    for (const row of tables) {
      const found = row.body.Associations.find((association) => association.RouteTableAssociationId === associationId);
      if (found) return { routeTableId: row.body.RouteTableId, subnetId: found.SubnetId };
    }
    return undefined;
  }
}

function ec2Requests(lookups: Ec2Lookups): Record<string, IamRequestMapper> {
  const requests: Record<string, IamRequestMapper> = {};
  for (const action of WILDCARD_ONLY) requests[action] = (_input: unknown, ctx) => [request(ctx, action, '*')];
  for (const [action, [member, type]] of Object.entries(BY_ID)) {
    requests[action] = (input: Record<string, string | undefined>, ctx) => [request(ctx, action, arnOf(ctx, type, input[member] ?? ''))];
  }
  for (const action of ON_GROUP) {
    requests[action] = async (input: GroupInput, ctx) => {
      const groupId = await lookups.groupId(ctx, input);
      // A default-VPC group name that names no group: the operation answers InvalidGroup.NotFound itself.
      if (groupId === undefined) return [];
      const onGroup = [request(ctx, action, arnOf(ctx, 'security-group', groupId))];
      // Authorize* may tag the rules it creates (security-group-rule, optional in the reference).
      if (!action.startsWith('Authorize')) return onGroup;
      const tags = tagContext(specifiedTags(input.TagSpecifications, 'security-group-rule'));
      if (Object.keys(tags).length === 0) return onGroup;
      const rules = arnOf(ctx, 'security-group-rule', '*');
      return [...onGroup, request(ctx, action, rules, tags), request(ctx, 'CreateTags', rules, { ...tags, 'ec2:CreateAction': action })];
    };
  }

  requests['CreateVpc'] = (input: { TagSpecifications?: TagSpecification[] }, ctx) => creating(ctx, 'CreateVpc', 'vpc', input.TagSpecifications);
  requests['CreateSubnet'] = (input: CreateSubnetRequest, ctx) => creating(ctx, 'CreateSubnet', 'subnet', input.TagSpecifications,
    [request(ctx, 'CreateSubnet', arnOf(ctx, 'vpc', input.VpcId ?? ''))]);
  // The VPC is optional for CreateSecurityGroup (the default VPC's when the request names none).
  requests['CreateSecurityGroup'] = (input: CreateSecurityGroupRequest, ctx) => creating(ctx, 'CreateSecurityGroup', 'security-group',
    input.TagSpecifications, input.VpcId === undefined ? [] : [request(ctx, 'CreateSecurityGroup', arnOf(ctx, 'vpc', input.VpcId))]);
  requests['CreateRouteTable'] = (input: CreateRouteTableRequest, ctx) => creating(ctx, 'CreateRouteTable', 'route-table', input.TagSpecifications,
    [request(ctx, 'CreateRouteTable', arnOf(ctx, 'vpc', input.VpcId ?? ''))]);
  requests['CreateInternetGateway'] = (input: { TagSpecifications?: TagSpecification[] }, ctx) =>
    creating(ctx, 'CreateInternetGateway', 'internet-gateway', input.TagSpecifications);

  requests['ModifySecurityGroupRules'] = (input: ModifySecurityGroupRulesRequest, ctx) => [
    request(ctx, 'ModifySecurityGroupRules', arnOf(ctx, 'security-group', input.GroupId ?? '')),
    ...(input.SecurityGroupRules ?? []).map((rule) =>
      request(ctx, 'ModifySecurityGroupRules', arnOf(ctx, 'security-group-rule', rule.SecurityGroupRuleId ?? ''))),
  ];
  for (const action of ['AttachInternetGateway', 'DetachInternetGateway'] as const) {
    requests[action] = (input: AttachInternetGatewayRequest, ctx) => [
      request(ctx, action, arnOf(ctx, 'internet-gateway', input.InternetGatewayId ?? '')),
      request(ctx, action, arnOf(ctx, 'vpc', input.VpcId ?? '')),
    ];
  }
  requests['AssociateRouteTable'] = (input: AssociateRouteTableRequest, ctx) => [
    request(ctx, 'AssociateRouteTable', arnOf(ctx, 'route-table', input.RouteTableId ?? '')),
    ...(input.SubnetId !== undefined ? [request(ctx, 'AssociateRouteTable', arnOf(ctx, 'subnet', input.SubnetId))] : []),
    ...(input.GatewayId !== undefined ? [request(ctx, 'AssociateRouteTable', arnOf(ctx, 'internet-gateway', input.GatewayId))] : []),
  ];
  // The association's route table and subnet (both optional in the reference; the request names them by association).
  requests['DisassociateRouteTable'] = async (input: { AssociationId?: string }, ctx) => {
    const found = await lookups.association(ctx, input.AssociationId);
    if (!found) return []; // The operation answers InvalidAssociationID.NotFound itself.
    return [
      request(ctx, 'DisassociateRouteTable', arnOf(ctx, 'route-table', found.routeTableId)),
      ...(found.subnetId !== undefined ? [request(ctx, 'DisassociateRouteTable', arnOf(ctx, 'subnet', found.subnetId))] : []),
    ];
  };
  requests['ReplaceRouteTableAssociation'] = async (input: ReplaceRouteTableAssociationRequest, ctx) => {
    const found = await lookups.association(ctx, input.AssociationId);
    return [
      request(ctx, 'ReplaceRouteTableAssociation', arnOf(ctx, 'route-table', input.RouteTableId ?? '')),
      ...(found?.subnetId !== undefined ? [request(ctx, 'ReplaceRouteTableAssociation', arnOf(ctx, 'subnet', found.subnetId))] : []),
    ];
  };

  // One request per resource tagged or untagged; ids of kinds Berth does not keep are refused by the operation.
  const perResource = (action: 'CreateTags' | 'DeleteTags', ids: readonly string[] | undefined, context: Context, ctx: RequestContext): IamRequest[] =>
    (ids ?? []).flatMap((id) => {
      const prefix = ec2IdPrefixOf(id);
      const type = prefix === undefined ? undefined : TYPE_OF_PREFIX[prefix];
      return type === undefined ? [] : [request(ctx, action, arnOf(ctx, type, id), context)];
    });
  requests['CreateTags'] = (input: CreateTagsRequest, ctx) => perResource('CreateTags', input.Resources, tagContext(input.Tags), ctx);
  requests['DeleteTags'] = (input: DeleteTagsRequest, ctx) => {
    const keys = (input.Tags ?? []).flatMap((tag) => (tag.Key === undefined ? [] : [tag.Key]));
    return perResource('DeleteTags', input.Resources, keys.length > 0 ? { 'aws:TagKeys': keys } : {}, ctx);
  };
  return requests;
}

/** How EC2's operations read to IAM, for callers whose policies are enforced. */
export function ec2ServiceIam(deps: ServiceDeps): ServiceIam {
  return {
    prefix: 'ec2',
    requests: ec2Requests(new Ec2Lookups(deps.store)),
    accessDenied: (message) => clientError('UnauthorizedOperation', `You are not authorized to perform this operation. ${message}`, 403),
  };
}
