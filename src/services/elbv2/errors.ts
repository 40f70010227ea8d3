// ELBv2's client-visible errors: one AwsError subclass per error shape of the ELBv2 model that Berth raises.
//
// ELBv2 is an awsQuery service, so the wire code is not the shape name: each shape in the model
// (src/aws/models/data/elbv2.json) carries `error: {code, httpStatusCode, senderFault}` — every one is a
// 400 sender fault, LoadBalancerNotFound included — and errors.test.ts checks every class against it.
import { AwsError } from '../../aws/errors.ts';

/** The wire code each shape below carries in the model. */
abstract class Elbv2Error extends AwsError {
  constructor(code: string, message: string) {
    super({ code, httpStatus: 400, senderFault: true, message });
  }
}

export class LoadBalancerNotFoundException extends Elbv2Error {
  constructor(message = 'One or more load balancers not found') { super('LoadBalancerNotFound', message); }
}
export class TargetGroupNotFoundException extends Elbv2Error {
  constructor(message = 'One or more target groups not found') { super('TargetGroupNotFound', message); }
}
export class ListenerNotFoundException extends Elbv2Error {
  constructor(message = 'One or more listeners not found') { super('ListenerNotFound', message); }
}
export class RuleNotFoundException extends Elbv2Error {
  constructor(message = 'One or more rules not found') { super('RuleNotFound', message); }
}
export class DuplicateLoadBalancerNameException extends Elbv2Error {
  constructor(message: string) { super('DuplicateLoadBalancerName', message); }
}
export class DuplicateTargetGroupNameException extends Elbv2Error {
  constructor(message: string) { super('DuplicateTargetGroupName', message); }
}
export class DuplicateListenerException extends Elbv2Error {
  constructor(message: string) { super('DuplicateListener', message); }
}
export class DuplicateTagKeysException extends Elbv2Error {
  constructor(message: string) { super('DuplicateTagKeys', message); }
}
export class PriorityInUseException extends Elbv2Error {
  constructor(message: string) { super('PriorityInUse', message); }
}
export class ResourceInUseException extends Elbv2Error {
  constructor(message: string) { super('ResourceInUse', message); }
}
export class TargetGroupAssociationLimitException extends Elbv2Error {
  constructor(message: string) { super('TargetGroupAssociationLimit', message); }
}
export class InvalidConfigurationRequestException extends Elbv2Error {
  constructor(message: string) { super('InvalidConfigurationRequest', message); }
}
export class InvalidLoadBalancerActionException extends Elbv2Error {
  constructor(message: string) { super('InvalidLoadBalancerAction', message); }
}
export class InvalidTargetException extends Elbv2Error {
  constructor(message: string) { super('InvalidTarget', message); }
}
export class InvalidSubnetException extends Elbv2Error {
  constructor(message: string) { super('InvalidSubnet', message); }
}
export class InvalidSecurityGroupException extends Elbv2Error {
  constructor(message: string) { super('InvalidSecurityGroup', message); }
}
export class SubnetNotFoundException extends Elbv2Error {
  constructor(message: string) { super('SubnetNotFound', message); }
}
export class OperationNotPermittedException extends Elbv2Error {
  constructor(message: string) { super('OperationNotPermitted', message); }
}
export class IncompatibleProtocolsException extends Elbv2Error {
  constructor(message: string) { super('IncompatibleProtocols', message); }
}
export class UnsupportedProtocolException extends Elbv2Error {
  constructor(message: string) { super('UnsupportedProtocol', message); }
}
export class SSLPolicyNotFoundException extends Elbv2Error {
  constructor(message: string) { super('SSLPolicyNotFound', message); }
}
export class CertificateNotFoundException extends Elbv2Error {
  constructor(message: string) { super('CertificateNotFound', message); }
}
export class TooManyLoadBalancersException extends Elbv2Error {
  constructor(message: string) { super('TooManyLoadBalancers', message); }
}
export class TooManyTargetGroupsException extends Elbv2Error {
  constructor(message: string) { super('TooManyTargetGroups', message); }
}
export class TooManyListenersException extends Elbv2Error {
  constructor(message: string) { super('TooManyListeners', message); }
}
export class TooManyRulesException extends Elbv2Error {
  constructor(message: string) { super('TooManyRules', message); }
}
export class TooManyTargetsException extends Elbv2Error {
  constructor(message: string) { super('TooManyTargets', message); }
}
export class TooManyTagsException extends Elbv2Error {
  constructor(message: string) { super('TooManyTags', message); }
}
export class TooManyActionsException extends Elbv2Error {
  constructor(message: string) { super('TooManyActions', message); }
}
export class TooManyCertificatesException extends Elbv2Error {
  constructor(message: string) { super('TooManyCertificates', message); }
}

/**
 * ValidationError, 400: what the Query protocol answers when an input breaks a constraint, and what
 * ELBv2 answers for most invalid settings ("At least two subnets in two different Availability Zones
 * must be specified"). It is not an error shape of the model.
 */
export class ValidationError extends AwsError {
  constructor(message: string) {
    super({ code: 'ValidationError', httpStatus: 400, senderFault: true, message });
  }
}

/** Every class above that stands for a model error shape, by shape name (errors.test.ts checks them). */
export const ELBV2_ERROR_SHAPES = {
  LoadBalancerNotFoundException, TargetGroupNotFoundException, ListenerNotFoundException, RuleNotFoundException,
  DuplicateLoadBalancerNameException, DuplicateTargetGroupNameException, DuplicateListenerException, DuplicateTagKeysException,
  PriorityInUseException, ResourceInUseException, TargetGroupAssociationLimitException, InvalidConfigurationRequestException,
  InvalidLoadBalancerActionException, InvalidTargetException, InvalidSubnetException, InvalidSecurityGroupException,
  SubnetNotFoundException, OperationNotPermittedException, IncompatibleProtocolsException, UnsupportedProtocolException,
  SSLPolicyNotFoundException, CertificateNotFoundException, TooManyLoadBalancersException, TooManyTargetGroupsException,
  TooManyListenersException, TooManyRulesException, TooManyTargetsException, TooManyTagsException, TooManyActionsException,
  TooManyCertificatesException,
} as const;
