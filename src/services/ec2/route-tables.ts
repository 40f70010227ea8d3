// Route tables and their associations: CreateRouteTable, DescribeRouteTables, DeleteRouteTable,
// AssociateRouteTable, DisassociateRouteTable, ReplaceRouteTableAssociation. Recorded only; the routes are
// routes.ts's. A subnet without an explicit association uses its VPC's main table, which AWS shows only
// through the table's Main association.
import type {
  AssociateRouteTableRequest,
  AssociateRouteTableResult,
  CreateRouteTableRequest,
  CreateRouteTableResult,
  DeleteRouteTableRequest,
  DescribeRouteTablesRequest,
  DescribeRouteTablesResult,
  DisassociateRouteTableRequest,
  ReplaceRouteTableAssociationRequest,
  ReplaceRouteTableAssociationResult,
  RouteTable,
  RouteTableAssociation,
} from '@aws-sdk/client-ec2';
import type { ServiceOperations } from '../../aws/service.ts';
import { keepFiltered, pageOf, selectByIds } from './describe.ts';
import { missingParameter } from './errors.ts';
import { requireRouteTable, requireSubnet, requireVpc, ROUTE_TABLE_IDS } from './lookups.ts';
import { readNetwork, writeNetwork, type Ec2Env, type NetworkCall } from './network-call.ts';
import { putRouteTable, type RouteTableRecord } from './records.ts';
import { unsupportedParameter } from './request-errors.ts';
import { filterRouteTables } from './routing-filters.ts';
import {
  cannotDisassociateMain,
  differentNetworks,
  invalidAssociationIdNotFound,
  routeTableAlreadyAssociated,
  routeTableDependencyViolation,
} from './routing-errors.ts';
import { tagMember, tagsFromSpecifications } from './tags.ts';
import { newRouteTable } from './vpc-components.ts';

/** Internet gateway id → the VPC it is attached to, for deciding which gateway routes are live. */
export async function attachedGateways(call: NetworkCall): Promise<Map<string, string>> {
  const attached = new Map<string, string>();
  for (const row of await call.tx.list('ec2.internet-gateway', call.scope)) if (row.parent !== '') attached.set(row.id, row.parent);
  return attached;
}

/**
 * The table as Describe shows it. A route to an internet gateway that is no longer attached to the table's
 * VPC (detached or deleted) is a "blackhole": "The route's target isn't available" (Route shape docs).
 */
export function routeTableView(record: RouteTableRecord, gateways: ReadonlyMap<string, string>): RouteTable {
  return {
    ...record,
    Routes: record.Routes.map((route) => {
      const gatewayId = route.GatewayId ?? '';
      if (!gatewayId.startsWith('igw-')) return { ...route };
      return { ...route, State: gateways.get(gatewayId) === record.VpcId ? 'active' : 'blackhole' };
    }),
  };
}

/** The table holding an association id, and that association; InvalidAssociationID.NotFound otherwise. */
async function findAssociation(call: NetworkCall, associationId: string): Promise<{ table: RouteTableRecord; association: RouteTableAssociation }> {
  for (const row of await call.tx.list('ec2.route-table', call.scope)) {
    const association = row.body.Associations.find((candidate) => candidate.RouteTableAssociationId === associationId);
    if (association) return { table: row.body, association };
  }
  throw invalidAssociationIdNotFound(associationId);
}

/** A table without one of its associations. */
function withoutAssociation(table: RouteTableRecord, associationId: string): RouteTableRecord {
  return { ...table, Associations: table.Associations.filter((association) => association.RouteTableAssociationId !== associationId) };
}

