// Security group rules: Authorize/Revoke Ingress/Egress, DescribeSecurityGroupRules,
// ModifySecurityGroupRules and UpdateSecurityGroupRuleDescriptionsIngress/Egress. One record per rule
// (one protocol, port range and peer), each with its `sgr-` id, as AWS has kept them since 2021.
import type {
  AuthorizeSecurityGroupEgressRequest,
  AuthorizeSecurityGroupEgressResult,
  AuthorizeSecurityGroupIngressRequest,
  AuthorizeSecurityGroupIngressResult,
  DescribeSecurityGroupRulesRequest,
  DescribeSecurityGroupRulesResult,
  IpPermission,
  ModifySecurityGroupRulesRequest,
  ModifySecurityGroupRulesResult,
  RevokedSecurityGroupRule,
  RevokeSecurityGroupEgressRequest,
  RevokeSecurityGroupEgressResult,
  RevokeSecurityGroupIngressRequest,
  RevokeSecurityGroupIngressResult,
  SecurityGroupRule,
  SecurityGroupRuleRequest,
  UpdateSecurityGroupRuleDescriptionsEgressRequest,
  UpdateSecurityGroupRuleDescriptionsEgressResult,
  UpdateSecurityGroupRuleDescriptionsIngressRequest,
  UpdateSecurityGroupRuleDescriptionsIngressResult,
  UserIdGroupPair,
} from '@aws-sdk/client-ec2';
import type { ServiceOperations } from '../../aws/service.ts';
import { requireRuleIds } from './default-network.ts';
import { checkIdFormat, keepFiltered, pageOf, selectByIds } from './describe.ts';
import {
  invalidGroupIdMalformed,
  invalidGroupNotFound,
  invalidGroupNotFoundInDefaultVpc,
  invalidGroupNotFoundInVpc,
  invalidParameterValue,
  invalidPermissionDuplicate,
  invalidPermissionNotFound,
  invalidSecurityGroupRuleIdNotFound,
  missingParameter,
} from './errors.ts';
import { filterSecurityGroupRules } from './filters.ts';
import { isEc2Id } from './ids.ts';
import {
  duplicateRuleText,
  ipPermissionsFromRules,
  planAuthorization,
  planRevocation,
  ruleKey,
  ruleSpecOf,
  ruleSpecsFromPermissions,
  securityGroupRuleOf,
  type PermissionRequest,
  type RuleContext,
} from './ip-permissions.ts';
import { requireGroupByIdOrName, requireSecurityGroup, RULE_IDS } from './lookups.ts';
import { readNetwork, writeNetwork, type Ec2Env, type NetworkCall } from './network-call.ts';
import { putSecurityGroupRule, type SecurityGroupRecord, type SecurityGroupRuleRecord } from './records.ts';
import { differentNetworks } from './request-errors.ts';
import { tagsFromSpecifications } from './tags.ts';

/**
 * Resolves the groups a request's UserIdGroupPairs name, by GroupId or by GroupName, among the groups of the
 * VPC of the group being changed. Loads the region's groups once, as ip-permissions.ts asks synchronously.
 */
async function groupResolver(call: NetworkCall, target: SecurityGroupRecord): Promise<RuleContext['resolveGroup']> {
  const groups = (await call.tx.list('ec2.security-group', call.scope)).map((row) => row.body);
  const inDefaultVpc = (await call.tx.get('ec2.vpc', call.scope, target.VpcId))?.vpc.IsDefault === true;
  return (pair: UserIdGroupPair) => {
    if (pair.GroupId !== undefined) {
      if (!isEc2Id(pair.GroupId, 'sg')) throw invalidGroupIdMalformed(pair.GroupId);
      const group = groups.find((candidate) => candidate.GroupId === pair.GroupId);
      if (!group) throw invalidGroupNotFound(pair.GroupId);
      // Without VPC peering (which Berth does not have) a rule may only name groups of its own VPC.
      if (group.VpcId !== target.VpcId) throw differentNetworks();
      return { groupId: group.GroupId, userId: group.OwnerId };
    }
    if (pair.GroupName !== undefined) {
      const group = groups.find((candidate) => candidate.VpcId === target.VpcId && candidate.GroupName === pair.GroupName);
      if (group) return { groupId: group.GroupId, userId: group.OwnerId };
      throw inDefaultVpc ? invalidGroupNotFoundInDefaultVpc(pair.GroupName, target.VpcId) : invalidGroupNotFoundInVpc(pair.GroupName, target.VpcId);
    }
    throw missingParameter('groupId');
  };
}

