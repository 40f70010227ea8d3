// Routes in a route table: CreateRoute, DeleteRoute, ReplaceRoute. Berth routes IPv4 destinations to an
// internet gateway attached to the table's VPC or to `local`; other targets answer 501 NotImplemented.
import type {
  CreateRouteRequest,
  CreateRouteResult,
  DeleteRouteRequest,
  ReplaceRouteRequest,
  Route,
} from '@aws-sdk/client-ec2';
import type { ServiceOperations } from '../../aws/service.ts';
import { canonicalIpv4Cidr, cidrContains, parseIpv4Cidr } from './cidr.ts';
import { invalidCidrBlockParameter } from './errors.ts';
import { isEc2Id } from './ids.ts';
import { requireRouteTable } from './lookups.ts';
import { writeNetwork, type Ec2Env, type NetworkCall } from './network-call.ts';
import { putRouteTable, type RouteTableRecord } from './records.ts';
import { unsupportedParameter } from './request-errors.ts';
import {
  cannotRemoveLocalRoute,
  differentNetworks,
  invalidGatewayIdNotFound,
  invalidRouteNotFound,
  invalidRouteTarget,
  missingRouteDestination,
  missingRouteTarget,
  noRouteToReplace,
  routeAlreadyExists,
} from './routing-errors.ts';

/** Route targets and destinations AWS accepts that Berth does not have (NAT gateways, peering, IPv6, …). */
const UNSUPPORTED_ROUTE_PARAMETERS = [
  'DestinationIpv6CidrBlock', 'DestinationPrefixListId', 'EgressOnlyInternetGatewayId', 'InstanceId', 'NatGatewayId',
  'NetworkInterfaceId', 'VpcPeeringConnectionId', 'TransitGatewayId', 'LocalGatewayId', 'CarrierGatewayId',
  'VpcEndpointId', 'CoreNetworkArn', 'OdbNetworkArn',
] as const satisfies readonly (keyof CreateRouteRequest & keyof ReplaceRouteRequest)[];

const LOCAL = 'local';

function rejectUnsupported(operation: string, input: CreateRouteRequest | ReplaceRouteRequest | DeleteRouteRequest): void {
  const present = input as Partial<Record<(typeof UNSUPPORTED_ROUTE_PARAMETERS)[number], unknown>>;
  const unsupported = UNSUPPORTED_ROUTE_PARAMETERS.find((name) => present[name] !== undefined);
  if (unsupported !== undefined) throw unsupportedParameter(operation, unsupported);
}

/** The request's IPv4 destination in canonical form ("Value (x) for parameter destinationCidrBlock is invalid…"). */
function destinationOf(cidr: string | undefined): string {
  if (cidr === undefined) throw missingRouteDestination();
  const canonical = canonicalIpv4Cidr(cidr);
  // The frame with this parameter is AWS's (ansible-collections/amazon.aws#477).
  if (canonical === undefined) throw invalidCidrBlockParameter(cidr, 'destinationCidrBlock');
  return canonical;
}

/**
 * Checks a route's target for a table: `local` only for the VPC's own block; an internet gateway that exists
 * (InvalidGatewayID.NotFound otherwise) and is attached to the table's VPC; and no gateway route for a
 * destination inside the VPC's block, which only interfaces may take (Route tables, Amazon VPC User Guide).
 */
async function checkTarget(call: NetworkCall, operation: string, table: RouteTableRecord, destination: string, gatewayId: string): Promise<void> {
  const vpcBlock = (await call.tx.get('ec2.vpc', call.scope, table.VpcId))?.vpc.CidrBlock;
  if (gatewayId === LOCAL) {
    if (destination !== vpcBlock) throw invalidRouteTarget(destination, LOCAL);
    return;
  }
  // Virtual private gateways are AWS's other GatewayId target; Berth has no VPN.
  if (gatewayId.startsWith('vgw-')) throw unsupportedParameter(operation, 'GatewayId (virtual private gateway)');
  const gateway = isEc2Id(gatewayId, 'igw') ? await call.tx.get('ec2.internet-gateway', call.scope, gatewayId) : undefined;
  if (!gateway) throw invalidGatewayIdNotFound(gatewayId);
  if (gateway.Attachments[0]?.VpcId !== table.VpcId) {
    throw differentNetworks(`route table ${table.RouteTableId}`, `network gateway ${gatewayId}`);
  }
  const inner = parseIpv4Cidr(destination);
  const outer = vpcBlock === undefined ? undefined : parseIpv4Cidr(vpcBlock);
  if (inner && outer && cidrContains(outer, inner)) throw invalidRouteTarget(destination, gatewayId);
}

function routeIndex(table: RouteTableRecord, destination: string): number {
  return table.Routes.findIndex((route) => route.DestinationCidrBlock === destination);
}

export function routeOperations(env: Ec2Env) {
  return {
    CreateRoute: async (input: CreateRouteRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const table = await requireRouteTable(call, input.RouteTableId ?? '');
      rejectUnsupported('CreateRoute', input);
      const destination = destinationOf(input.DestinationCidrBlock);
      if (input.GatewayId === undefined) throw missingRouteTarget();
      // The local route already holds the VPC's block, so a second route for it is RouteAlreadyExists.
      if (routeIndex(table, destination) >= 0) throw routeAlreadyExists(destination);
      await checkTarget(call, 'CreateRoute', table, destination, input.GatewayId);
      const route: Route = { DestinationCidrBlock: destination, GatewayId: input.GatewayId, Origin: 'CreateRoute', State: 'active' };
      await putRouteTable(call.tx, call.scope, { ...table, Routes: [...table.Routes, route] });
      return { Return: true };
    }),

    DeleteRoute: async (input: DeleteRouteRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const table = await requireRouteTable(call, input.RouteTableId ?? '');
      rejectUnsupported('DeleteRoute', input);
      const destination = destinationOf(input.DestinationCidrBlock);
      const index = routeIndex(table, destination);
      if (index < 0) throw invalidRouteNotFound(destination, table.RouteTableId);
      if (table.Routes[index]?.GatewayId === LOCAL) throw cannotRemoveLocalRoute(destination, table.RouteTableId);
      await putRouteTable(call.tx, call.scope, { ...table, Routes: table.Routes.filter((_, i) => i !== index) });
      return {};
    }),

    ReplaceRoute: async (input: ReplaceRouteRequest, ctx) => writeNetwork(env, ctx, input.DryRun, async (call) => {
      const table = await requireRouteTable(call, input.RouteTableId ?? '');
      rejectUnsupported('ReplaceRoute', input);
      const destination = destinationOf(input.DestinationCidrBlock);
      const index = routeIndex(table, destination);
      const existing = table.Routes[index];
      if (!existing) throw noRouteToReplace(destination);
      // "LocalTarget: Specifies whether to reset the local route to its default target (local)." (model docs)
      const gatewayId = input.LocalTarget === true ? LOCAL : input.GatewayId;
      if (gatewayId === undefined) throw missingRouteTarget();
      await checkTarget(call, 'ReplaceRoute', table, destination, gatewayId);
      const routes = [...table.Routes];
      routes[index] = { DestinationCidrBlock: destination, GatewayId: gatewayId, Origin: existing.Origin, State: 'active' };
      await putRouteTable(call.tx, call.scope, { ...table, Routes: routes });
      return {};
    }),
  } satisfies ServiceOperations<{
    CreateRoute: [CreateRouteRequest, CreateRouteResult];
    DeleteRoute: [DeleteRouteRequest, object];
    ReplaceRoute: [ReplaceRouteRequest, object];
  }>;
}
