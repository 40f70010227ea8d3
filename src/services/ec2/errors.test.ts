import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsError } from '../../aws/errors.ts';
import * as errors from './errors.ts';

// One sample call per factory. A factory added without a sample here fails the coverage test below.
const samples: Record<string, () => AwsError> = {
  invalidParameterValue: () => errors.invalidParameterValue('Value (x) for parameter y is invalid.'),
  invalidParameterCombination: () => errors.invalidParameterCombination('x with y'),
  missingParameter: () => errors.missingParameter('groupId'),
  invalidVpcIdNotFound: () => errors.invalidVpcIdNotFound('vpc-0123456789abcdef0'),
  invalidVpcIdMalformed: () => errors.invalidVpcIdMalformed('nope'),
  invalidVpcRange: () => errors.invalidVpcRange('10.0.0.0/8'),
  vpcLimitExceeded: () => errors.vpcLimitExceeded(),
  vpcDependencyViolation: () => errors.vpcDependencyViolation('vpc-0123456789abcdef0'),
  cidrBlockMalformed: () => errors.cidrBlockMalformed('0.0.0.0/33'),
  invalidCidrBlockParameter: () => errors.invalidCidrBlockParameter('banana'),
  invalidSubnetRange: () => errors.invalidSubnetRange('10.10.1.0/24'),
  invalidSubnetConflict: () => errors.invalidSubnetConflict('10.0.1.0/24'),
  invalidSubnetAvailabilityZone: () => errors.invalidSubnetAvailabilityZone('us-east-1z', ['us-east-1a', 'us-east-1b']),
  invalidAvailabilityZoneValue: () => errors.invalidAvailabilityZoneValue('us-west-1b'),
  invalidSubnetIdNotFound: () => errors.invalidSubnetIdNotFound('subnet-0123456789abcdef0'),
  invalidSubnetIdMalformed: () => errors.invalidSubnetIdMalformed('nope'),
  subnetDependencyViolation: () => errors.subnetDependencyViolation('subnet-0123456789abcdef0'),
  invalidGroupNotFound: () => errors.invalidGroupNotFound('sg-0123456789abcdef0'),
  invalidGroupNotFoundInDefaultVpc: () => errors.invalidGroupNotFoundInDefaultVpc('web', 'vpc-0123456789abcdef0'),
  invalidGroupNotFoundInVpc: () => errors.invalidGroupNotFoundInVpc('sg-0123456789abcdef0', 'vpc-0123456789abcdef0'),
  invalidGroupIdMalformed: () => errors.invalidGroupIdMalformed('web'),
  invalidGroupDuplicate: () => errors.invalidGroupDuplicate('web', 'vpc-0123456789abcdef0'),
  invalidGroupReserved: () => errors.invalidGroupReserved(),
  invalidGroupNameFormat: () => errors.invalidGroupNameFormat('sg-017c251'),
  cannotDeleteDefaultGroup: () => errors.cannotDeleteDefaultGroup('sg-51530134'),
  securityGroupDependencyViolation: () => errors.securityGroupDependencyViolation('sg-0123456789abcdef0'),
  securityGroupLimitExceeded: () => errors.securityGroupLimitExceeded('vpc-0123456789abcdef0'),
  invalidPermissionDuplicate: () => errors.invalidPermissionDuplicate('peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW'),
  permissionRepeatedInRequest: () => errors.permissionRepeatedInRequest(),
  invalidPermissionNotFound: () => errors.invalidPermissionNotFound(),
  tcpUdpPortOutOfRange: () => errors.tcpUdpPortOutOfRange(-1),
  tcpUdpPortRangeInverted: () => errors.tcpUdpPortRangeInverted(90, 80),
  icmpCodeOutOfRange: () => errors.icmpCodeOutOfRange(65535),
  icmpAllTypesNeedAllCodes: () => errors.icmpAllTypesNeedAllCodes(0),
  flatPermissionParametersNotAllowed: () => errors.flatPermissionParametersNotAllowed('no'),
  icmpTypeOutOfRange: () => errors.icmpTypeOutOfRange(256),
  portRangeRequired: () => errors.portRangeRequired('TCP/UDP'),
  unknownIpProtocol: () => errors.unknownIpProtocol('all'),
  missingIpProtocol: () => errors.missingIpProtocol(),
  invalidRuleDescription: () => errors.invalidRuleDescription(),
  rulesPerSecurityGroupLimitExceeded: () => errors.rulesPerSecurityGroupLimitExceeded(),
  invalidSecurityGroupRuleIdNotFound: () => errors.invalidSecurityGroupRuleIdNotFound('sgr-0123456789abcdef0'),
  invalidSecurityGroupRuleIdMalformed: () => errors.invalidSecurityGroupRuleIdMalformed('rule'),
  invalidNetworkInterfaceIdNotFound: () => errors.invalidNetworkInterfaceIdNotFound('eni-0123456789abcdef0'),
  invalidNetworkInterfaceIdMalformed: () => errors.invalidNetworkInterfaceIdMalformed('to-set'),
  networkInterfaceInUse: () => errors.networkInterfaceInUse('eni-0123456789abcdef0'),
  invalidFilter: () => errors.invalidFilter('bogus'),
  filterValueTooLong: () => errors.filterValueTooLong(),
  invalidId: () => errors.invalidId('107.20.243.249'),
  tagLimitExceeded: () => errors.tagLimitExceeded(),
  invalidTagKeyMalformed: () => errors.invalidTagKeyMalformed(),
};

