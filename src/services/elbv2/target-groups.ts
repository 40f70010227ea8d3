// Target groups: CreateTargetGroup, DescribeTargetGroups, ModifyTargetGroup and DeleteTargetGroup.
import type {
  CreateTargetGroupInput, CreateTargetGroupOutput, DeleteTargetGroupInput, DeleteTargetGroupOutput, DescribeTargetGroupsInput,
  DescribeTargetGroupsOutput, ModifyTargetGroupInput, ModifyTargetGroupOutput, TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ServiceOperations } from '../../aws/service.ts';
import type { ServiceDeps } from '../common/deps.ts';
import { regionalScope } from '../common/scope.ts';
import { recordTaskScope } from '../ecs/task-scopes.ts';
import { idOf, newElbId, targetGroupArn } from './arns.ts';
import {
  DuplicateTargetGroupNameException, ResourceInUseException, TargetGroupNotFoundException, TooManyTargetGroupsException, ValidationError,
} from './errors.ts';
import { limitOf } from './limits.ts';
import { findTargetGroup, loadBalancersByTargetGroup, requireLoadBalancer, requireTargetGroup } from './lookups.ts';
import { checkTargetGroupName } from './names.ts';
import { elbPage } from './paging.ts';
import { defaultTargetGroupAttributes } from './target-group-attributes.ts';
import { isApplicationProtocol, resolveHealthCheck, TARGET_PROTOCOLS } from './target-group-settings.ts';
import { addTags, checkTags, deleteTags } from './tags.ts';
import { putTargetGroup } from './writes.ts';

/** The settings two CreateTargetGroup calls must share for the second to return the first's group. */
function settingsOf(group: TargetGroup): string {
  const { TargetGroupArn: _arn, LoadBalancerArns: _lbs, ...settings } = group;
  return JSON.stringify(Object.entries(settings).sort(([a], [b]) => a.localeCompare(b)));
}

/** Protocol, Port and VpcId, which instance and ip groups need (Not verified: the wordings). */
function checkTargetSettings(input: CreateTargetGroupInput): { protocol: string; port: number; vpcId: string } {
  if (input.Protocol === undefined) throw new ValidationError('A protocol must be specified');
  if (!(TARGET_PROTOCOLS as readonly string[]).includes(input.Protocol)) {
    throw new ValidationError(`Berth does not serve target groups with the '${input.Protocol}' protocol (see its ELBv2 LIMITATIONS)`);
  }
  if (input.Port === undefined) throw new ValidationError('A port must be specified');
  if (input.VpcId === undefined) throw new ValidationError('A VPC ID must be specified');
  if (input.ProtocolVersion !== undefined && !isApplicationProtocol(input.Protocol)) {
    throw new ValidationError(`Protocol version '${input.ProtocolVersion}' is only supported for HTTP and HTTPS target groups`);
  }
  if (input.ProtocolVersion !== undefined && !['HTTP1', 'HTTP2', 'GRPC'].includes(input.ProtocolVersion)) {
    throw new ValidationError(`Protocol version '${input.ProtocolVersion}' must be one of HTTP1, HTTP2, GRPC`);
  }
  return { protocol: input.Protocol, port: input.Port, vpcId: input.VpcId };
}

