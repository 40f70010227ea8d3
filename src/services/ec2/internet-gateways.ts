// Internet gateways: CreateInternetGateway, DescribeInternetGateways, AttachInternetGateway,
// DetachInternetGateway, DeleteInternetGateway. Recorded only: giving a VPC a way out in Linux is the
// runtime's job. A VPC has at most one gateway and a gateway at most one VPC.
import type {
  AttachInternetGatewayRequest,
  CreateInternetGatewayRequest,
  CreateInternetGatewayResult,
  DeleteInternetGatewayRequest,
  DescribeInternetGatewaysRequest,
  DescribeInternetGatewaysResult,
  DetachInternetGatewayRequest,
  InternetGateway,
} from '@aws-sdk/client-ec2';
import type { ServiceOperations } from '../../aws/service.ts';
import { keepFiltered, pageOf, selectByIds } from './describe.ts';
import { INTERNET_GATEWAY_IDS, requireInternetGateway, requireVpc } from './lookups.ts';
import { readNetwork, writeNetwork, type Ec2Env } from './network-call.ts';
import { ATTACHED, putInternetGateway, type InternetGatewayRecord } from './records.ts';
import { gatewayAlreadyAttached, gatewayNotAttached, internetGatewayDependencyViolation, vpcAlreadyHasGateway } from './routing-errors.ts';
import { filterInternetGateways } from './routing-filters.ts';
import { tagMember, tagsFromSpecifications } from './tags.ts';

function internetGatewayView(record: InternetGatewayRecord): InternetGateway {
  return { ...record, Attachments: record.Attachments.map((attachment) => ({ ...attachment })) };
}

export function internetGatewayOperations(env: Ec2Env) {
  return {
    CreateInternetGateway: async (input: CreateInternetGatewayRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const tags = tagsFromSpecifications(input.TagSpecifications, 'internet-gateway');
      const record: InternetGatewayRecord = {
        InternetGatewayId: call.newId('igw'),
        OwnerId: call.accountId,
        Attachments: [],
        ...tagMember(tags),
      };
      await putInternetGateway(call.tx, call.scope, record);
      // "Attachments": [] and "Tags": [] even when empty (awscli/examples/ec2/create-internet-gateway.rst).
      return { InternetGateway: { ...internetGatewayView(record), Tags: tags } };
    }),

    DescribeInternetGateways: async (input: DescribeInternetGatewaysRequest, ctx) => readNetwork(env, ctx, input.DryRun, async (call) => {
      const rows = selectByIds(await call.tx.list('ec2.internet-gateway', call.scope), input.InternetGatewayIds, INTERNET_GATEWAY_IDS);
      const entries = rows.map((row) => ({ seq: row.seq, item: internetGatewayView(row.body) }));
      const page = pageOf(keepFiltered(entries, (gateways) => filterInternetGateways(gateways, input.Filters)), input.MaxResults, input.NextToken);
      return { InternetGateways: page.items, NextToken: page.nextToken };
    }),

    AttachInternetGateway: async (input: AttachInternetGatewayRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const gateway = await requireInternetGateway(call, input.InternetGatewayId ?? '');
      const vpc = await requireVpc(call, input.VpcId ?? '');
      const attachedTo = gateway.Attachments[0]?.VpcId;
      if (attachedTo !== undefined) throw gatewayAlreadyAttached(gateway.InternetGatewayId, attachedTo);
      if (await call.tx.count('ec2.internet-gateway', call.scope, { parent: vpc.vpc.VpcId }) > 0) throw vpcAlreadyHasGateway(vpc.vpc.VpcId);
      // An attached gateway shows State "available" (real DescribeInternetGateways output, k1LoW/awspec#253).
      await putInternetGateway(call.tx, call.scope, { ...gateway, Attachments: [{ VpcId: vpc.vpc.VpcId, State: ATTACHED }] });
      return {};
    }),

    DetachInternetGateway: async (input: DetachInternetGatewayRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const gateway = await requireInternetGateway(call, input.InternetGatewayId ?? '');
      const vpc = await requireVpc(call, input.VpcId ?? '');
      if (gateway.Attachments[0]?.VpcId !== vpc.vpc.VpcId) throw gatewayNotAttached(gateway.InternetGatewayId, vpc.vpc.VpcId);
      // Routes to the gateway stay, as blackholes (route-tables.ts derives their state).
      await putInternetGateway(call.tx, call.scope, { ...gateway, Attachments: [] });
      return {};
    }),

    DeleteInternetGateway: async (input: DeleteInternetGatewayRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const gateway = await requireInternetGateway(call, input.InternetGatewayId ?? '');
      // "The internet gateway must be detached from the VPC before you can delete it" (Amazon VPC User Guide).
      if (gateway.Attachments.length > 0) throw internetGatewayDependencyViolation(gateway.InternetGatewayId);
      await call.tx.delete('ec2.internet-gateway', call.scope, gateway.InternetGatewayId);
      return {};
    }),
  } satisfies ServiceOperations<{
    CreateInternetGateway: [CreateInternetGatewayRequest, CreateInternetGatewayResult];
    DescribeInternetGateways: [DescribeInternetGatewaysRequest, DescribeInternetGatewaysResult];
    AttachInternetGateway: [AttachInternetGatewayRequest, object];
    DetachInternetGateway: [DetachInternetGatewayRequest, object];
    DeleteInternetGateway: [DeleteInternetGatewayRequest, object];
  }>;
}
