// The names Berth gives its kernel objects. Everything starts with `bth` so an operator (and Berth after a
// restart) can tell Berth's objects from the host's; the rest is derived from the AWS ids, so a name alone says
// which VPC or task an object belongs to.
import { MAX_INTERFACE_NAME_LENGTH } from '../platform/netlink.ts';

/** Every namespace and link Berth creates starts with this; nothing else is ever deleted. */
export const BERTH_PREFIX = 'bth';
const BRIDGE_PREFIX = 'bth-';
const NAMESPACE_PREFIX = 'bth-';
/** Host ends of task veths: `bthv` keeps them out of the `bth-*` pattern that names bridges. */
const VETH_PREFIX = 'bthv';

const VPC_ID = /^vpc-([0-9a-f]{8,17})$/;
/** ECS task ids are 32 lowercase hex digits; shorter lowercase alphanumerics are accepted for tests and tools. */
const TASK_ID = /^[0-9a-z]{11,64}$/;

/** The task's end of its veth, inside its namespace, as Fargate tasks see it. */
export const TASK_INTERFACE = 'eth0';

/**
 * `bth-` + the first 11 hex digits of the VPC id: 15 characters, the most an interface name may have. 44 bits
 * of a random id make a clash between two VPCs on one host vanishingly rare; the bridge's alias holds the whole
 * VPC id, and ensureVpc refuses a bridge whose alias names another VPC.
 */
export function bridgeName(vpcId: string): string {
  const match = VPC_ID.exec(vpcId);
  if (!match?.[1]) throw new RangeError(`not a VPC id: ${vpcId}`);
  return `${BRIDGE_PREFIX}${match[1].slice(0, MAX_INTERFACE_NAME_LENGTH - BRIDGE_PREFIX.length)}`;
}

/** `bth-<task id>`: namespace names are file names under /var/run/netns, so the whole id fits. */
export function namespaceName(taskId: string): string {
  requireTaskId(taskId);
  return `${NAMESPACE_PREFIX}${taskId}`;
}

/** The task id a `bth-…` namespace belongs to, or undefined for any other name. */
export function taskIdOfNamespace(name: string): string | undefined {
  if (!name.startsWith(NAMESPACE_PREFIX)) return undefined;
  const taskId = name.slice(NAMESPACE_PREFIX.length);
  return TASK_ID.test(taskId) ? taskId : undefined;
}

/** `bthv` + the task id's first 11 characters (15 in all); the link's alias holds the whole task id. */
export function hostVethName(taskId: string): string {
  requireTaskId(taskId);
  return `${VETH_PREFIX}${taskId.slice(0, MAX_INTERFACE_NAME_LENGTH - VETH_PREFIX.length)}`;
}

export function isBridgeName(name: string): boolean {
  return name.startsWith(BRIDGE_PREFIX);
}

export function isHostVethName(name: string): boolean {
  return name.startsWith(VETH_PREFIX);
}

/**
 * The bridge's own MAC, fixed from the VPC id. A Linux bridge without an explicitly set address takes the
 * lowest MAC among its ports and changes it as ports come and go (net/bridge/br_stp_if.c br_stp_recalculate_bridge_id),
 * which would invalidate every task's ARP entry for its gateway; an address set by hand stays (addr_assign_type
 * NET_ADDR_SET). 02 as the first octet: unicast, locally administered.
 */
export function bridgeMac(vpcId: string): string {
  const hex = (VPC_ID.exec(vpcId)?.[1] ?? '').padEnd(10, '0');
  return ['02', ...[0, 2, 4, 6, 8].map((at) => hex.slice(at, at + 2))].join(':');
}

function requireTaskId(taskId: string): void {
  if (!TASK_ID.test(taskId)) throw new RangeError(`not a task id: ${taskId}`);
}
