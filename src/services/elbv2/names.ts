// The names ELBv2 accepts for load balancers and target groups: at most 32 characters, alphanumerics and
// hyphens, not beginning or ending with a hyphen (API reference, CreateLoadBalancer/CreateTargetGroup Name);
// a load balancer's may not begin with "internal-".
import { ValidationError } from './errors.ts';

const MAX_NAME = 32;

/** Not verified: the wording of these ValidationErrors (after moto's, which follows AWS's for target groups). */
export function checkLoadBalancerName(name: string): void {
  if (name.length > MAX_NAME) throw new ValidationError(`The load balancer name '${name}' cannot be longer than '${MAX_NAME}' characters`);
  if (!/^[a-zA-Z0-9-]+$/.test(name)) throw new ValidationError(`The load balancer name '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`);
  if (name.startsWith('-') || name.endsWith('-')) throw new ValidationError(`The load balancer name '${name}' cannot begin or end with a hyphen`);
  if (name.startsWith('internal-')) throw new ValidationError(`The load balancer name '${name}' cannot begin with 'internal-'`);
}

export function checkTargetGroupName(name: string): void {
  if (name.length > MAX_NAME) throw new ValidationError(`Target group name '${name}' cannot be longer than '${MAX_NAME}' characters`);
  if (!/^[a-zA-Z0-9-]+$/.test(name)) throw new ValidationError(`Target group name '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`);
  if (name.startsWith('-') || name.endsWith('-')) throw new ValidationError(`Target group name '${name}' cannot begin or end with '-'`);
}
