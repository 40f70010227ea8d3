// EC2's client errors for route tables, routes, internet gateways, network ACLs and DHCP option sets.
//
// Codes are from "Error codes for the Amazon EC2 API"
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html); all are HTTP 400. As in
// errors.ts, each factory cites a real response where one was found ("owner/repo#n") or says "unverified".

import { AwsError, clientError } from '../../aws/errors.ts';

export const ROUTING_ERROR_CODES = [
  'DependencyViolation',
  'Gateway.NotAttached',
  'InvalidAssociationID.NotFound',
  'InvalidDhcpOptionID.NotFound',
  'InvalidDhcpOptionsId.Malformed',
  'InvalidGatewayID.NotFound',
  'InvalidInternetGatewayID.NotFound',
  'InvalidInternetGatewayId.Malformed',
  'InvalidNetworkAclID.NotFound',
  'InvalidNetworkAclId.Malformed',
  'InvalidParameterValue',
  'InvalidRoute.NotFound',
  'InvalidRouteTableID.NotFound',
  'InvalidRouteTableId.Malformed',
  'MissingParameter',
  'Resource.AlreadyAssociated',
  'RouteAlreadyExists',
] as const;

export type RoutingErrorCode = (typeof ROUTING_ERROR_CODES)[number];

function routingError(code: RoutingErrorCode, message: string): AwsError {
  return clientError(code, message);
}

// ---- route tables ---------------------------------------------------------------------------------

/** "The routeTable ID 'rtb-4FC866A0' does not exist" (AWS's answer quoted in C2Devel/terraform-examples#8). */
export function invalidRouteTableIdNotFound(routeTableId: string): AwsError {
  return routingError('InvalidRouteTableID.NotFound', `The routeTable ID '${routeTableId}' does not exist`);
}

/** `Invalid id: "rtb-nat-gw-a"` (terraform-linters/tflint#90). */
export function invalidRouteTableIdMalformed(routeTableId: string): AwsError {
  return routingError('InvalidRouteTableId.Malformed', `Invalid id: "${routeTableId}"`);
}

/**
 * DeleteRouteTable while subnets are associated, or on the main table: "The routeTable 'rtb-…' has
 * dependencies and cannot be deleted." (hashicorp/terraform-provider-aws#5931, ansible/ansible#20114; the
 * main table answers the same, aws/aws-cli#1549).
 */
export function routeTableDependencyViolation(routeTableId: string): AwsError {
  return routingError('DependencyViolation', `The routeTable '${routeTableId}' has dependencies and cannot be deleted.`);
}

/** A subnet that already has an explicit association (hashicorp/terraform-provider-aws#38960). */
export function routeTableAlreadyAssociated(routeTableId: string): AwsError {
  return routingError('Resource.AlreadyAssociated', `the specified association for route table ${routeTableId} conflicts with an existing association`);
}

/** "cannot disassociate the main route table association rtbassoc-…" (hashicorp/vault#659, ansible/ansible#25521). */
export function cannotDisassociateMain(associationId: string): AwsError {
  return routingError('InvalidParameterValue', `cannot disassociate the main route table association ${associationId}`);
}

/** Unverified text, in AWS's "does not exist" style; the code is on the error page. */
export function invalidAssociationIdNotFound(associationId: string): AwsError {
  return routingError('InvalidAssociationID.NotFound', `The association ID '${associationId}' does not exist`);
}

/**
 * Two resources of different VPCs: "route table rtb-… and network gateway igw-… belong to different networks"
 * (giantswarm/aws-operator#634) and "route table association rtbassoc-… and route table rtb-… belong to
 * different networks" (InvalidParameterValue, pulumi/pulumi-awsx#418). Each side is e.g. "route table rtb-…".
 */
export function differentNetworks(first: string, second: string): AwsError {
  return routingError('InvalidParameterValue', `${first} and ${second} belong to different networks`);
}

// ---- routes -----------------------------------------------------------------------------------------

/** "The route identified by 0.0.0.0/0 already exists." (clouddrove/terraform-aws-vpc-peering#10, hashicorp/terraform-provider-aws#23866). */
export function routeAlreadyExists(destination: string): AwsError {
  return routingError('RouteAlreadyExists', `The route identified by ${destination} already exists.`);
}

/** DeleteRoute of a destination the table lacks; the code is AWS's (pulumi/pulumi-awsx#418), the text unverified. */
export function invalidRouteNotFound(destination: string, routeTableId: string): AwsError {
  return routingError('InvalidRoute.NotFound', `no route with destination-cidr-block ${destination} in route table ${routeTableId}`);
}

/**
 * ReplaceRoute of a destination the table lacks: AWS answers InvalidParameterValue, not InvalidRoute.NotFound
 * (checked against AWS in getmoto/moto#6425). Unverified text.
 */