export function routeTableOperations(env: Ec2Env) {
  return {
    CreateRouteTable: async (input: CreateRouteTableRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const vpc = await requireVpc(call, input.VpcId ?? '');
      const tags = tagsFromSpecifications(input.TagSpecifications, 'route-table');
      const table: RouteTableRecord = { ...newRouteTable(call, vpc.vpc.VpcId, vpc.vpc.CidrBlock), ...tagMember(tags) };
      await putRouteTable(call.tx, call.scope, table);
      // As CreateVpc, the answer lists the tag set even when it is empty (awscli/examples/ec2/create-route-table.rst).
      return { RouteTable: { ...routeTableView(table, new Map()), Tags: tags }, ClientToken: input.ClientToken };
    }),

    DescribeRouteTables: async (input: DescribeRouteTablesRequest, ctx) => readNetwork(env, ctx, input.DryRun, async (call) => {
      const rows = selectByIds(await call.tx.list('ec2.route-table', call.scope), input.RouteTableIds, ROUTE_TABLE_IDS);
      const gateways = await attachedGateways(call);
      const entries = rows.map((row) => ({ seq: row.seq, item: routeTableView(row.body, gateways) }));
      const page = pageOf(keepFiltered(entries, (tables) => filterRouteTables(tables, input.Filters)), input.MaxResults, input.NextToken);
      return { RouteTables: page.items, NextToken: page.nextToken };
    }),

    DeleteRouteTable: async (input: DeleteRouteTableRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const table = await requireRouteTable(call, input.RouteTableId ?? '');
      // "You must disassociate the route table from any subnets before you can delete it. You can't delete the
      // main route table." (DeleteRouteTable docs); both answer DependencyViolation.
      if (table.Associations.length > 0) throw routeTableDependencyViolation(table.RouteTableId);
      await call.tx.delete('ec2.route-table', call.scope, table.RouteTableId);
      return {};
    }),

    AssociateRouteTable: async (input: AssociateRouteTableRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const table = await requireRouteTable(call, input.RouteTableId ?? '');
      // Gateway (edge) associations need virtual private gateways or ingress routing, which Berth lacks.
      if (input.GatewayId !== undefined) throw unsupportedParameter('AssociateRouteTable', 'GatewayId');
      if (input.PublicIpv4Pool !== undefined) throw unsupportedParameter('AssociateRouteTable', 'PublicIpv4Pool');
      if (input.SubnetId === undefined) throw missingParameter('subnetId');
      const subnet = await requireSubnet(call, input.SubnetId);
      if (subnet.VpcId !== table.VpcId) throw differentNetworks(`route table ${table.RouteTableId}`, `subnet ${subnet.SubnetId}`);
      // A subnet has at most one explicit association; moving it is ReplaceRouteTableAssociation's job.
      const siblings = await call.tx.list('ec2.route-table', call.scope, { parent: table.VpcId });
      if (siblings.some((row) => row.body.Associations.some((association) => association.SubnetId === subnet.SubnetId))) {
        throw routeTableAlreadyAssociated(table.RouteTableId);
      }
      const association: RouteTableAssociation = {
        Main: false,
        RouteTableAssociationId: call.newId('rtbassoc'),
        RouteTableId: table.RouteTableId,
        SubnetId: subnet.SubnetId,
        AssociationState: { State: 'associated' },
      };
      await putRouteTable(call.tx, call.scope, { ...table, Associations: [...table.Associations, association] });
      return { AssociationId: association.RouteTableAssociationId, AssociationState: association.AssociationState };
    }),

    DisassociateRouteTable: async (input: DisassociateRouteTableRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const associationId = input.AssociationId ?? '';
      const { table, association } = await findAssociation(call, associationId);
      if (association.Main === true) throw cannotDisassociateMain(associationId);
      await putRouteTable(call.tx, call.scope, withoutAssociation(table, associationId));
      return {};
    }),

    ReplaceRouteTableAssociation: async (input: ReplaceRouteTableAssociationRequest, ctx) =>
      writeNetwork(env, ctx, input.DryRun, async (call) => {
        const associationId = input.AssociationId ?? '';
        const target = await requireRouteTable(call, input.RouteTableId ?? '');
        const { table, association } = await findAssociation(call, associationId);
        if (table.VpcId !== target.VpcId) {
          throw differentNetworks(`route table association ${associationId}`, `route table ${target.RouteTableId}`);
        }
        // "You can also use this operation to change which table is the main route table in the VPC. Specify
        // the main route table's association ID and the route table ID of the new main route table." The
        // association gets a new id (NewAssociationId).
        const moved: RouteTableAssociation = {
          ...association,
          RouteTableAssociationId: call.newId('rtbassoc'),
          RouteTableId: target.RouteTableId,
          AssociationState: { State: 'associated' },
        };
        const remaining = withoutAssociation(table, associationId);
        await putRouteTable(call.tx, call.scope, remaining);
        const destination = target.RouteTableId === table.RouteTableId ? remaining : target;
        await putRouteTable(call.tx, call.scope, { ...destination, Associations: [...destination.Associations, moved] });
        return { NewAssociationId: moved.RouteTableAssociationId, AssociationState: moved.AssociationState };
      }),
  } satisfies ServiceOperations<{
    CreateRouteTable: [CreateRouteTableRequest, CreateRouteTableResult];
    DescribeRouteTables: [DescribeRouteTablesRequest, DescribeRouteTablesResult];
    DeleteRouteTable: [DeleteRouteTableRequest, object];
    AssociateRouteTable: [AssociateRouteTableRequest, AssociateRouteTableResult];
    DisassociateRouteTable: [DisassociateRouteTableRequest, object];
    ReplaceRouteTableAssociation: [ReplaceRouteTableAssociationRequest, ReplaceRouteTableAssociationResult];
  }>;
}
