// Security groups: CreateSecurityGroup, DescribeSecurityGroups, DeleteSecurityGroup. A group's
// permissions are its rule records (security-group-rules.ts), merged into IpPermissions when read.
import type {
  CreateSecurityGroupRequest,
  CreateSecurityGroupResult,
  DeleteSecurityGroupRequest,
  DeleteSecurityGroupResult,
  DescribeSecurityGroupsRequest,
  DescribeSecurityGroupsResult,
  SecurityGroup,
} from '@aws-sdk/client-ec2';
import type { ServiceOperations } from '../../aws/service.ts';
import { storeSecurityGroup } from './default-network.ts';
import { DEFAULT_SECURITY_GROUP_NAME } from './default-vpc.ts';
import { keepFiltered, pageOf, selectByIds } from './describe.ts';
import {
  cannotDeleteDefaultGroup,
  invalidGroupDuplicate,
  invalidGroupNameFormat,
  invalidGroupReserved,
  invalidParameterValue,
  missingParameter,
  securityGroupDependencyViolation,
} from './errors.ts';
import { filterSecurityGroups } from './filters.ts';
import { ipPermissionsFromRules, securityGroupRuleOf } from './ip-permissions.ts';
import { GROUP_IDS, requireDefaultVpcGroupByName, requireGroupByIdOrName, vpcOrDefault } from './lookups.ts';
import { readNetwork, writeNetwork, type Ec2Env, type NetworkCall } from './network-call.ts';
import type { SecurityGroupRecord, SecurityGroupRuleRecord } from './records.ts';
import { tagMember, tagsFromSpecifications } from './tags.ts';

/** "Constraints: Up to 255 characters in length" for GroupName and Description (CreateSecurityGroup docs). */
const MAX_NAME_LENGTH = 255;

/**
 * AWS refuses non-ASCII text in a group's name and description with "Value (x) for parameter
 * GroupDescription is invalid. Character sets beyond ASCII are not supported." (quoted by many Terraform
 * users hitting it with an em dash). The over-length text is unverified, in the same frame.
 */
function checkGroupText(value: string, parameter: 'GroupName' | 'GroupDescription'): void {
  if (!/^[\x00-\x7f]*$/.test(value)) {
    throw invalidParameterValue(`Value (${value}) for parameter ${parameter} is invalid. Character sets beyond ASCII are not supported.`);
  }
  if (value.length > MAX_NAME_LENGTH) {
    throw invalidParameterValue(`Value (${value}) for parameter ${parameter} is invalid. Length exceeds maximum of ${MAX_NAME_LENGTH}.`);
  }
}

/** The group as Describe shows it, its rules merged into IpPermissions / IpPermissionsEgress in rule order. */
export function securityGroupView(record: SecurityGroupRecord, rules: readonly SecurityGroupRuleRecord[]): SecurityGroup {
  return {
    ...record,
    IpPermissions: ipPermissionsFromRules(rules.filter((rule) => !rule.IsEgress)),
    IpPermissionsEgress: ipPermissionsFromRules(rules.filter((rule) => rule.IsEgress)),
  };
}

/** Every rule of the region, by the group it belongs to, in insertion order. */
export async function rulesByGroup(call: NetworkCall): Promise<Map<string, SecurityGroupRuleRecord[]>> {
  const byGroup = new Map<string, SecurityGroupRuleRecord[]>();
  for (const row of await call.tx.list('ec2.security-group-rule', call.scope)) {
    const list = byGroup.get(row.parent) ?? [];
    list.push(row.body);
    byGroup.set(row.parent, list);
  }
  return byGroup;
}

/**
 * Why a group cannot be deleted yet: another group's rule references it, or a network interface (a task's,
 * a load balancer's) uses it. AWS answers both with DependencyViolation "resource sg-… has a dependent object".
 */
async function assertUnused(call: NetworkCall, groupId: string): Promise<void> {
  const references = await call.tx.list('ec2.security-group-rule', call.scope, { name: groupId });
  if (references.some((rule) => rule.parent !== groupId)) throw securityGroupDependencyViolation(groupId);
  const interfaces = await call.tx.list('ec2.network-interface', call.scope);
  if (interfaces.some((eni) => eni.body.Groups?.some((group) => group.GroupId === groupId))) throw securityGroupDependencyViolation(groupId);
}

