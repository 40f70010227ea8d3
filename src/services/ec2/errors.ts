// EC2's client errors for VPCs, subnets, security groups, ENIs, filters and tags: AWS's codes and message texts.
//
// EC2 error codes are not in the API model; they are listed on "Error codes for the Amazon EC2 API"
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). Every one used here is a
// client error, HTTP 400. Message texts are AWS's as users have pasted them from real responses; each
// factory cites where the text was seen (GitHub issue or pull request, "owner/repo#n"), or says
// "unverified" when no real response was found and the text is Berth's best reading of AWS's style.

import { AwsError, clientError } from '../../aws/errors.ts';

/**
 * The codes the factories below produce, each listed on AWS's error-code page, except
 * `InvalidVpc.Range`: the page lists `InvalidVpcRange`, but real CreateVpc responses carry
 * `InvalidVpc.Range` (grycap/im#1011, hashicorp/terraform#19452), so Berth sends what the wire shows.
 */
export const EC2_ERROR_CODES = [
  'CannotDelete',
  'DependencyViolation',
  'FilterLimitExceeded',
  'InvalidFilter',
  'InvalidGroup.Duplicate',
  'InvalidGroup.NotFound',
  'InvalidGroup.Reserved',
  'InvalidGroupId.Malformed',
  'InvalidID',
  'InvalidNetworkInterfaceID.NotFound',
  'InvalidNetworkInterfaceId.Malformed',
  'InvalidParameterCombination',
  'InvalidParameterValue',
  'InvalidPermission.Duplicate',
  'InvalidPermission.Malformed',
  'InvalidPermission.NotFound',
  'InvalidSecurityGroupRuleId.Malformed',
  'InvalidSecurityGroupRuleId.NotFound',
  'InvalidSubnet.Conflict',
  'InvalidSubnet.Range',
  'InvalidSubnetID.Malformed',
  'InvalidSubnetID.NotFound',
  'InvalidTagKey.Malformed',
  'InvalidVpc.Range',
  'InvalidVpcID.Malformed',
  'InvalidVpcID.NotFound',
  'MissingParameter',
  'RulesPerSecurityGroupLimitExceeded',
  'SecurityGroupLimitExceeded',
  'TagLimitExceeded',
  'VpcLimitExceeded',
] as const;

export type Ec2ErrorCode = (typeof EC2_ERROR_CODES)[number];

function ec2Error(code: Ec2ErrorCode, message: string): AwsError {
  return clientError(code, message);
}

// ---- generic parameter errors -------------------------------------------------------------------

/** InvalidParameterValue with a message the caller composes (AWS uses this code for most bad values). */
export function invalidParameterValue(message: string): AwsError {
  return ec2Error('InvalidParameterValue', message);
}

/** InvalidParameterCombination; AWS's texts vary by operation, so the caller supplies one. */
export function invalidParameterCombination(message: string): AwsError {
  return ec2Error('InvalidParameterCombination', message);
}

/** "The request must contain the parameter groupId" (aws/aws-sdk-java-v2#5437); `name` is the wire name. */
export function missingParameter(name: string): AwsError {
  return ec2Error('MissingParameter', `The request must contain the parameter ${name}`);
}

// ---- VPCs -------------------------------------------------------------------------------------------

