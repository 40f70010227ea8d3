import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../aws/errors.ts';
import * as errors from './routing-errors.ts';

// One sample call per factory; a factory added without a sample fails the coverage test below.
const samples: Record<string, () => AwsError> = {
  invalidRouteTableIdNotFound: () => errors.invalidRouteTableIdNotFound('rtb-4FC866A0'),
  invalidRouteTableIdMalformed: () => errors.invalidRouteTableIdMalformed('rtb-nat-gw-a'),
  routeTableDependencyViolation: () => errors.routeTableDependencyViolation('rtb-041caae236ae2745b'),
  routeTableAlreadyAssociated: () => errors.routeTableAlreadyAssociated('rtb-0123456789abcdef0'),
  cannotDisassociateMain: () => errors.cannotDisassociateMain('rtbassoc-12345678'),
  invalidAssociationIdNotFound: () => errors.invalidAssociationIdNotFound('rtbassoc-12345678'),
  differentNetworks: () => errors.differentNetworks('route table rtb-0532436e', 'network gateway igw-5b54de33'),
  routeAlreadyExists: () => errors.routeAlreadyExists('0.0.0.0/0'),
  invalidRouteNotFound: () => errors.invalidRouteNotFound('0.0.0.0/0', 'rtb-0123456789abcdef0'),
  noRouteToReplace: () => errors.noRouteToReplace('0.0.0.0/0'),
  missingRouteDestination: () => errors.missingRouteDestination(),
  missingRouteTarget: () => errors.missingRouteTarget(),
  cannotRemoveLocalRoute: () => errors.cannotRemoveLocalRoute('10.0.0.0/16', 'rtb-0123456789abcdef0'),
  invalidRouteTarget: () => errors.invalidRouteTarget('10.0.1.0/24', 'igw-0123456789abcdef0'),
  invalidGatewayIdNotFound: () => errors.invalidGatewayIdNotFound('nat-0b08ff466280436f1'),
  invalidInternetGatewayIdNotFound: () => errors.invalidInternetGatewayIdNotFound('igw-7d895105'),
  invalidInternetGatewayIdMalformed: () => errors.invalidInternetGatewayIdMalformed('gateway'),
  gatewayAlreadyAttached: () => errors.gatewayAlreadyAttached('igw-e748039f', 'vpc-3c7d7347'),
  vpcAlreadyHasGateway: () => errors.vpcAlreadyHasGateway('vpc-9f7ca1e2'),
  gatewayNotAttached: () => errors.gatewayNotAttached('igw-e748039f', 'vpc-3c7d7347'),
  internetGatewayDependencyViolation: () => errors.internetGatewayDependencyViolation('igw-9a69f6fe'),
  invalidNetworkAclIdNotFound: () => errors.invalidNetworkAclIdNotFound('acl-7aaabd18'),
  invalidNetworkAclIdMalformed: () => errors.invalidNetworkAclIdMalformed('acl'),
  invalidDhcpOptionsIdNotFound: () => errors.invalidDhcpOptionsIdNotFound('dopt-7a8b9c2d'),
  invalidDhcpOptionsIdMalformed: () => errors.invalidDhcpOptionsIdMalformed('dopt'),
};

test('every factory has a sample', () => {
  const factories = Object.entries(errors).filter(([, value]) => typeof value === 'function').map(([name]) => name);
  assert.deepEqual(factories.filter((name) => !Object.hasOwn(samples, name)), []);
});

test('every factory makes a 400 client error with a listed code', () => {
  for (const [name, make] of Object.entries(samples)) {
    const error = make();
    assert.ok(error instanceof AwsError, name);
    assert.equal(error.httpStatus, 400, name);
    assert.ok((errors.ROUTING_ERROR_CODES as readonly string[]).includes(error.code), `${name}: ${error.code}`);
  }
});

test('every listed code is produced by some factory', () => {
  const produced = new Set(Object.values(samples).map((make) => make().code));
  assert.deepEqual(errors.ROUTING_ERROR_CODES.filter((code) => !produced.has(code)), []);
});

test('messages read as AWS sends them', () => {
  assert.equal(errors.invalidRouteTableIdNotFound('rtb-4FC866A0').message, "The routeTable ID 'rtb-4FC866A0' does not exist");
  assert.equal(errors.gatewayAlreadyAttached('igw-e748039f', 'vpc-3c7d7347').message, 'resource igw-e748039f is already attached to network vpc-3c7d7347');
  assert.equal(errors.routeAlreadyExists('0.0.0.0/0').message, 'The route identified by 0.0.0.0/0 already exists.');
  assert.equal(
    errors.differentNetworks('route table rtb-0532436e', 'network gateway igw-5b54de33').message,
    'route table rtb-0532436e and network gateway igw-5b54de33 belong to different networks',
  );
  assert.equal(errors.cannotDisassociateMain('rtbassoc-12345678').message, 'cannot disassociate the main route table association rtbassoc-12345678');
});
