// ECS's client-visible errors: one AwsError subclass per exception shape in the ECS model.
//
// ECS speaks awsJson1_1 and its model (botocore data/ecs/2014-11-13/service-2.json) gives no
// `error` trait to any shape, so the wire code is the shape name and the status is the
// protocol's default: 400 for every shape, except ServerException, which the model marks
// `fault: true` (the service's side, 500). errors.test.ts checks every class against the model.

import { AwsError } from '../../aws/errors.ts';

/** The common case: a 400, the caller's fault, coded by the shape name. */
abstract class EcsClientError extends AwsError {
  constructor(code: string, message: string) {
    super({ code, httpStatus: 400, senderFault: true, message });
  }
}

/** The request is wrong for a reason the service explains in the message (RegisterTaskDefinition's rules, bad references). */
export class ClientException extends EcsClientError {
  constructor(message: string) {
    super('ClientException', message);
  }
}

/** A parameter has a value the operation cannot accept (e.g. `Invalid revision number. Number: latest`). */
export class InvalidParameterException extends EcsClientError {
  constructor(message: string) {
    super('InvalidParameterException', message);
  }
}

/** ECS's own failure (the model: "usually caused by a server issue"), marked `fault: true`. */
export class ServerException extends AwsError {
  constructor(message: string) {
    super({ code: 'ServerException', httpStatus: 500, senderFault: false, message });
  }
}

/** The named cluster doesn't exist. AWS's text is always `Cluster not found.` */
export class ClusterNotFoundException extends EcsClientError {
  constructor(message = 'Cluster not found.') {
    super('ClusterNotFoundException', message);
  }
}

/** DeleteCluster on a cluster that still has active services. */
export class ClusterContainsServicesException extends EcsClientError {
  constructor(message: string) {
    super('ClusterContainsServicesException', message);
  }
}

/** DeleteCluster on a cluster that still has tasks. */
export class ClusterContainsTasksException extends EcsClientError {
  constructor(message: string) {
    super('ClusterContainsTasksException', message);
  }
}

/** DeleteCluster on a cluster that still has registered container instances. */
export class ClusterContainsContainerInstancesException extends EcsClientError {
  constructor(message: string) {
    super('ClusterContainsContainerInstancesException', message);
  }
}

/** DeleteCluster on a cluster that still has capacity providers associated. */
export class ClusterContainsCapacityProviderException extends EcsClientError {
  constructor(message: string) {
    super('ClusterContainsCapacityProviderException', message);
  }
}

/** The named resource (capacity provider, deployment, tag target ...) doesn't exist. */
export class ResourceNotFoundException extends EcsClientError {
  constructor(message: string) {
    super('ResourceNotFoundException', message);
  }
}

/** The resource is in use and can't be removed or changed now. */
export class ResourceInUseException extends EcsClientError {
  constructor(message: string) {
    super('ResourceInUseException', message);
  }
}

/** An agent update is already in progress on the container instance. */
export class UpdateInProgressException extends EcsClientError {
  constructor(message: string) {
    super('UpdateInProgressException', message);
  }
}

/** A service quota is reached. */
export class LimitExceededException extends EcsClientError {
  constructor(message: string) {
    super('LimitExceededException', message);
  }
}

/** The caller may not perform the action. */
export class AccessDeniedException extends EcsClientError {
  constructor(message: string) {
    super('AccessDeniedException', message);
  }
}

/** The feature isn't available in this Region (or in Berth: see the service's LIMITATIONS). */
export class UnsupportedFeatureException extends EcsClientError {
  constructor(message: string) {
    super('UnsupportedFeatureException', message);
  }
}

/** The named service doesn't exist in the cluster. AWS's text is `Service not found.` */
export class ServiceNotFoundException extends EcsClientError {
  constructor(message = 'Service not found.') {
    super('ServiceNotFoundException', message);
  }
}

/** The service exists but is DRAINING or INACTIVE. AWS's text is `Service was not ACTIVE.` */
export class ServiceNotActiveException extends EcsClientError {
  constructor(message = 'Service was not ACTIVE.') {
    super('ServiceNotActiveException', message);
  }
}