export function noRouteToReplace(destination: string): AwsError {
  return routingError('InvalidParameterValue', `There is no route defined for '${destination}' in the route table. Use CreateRoute instead.`);
}

/** "The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock" (hashicorp/terraform#14564). */
export function missingRouteDestination(): AwsError {
  return routingError('MissingParameter', 'The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock');
}

/** A route without a target. Unverified text, in the style of the destination's. */
export function missingRouteTarget(): AwsError {
  return routingError('MissingParameter', 'The request must contain the parameter gatewayId');
}

/** DeleteRoute of the local route. Unverified text. */
export function cannotRemoveLocalRoute(destination: string, routeTableId: string): AwsError {
  return routingError('InvalidParameterValue', `cannot remove local route ${destination} in route table ${routeTableId}`);
}

/** A gateway route for a destination inside the VPC's own block, or `local` for any other. Unverified text. */
export function invalidRouteTarget(destination: string, target: string): AwsError {
  return routingError('InvalidParameterValue', `The destination ${destination} cannot be routed to ${target}.`);
}

/** "The gateway ID 'nat-…' does not exist" from CreateRoute (devopsacademyau/academy#906). */
export function invalidGatewayIdNotFound(gatewayId: string): AwsError {
  return routingError('InvalidGatewayID.NotFound', `The gateway ID '${gatewayId}' does not exist`);
}

// ---- internet gateways --------------------------------------------------------------------------------

/** "The internetGateway ID 'igw-…' does not exist" (hashicorp/terraform-provider-aws#40788, supergiant/control#449). */
export function invalidInternetGatewayIdNotFound(gatewayId: string): AwsError {
  return routingError('InvalidInternetGatewayID.NotFound', `The internetGateway ID '${gatewayId}' does not exist`);
}

/** `Invalid id: "x" (expecting "igw-...")`: unverified for gateways; the frame is AWS's for sg- and eni- ids. */
export function invalidInternetGatewayIdMalformed(gatewayId: string): AwsError {
  return routingError('InvalidInternetGatewayId.Malformed', `Invalid id: "${gatewayId}" (expecting "igw-...")`);
}

/** "resource igw-… is already attached to network vpc-…" (berlioz-the/berlioz#1). */
export function gatewayAlreadyAttached(gatewayId: string, vpcId: string): AwsError {
  return routingError('Resource.AlreadyAssociated', `resource ${gatewayId} is already attached to network ${vpcId}`);
}

/** "Network vpc-… already has an internet gateway attached" (binlab/terraform-aws-vault-ha-raft#54, cloudfoundry-incubator/kubo-deployment#167). */
export function vpcAlreadyHasGateway(vpcId: string): AwsError {
  return routingError('InvalidParameterValue', `Network ${vpcId} already has an internet gateway attached`);
}

/** DetachInternetGateway from a VPC it is not attached to. Unverified text, mirroring the "already attached" one. */
export function gatewayNotAttached(gatewayId: string, vpcId: string): AwsError {
  return routingError('Gateway.NotAttached', `resource ${gatewayId} is not attached to network ${vpcId}`);
}

/** "The internetGateway 'igw-…' has dependencies and cannot be deleted." (giantswarm/aws-operator#109, saltstack/salt#60140). */
export function internetGatewayDependencyViolation(gatewayId: string): AwsError {
  return routingError('DependencyViolation', `The internetGateway '${gatewayId}' has dependencies and cannot be deleted.`);
}

// ---- network ACLs and DHCP option sets --------------------------------------------------------------------

/** Unverified text, in the style of the route table's. */
export function invalidNetworkAclIdNotFound(aclId: string): AwsError {
  return routingError('InvalidNetworkAclID.NotFound', `The networkAcl ID '${aclId}' does not exist`);
}

/** Unverified text: the `Invalid id` frame AWS uses for sg- and eni- ids. */
export function invalidNetworkAclIdMalformed(aclId: string): AwsError {
  return routingError('InvalidNetworkAclId.Malformed', `Invalid id: "${aclId}" (expecting "acl-...")`);
}

/** Unverified text, in the style of the route table's. */
export function invalidDhcpOptionsIdNotFound(dhcpOptionsId: string): AwsError {
  return routingError('InvalidDhcpOptionID.NotFound', `The dhcpOption ID '${dhcpOptionsId}' does not exist`);
}

/** Unverified text: the `Invalid id` frame AWS uses for sg- and eni- ids. */
export function invalidDhcpOptionsIdMalformed(dhcpOptionsId: string): AwsError {
  return routingError('InvalidDhcpOptionsId.Malformed', `Invalid id: "${dhcpOptionsId}" (expecting "dopt-...")`);
}