export function targetGroupOperations(deps: ServiceDeps): ServiceOperations<{
  CreateTargetGroup: [CreateTargetGroupInput, CreateTargetGroupOutput];
  DescribeTargetGroups: [DescribeTargetGroupsInput, DescribeTargetGroupsOutput];
  ModifyTargetGroup: [ModifyTargetGroupInput, ModifyTargetGroupOutput];
  DeleteTargetGroup: [DeleteTargetGroupInput, DeleteTargetGroupOutput];
}> {
  const { store, ids } = deps;
  return {
    CreateTargetGroup: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const name = input.Name ?? '';
      checkTargetGroupName(name);
      const targetType = input.TargetType ?? 'instance';
      if (targetType === 'lambda' || targetType === 'alb') {
        // Berth runs no Lambda functions and cannot chain load balancers: a clear refusal rather than a group that never routes.
        throw new ValidationError(`Berth does not serve target groups with target type '${targetType}'; use 'ip' or 'instance' (see its ELBv2 LIMITATIONS)`);
      }
      if (input.IpAddressType !== undefined && input.IpAddressType !== 'ipv4') {
        throw new ValidationError(`Berth does not serve target groups with IP address type '${input.IpAddressType}' (its VPCs are IPv4)`);
      }
      const { protocol, port, vpcId } = checkTargetSettings(input);
      const application = isApplicationProtocol(protocol);
      const base = { Protocol: protocol as TargetGroup['Protocol'], TargetType: targetType, ...(application ? { ProtocolVersion: input.ProtocolVersion ?? 'HTTP1' } : {}) };
      const healthCheck = resolveHealthCheck(input, base);
      const tags = checkTags(input.Tags);
      const result = await store.write(async (tx) => {
        // Not verified: the wording; AWS answers ValidationError for an unknown VPC.
        if (!(await tx.get('ec2.vpc', scope, vpcId))) throw new ValidationError(`The VPC ID '${vpcId}' is not found`);
        const group: TargetGroup = {
          TargetGroupArn: '',
          TargetGroupName: name,
          Protocol: base.Protocol,
          Port: port,
          VpcId: vpcId,
          ...healthCheck,
          LoadBalancerArns: [],
          TargetType: targetType,
          ...(application ? { ProtocolVersion: base.ProtocolVersion } : {}),
          IpAddressType: 'ipv4',
        };
        const [existing] = await tx.list('elbv2.target-group', scope, { name, limit: 1 });
        if (existing) {
          // "If you attempt to create multiple target groups with the same settings, each call succeeds." (API reference)
          // Verified (terraform-aws-modules/terraform-aws-alb #251): the text for different settings.
          if (settingsOf(existing.body.targetGroup) !== settingsOf(group)) {
            throw new DuplicateTargetGroupNameException(`A target group with the same name '${name}' exists, but with different settings`);
          }
          return existing.body.targetGroup;
        }
        const quota = limitOf('target-groups');
        // Not verified: the wording; the code and the default quota are AWS's.
        if ((await tx.count('elbv2.target-group', scope)) >= quota) throw new TooManyTargetGroupsException(`You have reached the maximum number of target groups (${quota})`);
        const arn = targetGroupArn(scope, name, newElbId(ids));
        const created = { ...group, TargetGroupArn: arn };
        await putTargetGroup(tx, scope, { targetGroup: created, attributes: defaultTargetGroupAttributes(created) });
        await addTags(tx, scope, arn, tags);
        await recordTaskScope(tx, scope);
        return created;
      });
      deps.taskEvents?.changed();
      return { TargetGroups: [result] };
    },

    DescribeTargetGroups: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const arns = input.TargetGroupArns ?? [];
      const names = input.Names ?? [];
      const rows = await store.read(async (tx) => {
        if (input.LoadBalancerArn !== undefined) await requireLoadBalancer(tx, scope, input.LoadBalancerArn);
        return tx.list('elbv2.target-group', scope);
      });
      let selected = rows;
      if (input.LoadBalancerArn !== undefined) selected = selected.filter((row) => (row.body.targetGroup.LoadBalancerArns ?? []).includes(input.LoadBalancerArn ?? ''));
      if (arns.length > 0) {
        selected = selected.filter((row) => arns.includes(row.body.targetGroup.TargetGroupArn ?? ''));
        if (arns.some((arn) => !selected.some((row) => row.body.targetGroup.TargetGroupArn === arn))) throw new TargetGroupNotFoundException();
      }
      if (names.length > 0) {
        selected = selected.filter((row) => names.includes(row.name));
        const missing = names.filter((name) => !selected.some((row) => row.name === name));
        // Not verified: the wording (the load balancers' verified one, for target groups).
        if (missing.length > 0) throw new TargetGroupNotFoundException(`Target groups '[${missing.join(', ')}]' not found`);
      }
      const page = elbPage(selected.map((row) => ({ seq: row.seq, item: row.body.targetGroup })), input.Marker, input.PageSize);
      return { TargetGroups: page.items, NextMarker: page.nextMarker };
    },

    ModifyTargetGroup: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const group = await store.write(async (tx) => {
        const record = await requireTargetGroup(tx, scope, input.TargetGroupArn ?? '');
        const healthCheck = resolveHealthCheck(input, record.targetGroup, record.targetGroup);
        const { HealthCheckPath: _path, Matcher: _matcher, ...rest } = record.targetGroup;
        const next: TargetGroup = { ...rest, ...healthCheck };
        await putTargetGroup(tx, scope, { ...record, targetGroup: next });
        return next;
      });
      deps.taskEvents?.changed();
      return { TargetGroups: [group] };
    },

    DeleteTargetGroup: async (input, ctx) => {
      const scope = regionalScope(ctx);
      const arn = input.TargetGroupArn ?? '';
      const deleted = await store.write(async (tx) => {
        // The model lists no TargetGroupNotFound for DeleteTargetGroup: deleting a group that is gone succeeds.
        if (!(await findTargetGroup(tx, scope, arn))) return false;
        if ((await loadBalancersByTargetGroup(tx, scope)).has(arn)) {
          // Verified (aws/copilot-cli #2593, cloudposse/terraform-aws-alb-ingress #24).
          throw new ResourceInUseException(`Target group '${arn}' is currently in use by a listener or a rule`);
        }
        for (const row of await tx.list('elbv2.target', scope, { parent: arn })) await tx.delete('elbv2.target', scope, row.id);
        for (const row of await tx.list('elbv2.target-health', scope, { parent: arn })) await tx.delete('elbv2.target-health', scope, row.id);
        await tx.delete('elbv2.target-group', scope, idOf(arn));
        await deleteTags(tx, scope, arn);
        return true;
      });
      if (deleted) deps.taskEvents?.changed();
      return {};
    },
  };
}
