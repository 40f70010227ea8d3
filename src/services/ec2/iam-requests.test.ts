import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { iamRequestsFor, type IamRequest } from '../../aws/authz/iam-request.ts';
import type { Principal, RequestContext } from '../../aws/context.ts';
import { cryptoIds } from '../../platform/ids.ts';
import { openSqliteStore } from '../../store/sqlite.ts';
import type { Store } from '../../store/store.ts';
import { denyOn, describeResult, ignoredContextKeys, simulate, TEST_ACCOUNT, TEST_USER_ARN } from '../../../test/support/iam-map-simulation.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { ec2ServiceIam } from './iam-requests.ts';
import { createEc2Service } from './index.ts';

const REGION = 'eu-west-1';
const ARN = `arn:aws:ec2:${REGION}:${TEST_ACCOUNT}`;
const VPC = 'vpc-0a1b2c3d4e5f60718';
const SUBNET = 'subnet-0a1b2c3d4e5f60718';
const SG = 'sg-0a1b2c3d4e5f60718';
const RTB = 'rtb-0a1b2c3d4e5f60718';
const IGW = 'igw-0a1b2c3d4e5f60718';
const SGR = 'sgr-0a1b2c3d4e5f60718';
const tagSpec = (type: string): object[] => [{ ResourceType: type, Tags: [{ Key: 'team', Value: 'web' }] }];
const ingress = [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.201.0.0/16' }] }];

const root: Principal = { accountId: TEST_ACCOUNT, arn: `arn:aws:iam::${TEST_ACCOUNT}:root`, userId: TEST_ACCOUNT, accessKeyId: 'root', kind: 'root' };
const alice: Principal = { accountId: TEST_ACCOUNT, arn: TEST_USER_ARN, userId: 'AIDAALICE', accessKeyId: 'AKIAALICE', kind: 'user' };
const ctxOf = (principal: Principal): RequestContext => ({ requestId: 'r', region: REGION, now: new Date('2030-01-01T00:00:00Z'), principal });

let dataDir: string;
let store: Store;
let deps: ServiceDeps;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-ec2-iam-requests-'));
  store = await openSqliteStore(dataDir);
  deps = { store, ids: cryptoIds, defaultAccountId: TEST_ACCOUNT };
});
after(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A valid input for every served operation. */
const INPUTS: Record<string, object> = {
  CreateVpc: { CidrBlock: '10.201.0.0/16', TagSpecifications: tagSpec('vpc') }, DescribeVpcs: { VpcIds: [VPC] }, DeleteVpc: { VpcId: VPC },
  CreateDefaultVpc: {}, ModifyVpcAttribute: { VpcId: VPC, EnableDnsHostnames: { Value: true } },
  DescribeVpcAttribute: { VpcId: VPC, Attribute: 'enableDnsSupport' },
  CreateSubnet: { VpcId: VPC, CidrBlock: '10.201.1.0/24', TagSpecifications: tagSpec('subnet') }, DescribeSubnets: {}, DeleteSubnet: { SubnetId: SUBNET },
  ModifySubnetAttribute: { SubnetId: SUBNET, MapPublicIpOnLaunch: { Value: true } },
  CreateSecurityGroup: { GroupName: 'web', Description: 'web', VpcId: VPC, TagSpecifications: tagSpec('security-group') },
  DescribeSecurityGroups: { GroupIds: [SG] }, DeleteSecurityGroup: { GroupId: SG },
  AuthorizeSecurityGroupIngress: { GroupId: SG, IpPermissions: ingress, TagSpecifications: tagSpec('security-group-rule') },
  AuthorizeSecurityGroupEgress: { GroupId: SG, IpPermissions: ingress },
  RevokeSecurityGroupIngress: { GroupId: SG, IpPermissions: ingress }, RevokeSecurityGroupEgress: { GroupId: SG, SecurityGroupRuleIds: [SGR] },
  UpdateSecurityGroupRuleDescriptionsIngress: { GroupId: SG, IpPermissions: ingress },
  UpdateSecurityGroupRuleDescriptionsEgress: { GroupId: SG, SecurityGroupRuleDescriptions: [{ SecurityGroupRuleId: SGR, Description: 'd' }] },
  DescribeSecurityGroupRules: {},
  ModifySecurityGroupRules: { GroupId: SG, SecurityGroupRules: [{ SecurityGroupRuleId: SGR, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 81, ToPort: 81, CidrIpv4: '10.201.0.0/16' } }] },
  DescribeNetworkInterfaces: {}, DescribeAvailabilityZones: {}, DescribeRegions: {},
  CreateTags: { Resources: [VPC, SUBNET, SG, RTB, IGW], Tags: [{ Key: 'team', Value: 'web' }] },
  DeleteTags: { Resources: [VPC, SG], Tags: [{ Key: 'team' }] }, DescribeTags: {},
  CreateRouteTable: { VpcId: VPC, TagSpecifications: tagSpec('route-table') }, DescribeRouteTables: {}, DeleteRouteTable: { RouteTableId: RTB },
  AssociateRouteTable: { RouteTableId: RTB, SubnetId: SUBNET }, DisassociateRouteTable: { AssociationId: 'rtbassoc-0a1b2c3d4e5f60718' },
  ReplaceRouteTableAssociation: { AssociationId: 'rtbassoc-0a1b2c3d4e5f60718', RouteTableId: RTB },
  CreateRoute: { RouteTableId: RTB, DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW }, DeleteRoute: { RouteTableId: RTB, DestinationCidrBlock: '0.0.0.0/0' },
  ReplaceRoute: { RouteTableId: RTB, DestinationCidrBlock: '0.0.0.0/0', GatewayId: IGW },
  CreateInternetGateway: { TagSpecifications: tagSpec('internet-gateway') }, DescribeInternetGateways: {},
  AttachInternetGateway: { InternetGatewayId: IGW, VpcId: VPC }, DetachInternetGateway: { InternetGatewayId: IGW, VpcId: VPC },
  DeleteInternetGateway: { InternetGatewayId: IGW }, DescribeNetworkAcls: {}, DescribeDhcpOptions: {},
};

