// EC2 errors the operations need beyond errors.ts: DryRun, the absent default VPC, pagination tokens,
// tag specifications, parameters Berth does not serve, and the model-validation hook's wording.
import { AwsError, clientError } from '../../aws/errors.ts';
import { describeViolations, type Violation } from '../../aws/models/validate.ts';
import { invalidParameterValue, missingParameter } from './errors.ts';

/**
 * What EC2 answers a request with DryRun=true that would have succeeded: HTTP 412, code DryRunOperation,
 * "Request would have succeeded, but DryRun flag is set." (a real response is quoted in getmoto/moto#1980).
 */
export function dryRunOperation(): AwsError {
  return clientError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
}

/**
 * A request that falls back on the default VPC when the region has none (it was deleted): "No default VPC
 * for this user" from CreateSecurityGroup (gruntwork-io/infrastructure-as-code-training#1) and
 * DescribeSecurityGroups by GroupName (ThreatResponse/aws_ir_plugins#10).
 */
export function vpcIdNotSpecified(): AwsError {
  return clientError('VPCIdNotSpecified', 'No default VPC for this user');
}

/** "Value (x) for parameter NextToken is invalid. The token is invalid." (DescribeVpcs, boto/boto3#2673). */
export function invalidNextToken(token: string): AwsError {
  return invalidParameterValue(`Value (${token}) for parameter NextToken is invalid. The token is invalid.`);
}

/** "'x' is not a valid taggable resource type for this operation." code InvalidParameter (jonrau1/SyntheticSun#13). */
export function invalidTaggableResourceType(resourceType: string): AwsError {
  return clientError('InvalidParameter', `'${resourceType}' is not a valid taggable resource type for this operation.`);
}

/** A TagSpecification without ResourceType: "The resource type cannot be null or empty." (awsdocs/aws-cloudformation-user-guide#634). */
export function tagSpecificationWithoutResourceType(): AwsError {
  return clientError('InvalidTagSpecification.Malformed', 'The resource type cannot be null or empty.');
}

/**
 * A parameter AWS accepts whose feature Berth does not have (IPv6 blocks, IPAM pools, Outposts): a
 * clear 501, as for an operation Berth does not serve, rather than a silently different resource.
 */
export function unsupportedParameter(operation: string, parameter: string): AwsError {
  return new AwsError({
    code: 'NotImplemented',
    httpStatus: 501,
    senderFault: false,
    message: `Berth does not implement ${parameter} on ec2:${operation} yet (see the service's LIMITATIONS file).`,
  });
}

/** DescribeAvailabilityZones naming a zone the region lacks. Unverified text, in AWS's "does not exist" style. */
export function zoneDoesNotExist(zone: string): AwsError {
  return invalidParameterValue(`The zone '${zone}' does not exist.`);
}

/** DescribeRegions naming a region Berth does not know. Unverified text, in AWS's "does not exist" style. */
export function regionDoesNotExist(region: string): AwsError {
  return invalidParameterValue(`Invalid region: ${region}`);
}

/**
 * EC2's answer to input that breaks the model: a required member that is absent is MissingParameter "The
 * request must contain the parameter X" (errors.ts), named by its lower-camel path as AWS's message for
 * AuthorizeSecurityGroupIngress names `groupId`; every other constraint is InvalidParameterValue with the
 * generic validation text. Served as the AwsService `invalidInput` hook.
 */
export function ec2InvalidInput(violations: readonly Violation[]): AwsError {
  const [first] = violations;
  if (first && first.constraint === 'Member must not be null' && !first.path.includes('.')) return missingParameter(first.path);
  return invalidParameterValue(describeViolations([...violations]));
}

/** CreateDefaultVpc while one exists: "A Default VPC already exists for this account in this region." (quoted in AWS CLI users' READMEs). */
export function defaultVpcAlreadyExists(): AwsError {
  return clientError('DefaultVpcAlreadyExists', 'A Default VPC already exists for this account in this region.');
}

/**
 * A security group used with a VPC it is not in (a rule naming another VPC's group, an interface given
 * another VPC's group): InvalidGroup.NotFound "You have specified two resources that belong to different
 * networks." (quoted by many users, e.g. with Terraform's aws_instance and the AWS load balancer controller).
 */
export function differentNetworks(): AwsError {
  return clientError('InvalidGroup.NotFound', 'You have specified two resources that belong to different networks.');
}
