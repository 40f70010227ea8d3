// CreateService and UpdateService input checks that need no store, and the defaults ECS fills in:
// names, deployment configuration and controller, scheduling strategy, grace period, features Berth
// does not serve. Every refusal is ECS's InvalidParameterException with AWS's text where it is known.
import type { DeploymentConfiguration, DeploymentController, SchedulingStrategy, ServiceConnectConfiguration } from '@aws-sdk/client-ecs';
import { InvalidParameterException } from './errors.ts';

/** CreateService serviceName: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed." */
const SERVICE_NAME = /^[a-zA-Z0-9_-]{1,255}$/;

/** Verified (public Terraform and CDK reports): a grace period on a service without load balancers. */
export const GRACE_PERIOD_WITHOUT_LB_MESSAGE = 'Health check grace period is only valid for services configured to use load balancers';

/** Verified (moto and several reports): DeleteService without force on a service whose desiredCount is above 0. */
export const DELETE_SCALED_SERVICE_MESSAGE = 'The service cannot be stopped while it is scaled above 0.';

/** Verified (Terraform and SDK reports): CreateService on a name that is already an ACTIVE or DRAINING service. */
export const NOT_IDEMPOTENT_MESSAGE = 'Creation of service was not idempotent.';

/** healthCheckGracePeriodSeconds: "between 0 and 2,147,483,647 seconds" (API reference). */
const MAX_GRACE_PERIOD = 2_147_483_647;

export function assertServiceName(name: string): void {
  if (!SERVICE_NAME.test(name)) {
    // Not verified: the text, in the form ECS uses for clusters ("Cluster must match …").
    throw new InvalidParameterException(`Service name must match ^[a-zA-Z0-9\\-_]{1,255}$, but was ${name}`);
  }
}

export function assertDesiredCount(count: number): void {
  if (!Number.isInteger(count) || count < 0) {
    // Not verified: Berth's text; ECS refuses a negative desiredCount with InvalidParameterException.
    throw new InvalidParameterException('desiredCount must be a non-negative integer.');
  }
}

/** REPLICA only: Fargate runs no container instances, so the DAEMON strategy has nothing to place on. */
export function assertSchedulingStrategy(strategy: SchedulingStrategy | undefined): void {
  if (strategy === 'DAEMON') {
    // The API reference: "Tasks using the Fargate launch type … don't support the DAEMON scheduling strategy." Not verified: the text.
    throw new InvalidParameterException('The DAEMON scheduling strategy is not supported by the FARGATE launch type: Fargate tasks do not support the DAEMON scheduling strategy.');
  }
}

/** Only the rolling-update controller: CODE_DEPLOY and EXTERNAL drive task sets, which Berth does not serve. */
export function assertDeploymentController(controller: DeploymentController | undefined): void {
  if (controller?.type !== undefined && controller.type !== 'ECS') {
    throw new InvalidParameterException(
      `The ${controller.type} deployment controller is not supported by Berth: it supports the ECS (rolling update) deployment controller only. See LIMITATIONS.md.`);
  }
}

export function assertGracePeriod(seconds: number | undefined, loadBalancerCount: number): void {
  if (seconds === undefined) return;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_GRACE_PERIOD) {
    // Not verified: Berth's text for the documented range.
    throw new InvalidParameterException(`healthCheckGracePeriodSeconds must be between 0 and ${MAX_GRACE_PERIOD}.`);
  }
  if (loadBalancerCount === 0 && seconds > 0) throw new InvalidParameterException(GRACE_PERIOD_WITHOUT_LB_MESSAGE);
}

/**
 * The deployment configuration with ECS's REPLICA defaults filled in (maximumPercent 200,
 * minimumHealthyPercent 100, circuit breaker off, ROLLING), merged over `current` for UpdateService.
 */
export function deploymentConfiguration(given: DeploymentConfiguration | undefined, current?: DeploymentConfiguration): DeploymentConfiguration {
  const base: DeploymentConfiguration = current ?? {
    deploymentCircuitBreaker: { enable: false, rollback: false },
    maximumPercent: 200,
    minimumHealthyPercent: 100,
    strategy: 'ROLLING',
  };
  const merged: DeploymentConfiguration = { ...base, ...stripUndefined(given ?? {}) };
  if (merged.strategy !== undefined && merged.strategy !== 'ROLLING') {
    throw new InvalidParameterException(`The ${merged.strategy} deployment strategy is not supported by Berth: it supports ROLLING deployments only. See LIMITATIONS.md.`);
  }
  const min = merged.minimumHealthyPercent ?? 100;
  const max = merged.maximumPercent ?? 200;
  // Not verified: Berth's texts for the documented ranges.
  if (!Number.isInteger(min) || min < 0 || min > 100) throw new InvalidParameterException('minimumHealthyPercent must be between 0 and 100.');
  if (!Number.isInteger(max) || max < 100) throw new InvalidParameterException('maximumPercent must be at least 100 for a REPLICA service.');
  return merged;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Features of the request Berth does not run: refused rather than silently ignored. */
export function assertServedFeatures(input: {
  serviceRegistries?: unknown[] | undefined;
  volumeConfigurations?: unknown[] | undefined;
  vpcLatticeConfigurations?: unknown[] | undefined;
}): void {
  const unserved: [string, unknown[] | undefined][] = [
    ['serviceRegistries (AWS Cloud Map)', input.serviceRegistries],
    ['volumeConfigurations (Amazon EBS volumes)', input.volumeConfigurations],
    ['vpcLatticeConfigurations (VPC Lattice)', input.vpcLatticeConfigurations],
  ];
  for (const [name, value] of unserved) {
    if (value !== undefined && value.length > 0) {
      throw new InvalidParameterException(`${name} is not supported by Berth yet. See LIMITATIONS.md.`);
    }
  }
}

/** The Service Connect namespace a configuration names, when it is enabled. */
export function serviceConnectNamespace(configuration: ServiceConnectConfiguration | undefined): string | undefined {
  if (!configuration?.enabled) return undefined;
  return configuration.namespace;
}