/** "The vpc ID 'vpc-…' does not exist" (kubernetes-sigs/aws-load-balancer-controller#1188, hashicorp/terraform-aws-consul#29). */
export function invalidVpcIdNotFound(vpcId: string): AwsError {
  return ec2Error('InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`);
}

/** `Invalid id: "x" (expecting "vpc-...")`: unverified for VPCs; the frame is AWS's for sg- and eni- ids. */
export function invalidVpcIdMalformed(vpcId: string): AwsError {
  return ec2Error('InvalidVpcID.Malformed', `Invalid id: "${vpcId}" (expecting "vpc-...")`);
}

/** "The CIDR '10.0.0.0/8' is invalid." for a VPC block outside /16–/28 (grycap/im#1011, hashicorp/terraform#19452). */
export function invalidVpcRange(cidr: string): AwsError {
  return ec2Error('InvalidVpc.Range', `The CIDR '${cidr}' is invalid.`);
}

/** "The maximum number of VPCs has been reached." (terraform-aws-modules/terraform-aws-vpc#429). */
export function vpcLimitExceeded(): AwsError {
  return ec2Error('VpcLimitExceeded', 'The maximum number of VPCs has been reached.');
}

/** "The vpc 'vpc-…' has dependencies and cannot be deleted." (gruntwork-io/cloud-nuke#345, binlab/terraform-aws-vault-ha-raft#57). */
export function vpcDependencyViolation(vpcId: string): AwsError {
  return ec2Error('DependencyViolation', `The vpc '${vpcId}' has dependencies and cannot be deleted.`);
}

// ---- CIDR blocks and availability zones ---------------------------------------------------------------

/** "CIDR block ::/0 is malformed" for a rule's CIDR (aws/aws-cli#2428, smoketurner/serverless-vpc-plugin#318). */
export function cidrBlockMalformed(cidr: string): AwsError {
  return ec2Error('InvalidParameterValue', `CIDR block ${cidr} is malformed`);
}

/**
 * "Value (x) for parameter cidrBlock is invalid. This is not a valid CIDR block." for CreateVpc and
 * CreateSubnet. Unverified: the "Value (x) for parameter y is invalid." frame is AWS's (availabilityZone,
 * GroupName below); the sentence after it is moto's.
 */
export function invalidCidrBlockParameter(cidr: string, parameter = 'cidrBlock'): AwsError {
  return ec2Error(
    'InvalidParameterValue',
    `Value (${cidr}) for parameter ${parameter} is invalid. This is not a valid CIDR block.`,
  );
}

/** "The CIDR '10.10.1.0/24' is invalid." for a subnet outside its VPC or /16–/28 (pulumi/pulumi-awsx#111, kubernetes/kops#15841). */
export function invalidSubnetRange(cidr: string): AwsError {
  return ec2Error('InvalidSubnet.Range', `The CIDR '${cidr}' is invalid.`);
}

/** "The CIDR '10.0.1.0/24' conflicts with another subnet" (hashicorp/terraform#33470, waterbear-cloud/paco#40). */
export function invalidSubnetConflict(cidr: string): AwsError {
  return ec2Error('InvalidSubnet.Conflict', `The CIDR '${cidr}' conflicts with another subnet`);
}

/**
 * CreateSubnet in a zone the region lacks: "Value (us-east-1c) for parameter availabilityZone is invalid.
 * Subnets can currently only be created in the following availability zones: us-east-1d, us-east-1a."
 * (kz8s/tack#67, boto/boto#1904, aws/aws-cdk#32017).
 */
export function invalidSubnetAvailabilityZone(zone: string, validZones: readonly string[]): AwsError {
  return ec2Error(
    'InvalidParameterValue',
    `Value (${zone}) for parameter availabilityZone is invalid. ` +
      `Subnets can currently only be created in the following availability zones: ${validZones.join(', ')}.`,
  );
}

/** "Invalid value 'us-west-1a' for AvailabilityZone." elsewhere (ajacoutot/aws-openbsd#19, boto/boto3#2233). */
export function invalidAvailabilityZoneValue(zone: string): AwsError {
  return ec2Error('InvalidParameterValue', `Invalid value '${zone}' for AvailabilityZone.`);
}

// ---- subnets --------------------------------------------------------------------------------------

/** "The subnet ID 'subnet-…' does not exist" (terraform-aws-modules/terraform-aws-ec2-instance#20, boto/boto3#2398). */
export function invalidSubnetIdNotFound(subnetId: string): AwsError {
  return ec2Error('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
}

/** `Invalid id: "x" (expecting "subnet-...")`: unverified for subnets; the frame is AWS's for sg- and eni- ids. */
export function invalidSubnetIdMalformed(subnetId: string): AwsError {
  return ec2Error('InvalidSubnetID.Malformed', `Invalid id: "${subnetId}" (expecting "subnet-...")`);
}

/** "The subnet 'subnet-…' has dependencies and cannot be deleted." (terraform-aws-modules/terraform-aws-vpc#1081, aws/aws-cdk#14456). */
export function subnetDependencyViolation(subnetId: string): AwsError {
  return ec2Error('DependencyViolation', `The subnet '${subnetId}' has dependencies and cannot be deleted.`);
}

// ---- security groups ------------------------------------------------------------------------------

/** "The security group 'sg-…' does not exist" (kubernetes-sigs/aws-load-balancer-controller#2371, boto/boto3#701). */
export function invalidGroupNotFound(groupIdOrName: string): AwsError {
  return ec2Error('InvalidGroup.NotFound', `The security group '${groupIdOrName}' does not exist`);
}

/**
 * A group named in the default VPC: "The security group 'x' does not exist in default VPC 'vpc-…'"
 * (aws/aws-cli#612, aws/aws-sdk#402).
 */
export function invalidGroupNotFoundInDefaultVpc(groupName: string, vpcId: string): AwsError {
  return ec2Error('InvalidGroup.NotFound', `The security group '${groupName}' does not exist in default VPC '${vpcId}'`);
}

/** A group not in the VPC a request is about: "… does not exist in VPC 'vpc-…'" (AWS's answer quoted in getmoto/moto#5484). */
export function invalidGroupNotFoundInVpc(groupIdOrName: string, vpcId: string): AwsError {
  return ec2Error('InvalidGroup.NotFound', `The security group '${groupIdOrName}' does not exist in VPC '${vpcId}'`);
}

/** `Invalid id: "x" (expecting "sg-...")` (genevieve/leftovers#7, aws/aws-cdk#20800). */
export function invalidGroupIdMalformed(groupId: string): AwsError {
  return ec2Error('InvalidGroupId.Malformed', `Invalid id: "${groupId}" (expecting "sg-...")`);
}

/** "The security group 'x' already exists for VPC 'vpc-…'" (hashicorp/terraform#15428, dask/dask-cloudprovider#198). */
export function invalidGroupDuplicate(groupName: string, vpcId: string): AwsError {
  return ec2Error('InvalidGroup.Duplicate', `The security group '${groupName}' already exists for VPC '${vpcId}'`);
}

/** CreateSecurityGroup named "default". Unverified text: the error page's description of InvalidGroup.Reserved. */
export function invalidGroupReserved(): AwsError {
  return ec2Error('InvalidGroup.Reserved', "The name 'default' is reserved, and cannot be used to create a new security group.");
}

/** "Value (sg-017c251) for parameter GroupName is invalid. Group names may not be in the format sg-*." (pulumi/pulumi-awsx#477). */
export function invalidGroupNameFormat(groupName: string): AwsError {
  return ec2Error(
    'InvalidParameterValue',
    `Value (${groupName}) for parameter GroupName is invalid. Group names may not be in the format sg-*.`,
  );
}

/** `the specified group: "sg-…" name: "default" cannot be deleted by a user` (Amazon VPC User Guide, security groups). */
export function cannotDeleteDefaultGroup(groupId: string): AwsError {
  return ec2Error('CannotDelete', `the specified group: "${groupId}" name: "default" cannot be deleted by a user`);
}

/** "resource sg-… has a dependent object" (lianghong/delete_vpc#10, hashicorp/terraform-provider-aws#1671). */
export function securityGroupDependencyViolation(groupId: string): AwsError {
  return ec2Error('DependencyViolation', `resource ${groupId} has a dependent object`);
}

/** "The maximum number of security groups for VPC 'vpc-…' has been reached." (otiai10/hotsub#36). */
export function securityGroupLimitExceeded(vpcId: string): AwsError {
  return ec2Error('SecurityGroupLimitExceeded', `The maximum number of security groups for VPC '${vpcId}' has been reached.`);
}

// ---- security group rules ---------------------------------------------------------------------------

/**
 * `the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already exists`; the
 * quoted description comes from `ip-permissions.ts` (ansible/ansible#19759, jc1518/SSSG-Ninja#3).
 */
export function invalidPermissionDuplicate(ruleDescription: string): AwsError {
  return ec2Error('InvalidPermission.Duplicate', `the specified rule "${ruleDescription}" already exists`);
}

/** One request naming the same rule twice: "The same permission must not appear multiple times" (input-output-hk/bitte#24). */
export function permissionRepeatedInRequest(): AwsError {
  return ec2Error('InvalidParameterValue', 'The same permission must not appear multiple times');
}

/** "The specified rule does not exist in this security group" (piyushsonigra/aws_ipadd#10). */
export function invalidPermissionNotFound(): AwsError {
  return ec2Error('InvalidPermission.NotFound', 'The specified rule does not exist in this security group');
}

/** "TCP/UDP port (-1) out of range" (boto/boto3#336). */
export function tcpUdpPortOutOfRange(port: number): AwsError {
  return ec2Error('InvalidPermission.Malformed', `TCP/UDP port (${port}) out of range`);
}

/** A TCP/UDP range whose start exceeds its end. Unverified text, in the style of the one above. */
export function tcpUdpPortRangeInverted(fromPort: number, toPort: number): AwsError {
  return ec2Error('InvalidPermission.Malformed', `TCP/UDP port range (${fromPort} to ${toPort}) is invalid`);
}

/** "ICMP code (65535) out of range" (terraform-aws-modules/terraform-aws-security-group#7). */
export function icmpCodeOutOfRange(code: number): AwsError {
  return ec2Error('InvalidParameterValue', `ICMP code (${code}) out of range`);
}

/**
 * ICMP type -1 (all types) with a code other than -1. Unverified text: the rule is the IpPermission
 * docs' "If the start port is -1 (all ICMP types), then the end port must be -1 (all ICMP codes)".
 */
export function icmpAllTypesNeedAllCodes(code: number): AwsError {
  return ec2Error('InvalidParameterValue', `ICMP code (${code}) out of range: with ICMP type -1 (all types) the code must be -1`);
}

/**
 * The legacy flat parameters (CidrIp, IpProtocol, FromPort, ToPort, SourceSecurityGroupName) mixed with
 * IpPermissions, a CIDR with a source group, or any of them on an egress request (the model marks them
 * "Not supported" there). Unverified text.
 */
export function flatPermissionParametersNotAllowed(reason: string): AwsError {
  return ec2Error('InvalidParameterCombination', reason);
}

/** "ICMP type (n) out of range". Unverified: by analogy with the ICMP code message. */
export function icmpTypeOutOfRange(type: number): AwsError {
  return ec2Error('InvalidParameterValue', `ICMP type (${type}) out of range`);
}

/**
 * "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange." and the ICMP twin
 * (chef-boneyard/chef-provisioning-aws#183, aws/aws-sdk-go-v2#1203, awsdocs/aws-cloudformation-user-guide#217).
 */
export function portRangeRequired(protocol: 'TCP/UDP' | 'ICMP'): AwsError {
  return ec2Error('InvalidParameterValue', `Invalid value 'Must specify both from and to ports with ${protocol}.' for portRange.`);
}

/** "Invalid value 'all' for IP protocol. Unknown protocol." (hashicorp/terraform-provider-aws#1793). */
export function unknownIpProtocol(value: string): AwsError {
  return ec2Error('InvalidParameterValue', `Invalid value '${value}' for IP protocol. Unknown protocol.`);
}

/** "Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly." (nanovms/ops#735). */
export function missingIpProtocol(): AwsError {
  return ec2Error(
    'InvalidParameterValue',
    "Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly.",
  );
}

/** A rule description over 255 characters or outside AWS's character set (aws-cloudformation/cfn-lint#173). */
export function invalidRuleDescription(): AwsError {
  return ec2Error(
    'InvalidParameterValue',
    'Invalid rule description. Valid descriptions are strings less than 256 characters from the following set: ' +
      'a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*',
  );
}

/** "The maximum number of rules per security group has been reached." (aws-samples/aws-cloudfront-samples#53, dan-v/awslambdaproxy#25). */
export function rulesPerSecurityGroupLimitExceeded(): AwsError {
  return ec2Error('RulesPerSecurityGroupLimitExceeded', 'The maximum number of rules per security group has been reached.');
}

/** Unverified text: no real response was found; the code is on AWS's error page. */
export function invalidSecurityGroupRuleIdNotFound(ruleId: string): AwsError {
  return ec2Error('InvalidSecurityGroupRuleId.NotFound', `The security group rule ID '${ruleId}' does not exist`);
}

/** `Invalid id: "x" (expecting "sgr-...")`: unverified for rules; the frame is AWS's for sg- and eni- ids. */
export function invalidSecurityGroupRuleIdMalformed(ruleId: string): AwsError {
  return ec2Error('InvalidSecurityGroupRuleId.Malformed', `Invalid id: "${ruleId}" (expecting "sgr-...")`);
}

// ---- network interfaces -------------------------------------------------------------------------------

/** "The networkInterface ID 'eni-…' does not exist" (quoted by AWS clients' tests and moto/ec2/exceptions.py). */
export function invalidNetworkInterfaceIdNotFound(eniId: string): AwsError {
  return ec2Error('InvalidNetworkInterfaceID.NotFound', `The networkInterface ID '${eniId}' does not exist`);
}

/** `Invalid id: "to-set" (expecting "eni-...")` (F5Networks/f5-cloud-failover-extension#150). */
export function invalidNetworkInterfaceIdMalformed(eniId: string): AwsError {
  return ec2Error('InvalidNetworkInterfaceId.Malformed', `Invalid id: "${eniId}" (expecting "eni-...")`);
}

/**
 * DeleteNetworkInterface on an attached ENI: "Network interface 'eni-…' is currently in use."
 * (gruntwork-io/cloud-nuke#431, aws/amazon-vpc-cni-k8s#1399).
 */
export function networkInterfaceInUse(eniId: string): AwsError {
  return ec2Error('InvalidParameterValue', `Network interface '${eniId}' is currently in use.`);
}

// ---- filters and tags ---------------------------------------------------------------------------------

/**
 * An unknown filter name: "The filter 'public-ip' is invalid", code InvalidParameterValue, as
 * DescribeInstances, DescribeInstanceStatus and DescribeClientVpnRoutes answer (boto/boto3#1299,
 * aws/aws-cli#7225, aws/aws-cli#4013). A few operations send the same text under code InvalidFilter
 * (DescribeVpcEndpointServices, mondoohq/mql#4454); pass that code for them.
 */
export function invalidFilter(filterName: string, code: 'InvalidParameterValue' | 'InvalidFilter' = 'InvalidParameterValue'): AwsError {
  return ec2Error(code, `The filter '${filterName}' is invalid`);
}

/** "The maximum length for a filter value is 255 characters" (ansible-collections/amazon.aws#2393). */
export function filterValueTooLong(): AwsError {
  return ec2Error('FilterLimitExceeded', 'The maximum length for a filter value is 255 characters');
}

/**
 * CreateTags on something that is not a resource id: "The ID 'x' is not valid"
 * (kubernetes/cloud-provider-aws#1387, pulumi/pulumi-aws#502).
 */
export function invalidId(resourceId: string): AwsError {
  return ec2Error('InvalidID', `The ID '${resourceId}' is not valid`);
}

/** Unverified text: moto's; the code is on AWS's error page (50 user tags per resource). */
export function tagLimitExceeded(): AwsError {
  return ec2Error('TagLimitExceeded', 'The maximum number of Tags for a resource has been reached.');
}

/** An empty key or one starting with "aws:". Unverified text: the error page's description of the code. */
export function invalidTagKeyMalformed(): AwsError {
  return ec2Error('InvalidTagKey.Malformed', 'Tag keys cannot be empty or null, and cannot start with aws:.');
}