/** Operations whose representative input names nothing in the (empty) store: they ask nothing, the operation answers NotFound. */
const NAMES_ABSENT = new Set(['DisassociateRouteTable']);

async function overall(request: IamRequest | undefined, policy: object): Promise<string> {
  assert.ok(request);
  const result = await simulate(request, { policy });
  assert.notEqual(result.resultType, 'error', describeResult(result));
  return result.resultType === 'error' ? 'error' : result.overallResult;
}

test('every served EC2 operation maps to actions and resources the Service Authorization Reference accepts', async () => {
  const iam = ec2ServiceIam(deps);
  for (const operation of Object.keys(createEc2Service(deps).operations)) {
    const input = INPUTS[operation];
    assert.ok(input, `no representative input for ${operation}: add one and check its IAM mapping`);
    const requests = await iamRequestsFor(iam, operation, input, ctxOf(alice));
    if (NAMES_ABSENT.has(operation)) {
      assert.deepEqual(requests, []);
      continue;
    }
    assert.ok(requests.length > 0, `${operation} asks nothing of IAM`);
    for (const request of requests) {
      assert.ok(request.action.startsWith('ec2:'), request.action);
      const result = await simulate(request);
      assert.notEqual(result.resultType, 'error', `${operation} → ${request.action} on ${request.resource}: ${describeResult(result)}`);
      assert.equal(result.resultType !== 'error' && result.overallResult, 'Allowed', `${operation}: ${describeResult(result)}`);
      assert.deepEqual(ignoredContextKeys(result), [], `${operation} sets condition keys ${request.action} does not know`);
    }
  }
});

test('creates ask for every required resource: the new one as <type>/*, the VPC it goes in, CreateTags for its tags', async () => {
  const iam = ec2ServiceIam(deps);
  const summary = async (op: string, input: object): Promise<string[][]> =>
    (await iamRequestsFor(iam, op, input, ctxOf(alice))).map((r) => [r.action, r.resource]);
  const input = (op: string): object => INPUTS[op] ?? assert.fail(`no input for ${op}`);
  assert.deepEqual(await summary('CreateSecurityGroup', input('CreateSecurityGroup')), [
    ['ec2:CreateSecurityGroup', `${ARN}:security-group/*`], ['ec2:CreateSecurityGroup', `${ARN}:vpc/${VPC}`], ['ec2:CreateTags', `${ARN}:security-group/*`],
  ]);
  assert.deepEqual(await summary('CreateSecurityGroup', { GroupName: 'web', Description: 'web' }), [['ec2:CreateSecurityGroup', `${ARN}:security-group/*`]]);
  assert.deepEqual(await summary('CreateSubnet', { VpcId: VPC, CidrBlock: '10.201.1.0/24' }), [
    ['ec2:CreateSubnet', `${ARN}:subnet/*`], ['ec2:CreateSubnet', `${ARN}:vpc/${VPC}`],
  ]);
  assert.deepEqual(await summary('CreateRouteTable', { VpcId: VPC }), [['ec2:CreateRouteTable', `${ARN}:route-table/*`], ['ec2:CreateRouteTable', `${ARN}:vpc/${VPC}`]]);
  assert.deepEqual(await summary('AttachInternetGateway', input('AttachInternetGateway')), [
    ['ec2:AttachInternetGateway', `${ARN}:internet-gateway/${IGW}`], ['ec2:AttachInternetGateway', `${ARN}:vpc/${VPC}`],
  ]);
  assert.deepEqual(await summary('CreateTags', input('CreateTags')), [VPC, SUBNET, SG, RTB, IGW].map((id, i) =>
    ['ec2:CreateTags', `${ARN}:${['vpc', 'subnet', 'security-group', 'route-table', 'internet-gateway'][i] ?? ''}/${id}`]));
  const [vpc, tagging] = await iamRequestsFor(iam, 'CreateVpc', input('CreateVpc'), ctxOf(alice));
  assert.deepEqual(vpc?.context, { 'ec2:Region': REGION, 'aws:RequestTag/team': 'web', 'aws:TagKeys': ['team'] });
  assert.deepEqual(tagging?.context, { 'ec2:Region': REGION, 'aws:RequestTag/team': 'web', 'aws:TagKeys': ['team'], 'ec2:CreateAction': 'CreateVpc' });
});