async function rulesOf(call: NetworkCall, groupId: string): Promise<SecurityGroupRuleRecord[]> {
  return (await call.tx.list('ec2.security-group-rule', call.scope, { parent: groupId })).map((row) => row.body);
}

/** A rule as Describe shows it: AWS lists `"Tags": []` on an untagged rule. */
function ruleView(rule: SecurityGroupRuleRecord): SecurityGroupRule {
  return { ...rule, Tags: rule.Tags ?? [] };
}

type AuthorizeRequest = AuthorizeSecurityGroupIngressRequest | AuthorizeSecurityGroupEgressRequest;

/** `groupName`: ingress requests may name a default-VPC group instead of its id; egress ones may not. */
async function authorize(call: NetworkCall, input: AuthorizeRequest, isEgress: boolean, groupName?: string): Promise<AuthorizeSecurityGroupIngressResult> {
  const group = await requireGroupByIdOrName(call, input.GroupId, groupName);
  const tags = tagsFromSpecifications(input.TagSpecifications, 'security-group-rule');
  const planned = planAuthorization(input, await rulesOf(call, group.GroupId), {
    isEgress,
    resolveGroup: await groupResolver(call, group),
    groupId: group.GroupId,
    groupOwnerId: group.OwnerId,
    newId: call.newId,
  });
  const added: SecurityGroupRuleRecord[] = [];
  for (const rule of planned) {
    const record = requireRuleIds({
      ...rule,
      SecurityGroupRuleArn: call.arn('security-group-rule', rule.SecurityGroupRuleId ?? ''),
      Tags: tags,
    });
    await putSecurityGroupRule(call.tx, call.scope, record);
    added.push(record);
  }
  return { Return: true, SecurityGroupRules: added.map(ruleView) };
}

type RevokeRequest = RevokeSecurityGroupIngressRequest | RevokeSecurityGroupEgressRequest;

function revokedView(rule: SecurityGroupRuleRecord): RevokedSecurityGroupRule {
  return {
    SecurityGroupRuleId: rule.SecurityGroupRuleId,
    GroupId: rule.GroupId,
    IsEgress: rule.IsEgress,
    IpProtocol: rule.IpProtocol,
    FromPort: rule.FromPort,
    ToPort: rule.ToPort,
    CidrIpv4: rule.CidrIpv4,
    CidrIpv6: rule.CidrIpv6,
    PrefixListId: rule.PrefixListId,
    ReferencedGroupId: rule.ReferencedGroupInfo?.GroupId,
    Description: rule.Description,
  };
}

function namesPermissions(input: PermissionRequest): boolean {
  return (input.IpPermissions?.length ?? 0) > 0
    || [input.IpProtocol, input.FromPort, input.ToPort, input.CidrIp, input.SourceSecurityGroupName].some((value) => value !== undefined);
}

async function revoke(call: NetworkCall, input: RevokeRequest, isEgress: boolean, groupName?: string): Promise<RevokeSecurityGroupIngressResult> {
  const group = await requireGroupByIdOrName(call, input.GroupId, groupName);
  const existing = (await rulesOf(call, group.GroupId)).filter((rule) => rule.IsEgress === isEgress);
  const revoked = new Map<string, SecurityGroupRuleRecord>();
  const ruleIds = input.SecurityGroupRuleIds ?? [];
  checkIdFormat(ruleIds, RULE_IDS);
  for (const id of ruleIds) {
    const rule = existing.find((candidate) => candidate.SecurityGroupRuleId === id);
    if (!rule) throw invalidSecurityGroupRuleIdNotFound(id);
    revoked.set(id, rule);
  }
  let unknown: IpPermission[] = [];
  if (namesPermissions(input)) {
    const inDefaultVpc = (await call.tx.get('ec2.vpc', call.scope, group.VpcId))?.vpc.IsDefault === true;
    const plan = planRevocation(input, existing, { isEgress, resolveGroup: await groupResolver(call, group), inDefaultVpc });
    for (const rule of plan.revoked) revoked.set(rule.SecurityGroupRuleId ?? '', requireRuleIds(rule));
    unknown = ipPermissionsFromRules(plan.unknown);
  } else if (ruleIds.length === 0) {
    throw missingParameter('ipPermissions');
  }
  for (const id of revoked.keys()) await call.tx.delete('ec2.security-group-rule', call.scope, id);
  return {
    Return: true,
    RevokedSecurityGroupRules: [...revoked.values()].map(revokedView),
    ...(unknown.length > 0 ? { UnknownIpPermissions: unknown } : {}),
  };
}