const factories = Object.entries(errors).filter(([, value]) => typeof value === 'function');

test('every factory has a sample call here', () => {
  assert.deepEqual(factories.map(([name]) => name).sort(), Object.keys(samples).sort());
});

test('every factory returns a 400 sender-fault AwsError whose code is on the list', () => {
  const codes: ReadonlySet<string> = new Set(errors.EC2_ERROR_CODES);
  for (const [name, make] of Object.entries(samples)) {
    const error = make();
    assert.ok(error instanceof AwsError, name);
    assert.ok(codes.has(error.code), `${name}: ${error.code} is not in EC2_ERROR_CODES`);
    assert.equal(error.httpStatus, 400, name);
    assert.equal(error.senderFault, true, name);
    assert.equal(error.name, error.code, name);
    assert.ok(error.message.length > 0, name);
  }
});

test('every listed code is produced by some factory', () => {
  const produced = new Set(Object.values(samples).map((make) => make().code));
  produced.add(errors.invalidFilter('x', 'InvalidFilter').code);
  assert.deepEqual([...errors.EC2_ERROR_CODES].filter((code) => !produced.has(code)), []);
});

test('messages read as AWS sends them', () => {
  const text = (make: () => AwsError) => make().message;
  assert.equal(text(() => errors.invalidVpcIdNotFound('vpc-ac2220ca')), "The vpc ID 'vpc-ac2220ca' does not exist");
  assert.equal(text(() => errors.invalidGroupNotFound('sg-005646f2913a5dbe4')), "The security group 'sg-005646f2913a5dbe4' does not exist");
  assert.equal(text(() => errors.invalidSubnetIdNotFound('subnet-ed4ddcb6')), "The subnet ID 'subnet-ed4ddcb6' does not exist");
  assert.equal(text(() => errors.invalidSubnetConflict('10.0.1.0/24')), "The CIDR '10.0.1.0/24' conflicts with another subnet");
  assert.equal(text(() => errors.invalidSubnetRange('10.10.1.0/24')), "The CIDR '10.10.1.0/24' is invalid.");
  assert.equal(text(() => errors.invalidVpcRange('10.0.0.0/8')), "The CIDR '10.0.0.0/8' is invalid.");
  assert.equal(
    text(() => errors.invalidGroupDuplicate('secgrp-app', 'vpc-c05da2a6')),
    "The security group 'secgrp-app' already exists for VPC 'vpc-c05da2a6'",
  );
  assert.equal(
    text(() => errors.invalidPermissionDuplicate('peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW')),
    'the specified rule "peer: 0.0.0.0/0, TCP, from port: 80, to port: 80, ALLOW" already exists',
  );
  assert.equal(text(() => errors.securityGroupDependencyViolation('sg-cd40e2b6')), 'resource sg-cd40e2b6 has a dependent object');
  assert.equal(
    text(() => errors.cannotDeleteDefaultGroup('sg-51530134')),
    'the specified group: "sg-51530134" name: "default" cannot be deleted by a user',
  );
  assert.equal(text(() => errors.missingParameter('groupId')), 'The request must contain the parameter groupId');
  assert.equal(text(() => errors.invalidFilter('public-ip')), "The filter 'public-ip' is invalid");
  assert.equal(errors.invalidFilter('vpc-id', 'InvalidFilter').code, 'InvalidFilter');
  assert.equal(
    text(() => errors.invalidSubnetAvailabilityZone('us-east-1c', ['us-east-1d', 'us-east-1a'])),
    'Value (us-east-1c) for parameter availabilityZone is invalid. ' +
      'Subnets can currently only be created in the following availability zones: us-east-1d, us-east-1a.',
  );
  assert.equal(
    text(() => errors.portRangeRequired('TCP/UDP')),
    "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.",
  );
  assert.equal(text(() => errors.invalidGroupIdMalformed('DSESecurityGroup')), 'Invalid id: "DSESecurityGroup" (expecting "sg-...")');
});