export function securityGroupOperations(env: Ec2Env) {
  return {
    CreateSecurityGroup: async (input: CreateSecurityGroupRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const name = input.GroupName ?? '';
      const description = input.Description ?? '';
      if (name === '') throw missingParameter('GroupName');
      if (description === '') throw missingParameter('GroupDescription');
      checkGroupText(name, 'GroupName');
      checkGroupText(description, 'GroupDescription');
      // "Constraints: … Cannot start with sg-." (CreateSecurityGroup docs); "default" is the VPC's own group.
      if (name.toLowerCase().startsWith('sg-')) throw invalidGroupNameFormat(name);
      if (name === DEFAULT_SECURITY_GROUP_NAME) throw invalidGroupReserved();
      const vpc = await vpcOrDefault(call, input.VpcId);
      const vpcId = vpc.vpc.VpcId;
      if (await call.tx.count('ec2.security-group', call.scope, { parent: vpcId, name }) > 0) throw invalidGroupDuplicate(name, vpcId);
      const tags = tagsFromSpecifications(input.TagSpecifications, 'security-group');
      const groupId = call.newId('sg');
      // "When you create a security group, it has an outbound rule that allows all outbound traffic"
      // (Amazon VPC User Guide, "Security group rules"), with a rule id of its own.
      const egress = securityGroupRuleOf(
        { isEgress: true, ipProtocol: '-1', fromPort: -1, toPort: -1, peer: { kind: 'cidr-ipv4', cidr: '0.0.0.0/0' } },
        { ruleId: call.newId('sgr'), groupId, groupOwnerId: call.accountId },
      );
      const group = await storeSecurityGroup(call, {
        GroupId: groupId,
        GroupName: name,
        Description: description,
        OwnerId: call.accountId,
        VpcId: vpcId,
        SecurityGroupArn: call.arn('security-group', groupId),
        ...tagMember(tags),
      }, [{ ...egress, SecurityGroupRuleArn: call.arn('security-group-rule', egress.SecurityGroupRuleId ?? '') }]);
      return { GroupId: group.GroupId, SecurityGroupArn: group.SecurityGroupArn, ...tagMember(tags) };
    }),

    DescribeSecurityGroups: async (input: DescribeSecurityGroupsRequest, ctx) => readNetwork(env, ctx, input.DryRun, async (call) => {
      const all = await call.tx.list('ec2.security-group', call.scope);
      let rows = all;
      const ids = input.GroupIds ?? [];
      const names = input.GroupNames ?? [];
      if (ids.length > 0 || names.length > 0) {
        // GroupNames are "[Default VPC]" names; a group named both ways is listed once.
        const wanted = new Set(ids.length > 0 ? selectByIds(all, ids, GROUP_IDS).map((row) => row.id) : []);
        for (const name of names) wanted.add((await requireDefaultVpcGroupByName(call, name)).GroupId);
        rows = all.filter((row) => wanted.has(row.id));
      }
      const rules = await rulesByGroup(call);
      const entries = rows.map((row) => ({ seq: row.seq, item: securityGroupView(row.body, rules.get(row.id) ?? []) }));
      const page = pageOf(keepFiltered(entries, (groups) => filterSecurityGroups(groups, input.Filters)), input.MaxResults, input.NextToken);
      return { SecurityGroups: page.items, NextToken: page.nextToken };
    }),

    DeleteSecurityGroup: async (input: DeleteSecurityGroupRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const group = await requireGroupByIdOrName(call, input.GroupId, input.GroupName);
      if (group.GroupName === DEFAULT_SECURITY_GROUP_NAME) throw cannotDeleteDefaultGroup(group.GroupId);
      await assertUnused(call, group.GroupId);
      for (const rule of await call.tx.list('ec2.security-group-rule', call.scope, { parent: group.GroupId })) {
        await call.tx.delete('ec2.security-group-rule', call.scope, rule.id);
      }
      await call.tx.delete('ec2.security-group', call.scope, group.GroupId);
      return { Return: true, GroupId: group.GroupId };
    }),
  } satisfies ServiceOperations<{
    CreateSecurityGroup: [CreateSecurityGroupRequest, CreateSecurityGroupResult];
    DescribeSecurityGroups: [DescribeSecurityGroupsRequest, DescribeSecurityGroupsResult];
    DeleteSecurityGroup: [DeleteSecurityGroupRequest, DeleteSecurityGroupResult];
  }>;
}