/** ModifySecurityGroupRules' one-peer rule as the IpPermission ip-permissions.ts validates. */
function permissionOf(request: SecurityGroupRuleRequest): IpPermission {
  const described = request.Description !== undefined ? { Description: request.Description } : {};
  const peers = [request.CidrIpv4, request.CidrIpv6, request.PrefixListId, request.ReferencedGroupId].filter((peer) => peer !== undefined);
  // Unverified text: each rule has exactly one peer (SecurityGroupRuleRequest docs).
  if (peers.length !== 1) throw invalidParameterValue('A security group rule must specify exactly one of CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupId.');
  return {
    IpProtocol: request.IpProtocol,
    FromPort: request.FromPort,
    ToPort: request.ToPort,
    ...(request.CidrIpv4 !== undefined ? { IpRanges: [{ CidrIp: request.CidrIpv4, ...described }] } : {}),
    ...(request.CidrIpv6 !== undefined ? { Ipv6Ranges: [{ CidrIpv6: request.CidrIpv6, ...described }] } : {}),
    ...(request.PrefixListId !== undefined ? { PrefixListIds: [{ PrefixListId: request.PrefixListId, ...described }] } : {}),
    ...(request.ReferencedGroupId !== undefined ? { UserIdGroupPairs: [{ GroupId: request.ReferencedGroupId, ...described }] } : {}),
  };
}

type DescriptionsRequest = UpdateSecurityGroupRuleDescriptionsIngressRequest | UpdateSecurityGroupRuleDescriptionsEgressRequest;

/**
 * Sets rule descriptions, by rule id or by IpPermissions matched without their descriptions; "If you
 * specify a rule that does not exist, an error is returned" (UpdateSecurityGroupRuleDescriptionsIngress docs).
 */
async function updateDescriptions(call: NetworkCall, input: DescriptionsRequest, isEgress: boolean): Promise<{ Return: boolean }> {
  const group = await requireGroupByIdOrName(call, input.GroupId, input.GroupName);
  const rules = (await rulesOf(call, group.GroupId)).filter((rule) => rule.IsEgress === isEgress);
  const updates = new Map<string, string | undefined>();
  for (const entry of input.SecurityGroupRuleDescriptions ?? []) {
    const id = entry.SecurityGroupRuleId ?? '';
    checkIdFormat([id], RULE_IDS);
    if (!rules.some((rule) => rule.SecurityGroupRuleId === id)) throw invalidSecurityGroupRuleIdNotFound(id);
    updates.set(id, entry.Description);
  }
  const specs = ruleSpecsFromPermissions(input.IpPermissions ?? [], { isEgress, resolveGroup: await groupResolver(call, group) });
  for (const spec of specs) {
    const rule = rules.find((candidate) => ruleKey(ruleSpecOf(candidate)) === ruleKey(spec));
    if (!rule) throw invalidPermissionNotFound();
    updates.set(rule.SecurityGroupRuleId, spec.description);
  }
  for (const rule of rules) {
    if (!updates.has(rule.SecurityGroupRuleId)) continue;
    const { Description: _old, ...rest } = rule;
    const description = updates.get(rule.SecurityGroupRuleId);
    await putSecurityGroupRule(call.tx, call.scope, { ...rest, ...(description ? { Description: description } : {}) });
  }
  return { Return: true };
}