/** PutAttributes/DeleteAttributes on a target that doesn't exist. */
export class TargetNotFoundException extends EcsClientError {
  constructor(message: string) {
    super('TargetNotFoundException', message);
  }
}

/** ExecuteCommand on a container whose agent isn't connected. */
export class TargetNotConnectedException extends EcsClientError {
  constructor(message: string) {
    super('TargetNotConnectedException', message);
  }
}

/** The named Fargate platform version doesn't exist. */
export class PlatformUnknownException extends EcsClientError {
  constructor(message: string) {
    super('PlatformUnknownException', message);
  }
}

/** The platform version can't run the task definition (it lacks a capability the definition needs). */
export class PlatformTaskDefinitionIncompatibilityException extends EcsClientError {
  constructor(message: string) {
    super('PlatformTaskDefinitionIncompatibilityException', message);
  }
}

/** The Cloud Map namespace named by a cluster or service doesn't exist. */
export class NamespaceNotFoundException extends EcsClientError {
  constructor(message: string) {
    super('NamespaceNotFoundException', message);
  }
}

/** PutAttributes beyond the 10-custom-attributes-per-resource limit. */
export class AttributeLimitExceededException extends EcsClientError {
  constructor(message: string) {
    super('AttributeLimitExceededException', message);
  }
}

/** The account is blocked (AWS: pending payment verification and similar). */
export class BlockedException extends EcsClientError {
  constructor(message: string) {
    super('BlockedException', message);
  }
}

/** The request conflicts with the current state of a resource. */
export class ConflictException extends EcsClientError {
  constructor(message: string) {
    super('ConflictException', message);
  }
}

/** The daemon isn't ACTIVE. */
export class DaemonNotActiveException extends EcsClientError {
  constructor(message: string) {
    super('DaemonNotActiveException', message);
  }
}

/** The named daemon doesn't exist. */
export class DaemonNotFoundException extends EcsClientError {
  constructor(message: string) {
    super('DaemonNotFoundException', message);
  }
}

/** UpdateContainerAgent on an instance whose agent version ECS can't determine. */
export class MissingVersionException extends EcsClientError {
  constructor(message: string) {
    super('MissingVersionException', message);
  }
}

/** UpdateContainerAgent when the agent is already the newest. */
export class NoUpdateAvailableException extends EcsClientError {
  constructor(message: string) {
    super('NoUpdateAvailableException', message);
  }
}

/** The named service deployment doesn't exist. */
export class ServiceDeploymentNotFoundException extends EcsClientError {
  constructor(message: string) {
    super('ServiceDeploymentNotFoundException', message);
  }
}

/** The named task set doesn't exist. */
export class TaskSetNotFoundException extends EcsClientError {
  constructor(message: string) {
    super('TaskSetNotFoundException', message);
  }
}

/** Every ECS error class, keyed by its exception shape's name in the ECS model. */
export const ECS_ERROR_SHAPES = {
  AccessDeniedException,
  AttributeLimitExceededException,
  BlockedException,
  ClientException,
  ClusterContainsCapacityProviderException,
  ClusterContainsContainerInstancesException,
  ClusterContainsServicesException,
  ClusterContainsTasksException,
  ClusterNotFoundException,
  ConflictException,
  DaemonNotActiveException,
  DaemonNotFoundException,
  InvalidParameterException,
  LimitExceededException,
  MissingVersionException,
  NamespaceNotFoundException,
  NoUpdateAvailableException,
  PlatformTaskDefinitionIncompatibilityException,
  PlatformUnknownException,
  ResourceInUseException,
  ResourceNotFoundException,
  ServerException,
  ServiceDeploymentNotFoundException,
  ServiceNotActiveException,
  ServiceNotFoundException,
  TargetNotConnectedException,
  TargetNotFoundException,
  TaskSetNotFoundException,
  UnsupportedFeatureException,
  UpdateInProgressException,
} as const;