test('a Deny on the specific resource ARN denies explicitly; one on the VPC denies creating in it', async () => {
  const iam = ec2ServiceIam(deps);
  const [revoke] = await iamRequestsFor(iam, 'RevokeSecurityGroupIngress', INPUTS['RevokeSecurityGroupIngress'] ?? {}, ctxOf(alice));
  assert.equal(await overall(revoke, denyOn('ec2:RevokeSecurityGroupIngress', `${ARN}:security-group/${SG}`)), 'ExplicitlyDenied');
  assert.equal(await overall(revoke, denyOn('ec2:RevokeSecurityGroupIngress', `${ARN}:security-group/sg-other`)), 'Allowed');
  const [, inVpc] = await iamRequestsFor(iam, 'CreateSubnet', { VpcId: VPC, CidrBlock: '10.201.1.0/24' }, ctxOf(alice));
  assert.equal(await overall(inVpc, denyOn('ec2:CreateSubnet', `${ARN}:vpc/${VPC}`)), 'ExplicitlyDenied');
});

test('names resolved through the store: a default-VPC group by name, a route table association', async () => {
  const ops = createEc2Service(deps).operations as Record<string, (input: unknown, ctx: RequestContext) => Promise<unknown>>;
  const call = (op: string, input: unknown): Promise<unknown> => (ops[op] as (i: unknown, c: RequestContext) => Promise<unknown>)(input, ctxOf(root));
  const groups = await call('DescribeSecurityGroups', { GroupNames: ['default'] }) as { SecurityGroups: { GroupId: string }[] };
  const defaultGroup = groups.SecurityGroups[0]?.GroupId ?? '';
  const iam = ec2ServiceIam(deps);
  assert.deepEqual((await iamRequestsFor(iam, 'AuthorizeSecurityGroupIngress', { GroupName: 'default', IpPermissions: ingress }, ctxOf(alice))).map((r) => r.resource),
    [`${ARN}:security-group/${defaultGroup}`]);
  assert.deepEqual(await iamRequestsFor(iam, 'DeleteSecurityGroup', { GroupName: 'no-such-group' }, ctxOf(alice)), []);

  const vpc = await call('CreateVpc', { CidrBlock: '10.202.0.0/16' }) as { Vpc: { VpcId: string } };
  const subnet = await call('CreateSubnet', { VpcId: vpc.Vpc.VpcId, CidrBlock: '10.202.1.0/24' }) as { Subnet: { SubnetId: string } };
  const table = await call('CreateRouteTable', { VpcId: vpc.Vpc.VpcId }) as { RouteTable: { RouteTableId: string } };
  const associated = await call('AssociateRouteTable', { RouteTableId: table.RouteTable.RouteTableId, SubnetId: subnet.Subnet.SubnetId }) as { AssociationId: string };
  const requests = await iamRequestsFor(iam, 'DisassociateRouteTable', { AssociationId: associated.AssociationId }, ctxOf(alice));
  assert.deepEqual(requests.map((r) => r.resource), [`${ARN}:route-table/${table.RouteTable.RouteTableId}`, `${ARN}:subnet/${subnet.Subnet.SubnetId}`]);
  for (const request of requests) assert.equal(await overall(request, { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }), 'Allowed');
});

test('accessDenied is EC2\'s UnauthorizedOperation, 403, in AWS\'s words', () => {
  const error = ec2ServiceIam(deps).accessDenied(`User: ${TEST_USER_ARN} is not authorized to perform: ec2:DescribeVpcs because no identity-based policy allows the ec2:DescribeVpcs action`);
  assert.equal(error.code, 'UnauthorizedOperation');
  assert.equal(error.httpStatus, 403);
  assert.equal(error.message, `You are not authorized to perform this operation. User: ${TEST_USER_ARN} is not authorized to perform: ec2:DescribeVpcs because no identity-based policy allows the ec2:DescribeVpcs action`);
});