export function securityGroupRuleOperations(env: Ec2Env) {
  return {
    AuthorizeSecurityGroupIngress: async (input: AuthorizeSecurityGroupIngressRequest, ctx) =>
      writeNetwork(env, ctx, input.DryRun, (call) => authorize(call, input, false, input.GroupName)),
    AuthorizeSecurityGroupEgress: async (input: AuthorizeSecurityGroupEgressRequest, ctx) =>
      writeNetwork(env, ctx, input.DryRun, (call) => authorize(call, input, true)),
    RevokeSecurityGroupIngress: async (input: RevokeSecurityGroupIngressRequest, ctx) =>
      writeNetwork(env, ctx, input.DryRun, (call) => revoke(call, input, false, input.GroupName)),
    RevokeSecurityGroupEgress: async (input: RevokeSecurityGroupEgressRequest, ctx) =>
      writeNetwork(env, ctx, input.DryRun, (call) => revoke(call, input, true)),
    UpdateSecurityGroupRuleDescriptionsIngress: async (input: UpdateSecurityGroupRuleDescriptionsIngressRequest, ctx) =>
      writeNetwork(env, ctx, input.DryRun, (call) => updateDescriptions(call, input, false)),
    UpdateSecurityGroupRuleDescriptionsEgress: async (input: UpdateSecurityGroupRuleDescriptionsEgressRequest, ctx) =>
      writeNetwork(env, ctx, input.DryRun, (call) => updateDescriptions(call, input, true)),

    DescribeSecurityGroupRules: async (input: DescribeSecurityGroupRulesRequest, ctx) => readNetwork(env, ctx, input.DryRun, async (call) => {
      const rows = selectByIds(await call.tx.list('ec2.security-group-rule', call.scope), input.SecurityGroupRuleIds, RULE_IDS);
      const entries = rows.map((row) => ({ seq: row.seq, item: ruleView(row.body) }));
      const page = pageOf(keepFiltered(entries, (rules) => filterSecurityGroupRules(rules, input.Filters)), input.MaxResults, input.NextToken);
      return { SecurityGroupRules: page.items, NextToken: page.nextToken };
    }),

    ModifySecurityGroupRules: async (input: ModifySecurityGroupRulesRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const group = await requireSecurityGroup(call, input.GroupId ?? '');
      const rules = await rulesOf(call, group.GroupId);
      const resolveGroup = await groupResolver(call, group);
      for (const update of input.SecurityGroupRules ?? []) {
        const id = update.SecurityGroupRuleId ?? '';
        checkIdFormat([id], RULE_IDS);
        const index = rules.findIndex((rule) => rule.SecurityGroupRuleId === id);
        const current = rules[index];
        if (!current) throw invalidSecurityGroupRuleIdNotFound(id);
        const [spec] = ruleSpecsFromPermissions([permissionOf(update.SecurityGroupRule ?? {})], { isEgress: current.IsEgress, resolveGroup });
        if (!spec) throw invalidParameterValue('A security group rule must specify exactly one of CidrIpv4, CidrIpv6, PrefixListId or ReferencedGroupId.');
        if (rules.some((rule, i) => i !== index && ruleKey(ruleSpecOf(rule)) === ruleKey(spec))) throw invalidPermissionDuplicate(duplicateRuleText(spec));
        const modified = requireRuleIds({
          ...securityGroupRuleOf(spec, { ruleId: id, groupId: group.GroupId, groupOwnerId: group.OwnerId }),
          SecurityGroupRuleArn: current.SecurityGroupRuleArn,
          Tags: current.Tags ?? [],
        });
        rules[index] = modified;
        await putSecurityGroupRule(call.tx, call.scope, modified);
      }
      return { Return: true };
    }),
  } satisfies ServiceOperations<{
    AuthorizeSecurityGroupIngress: [AuthorizeSecurityGroupIngressRequest, AuthorizeSecurityGroupIngressResult];
    AuthorizeSecurityGroupEgress: [AuthorizeSecurityGroupEgressRequest, AuthorizeSecurityGroupEgressResult];
    RevokeSecurityGroupIngress: [RevokeSecurityGroupIngressRequest, RevokeSecurityGroupIngressResult];
    RevokeSecurityGroupEgress: [RevokeSecurityGroupEgressRequest, RevokeSecurityGroupEgressResult];
    UpdateSecurityGroupRuleDescriptionsIngress: [UpdateSecurityGroupRuleDescriptionsIngressRequest, UpdateSecurityGroupRuleDescriptionsIngressResult];
    UpdateSecurityGroupRuleDescriptionsEgress: [UpdateSecurityGroupRuleDescriptionsEgressRequest, UpdateSecurityGroupRuleDescriptionsEgressResult];
    DescribeSecurityGroupRules: [DescribeSecurityGroupRulesRequest, DescribeSecurityGroupRulesResult];
    ModifySecurityGroupRules: [ModifySecurityGroupRulesRequest, ModifySecurityGroupRulesResult];
  }>;
}
