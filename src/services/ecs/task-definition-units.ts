// Task-level cpu and memory as RegisterTaskDefinition accepts them ("1 vCPU", "2GB", "512") → CPU units and MiB.
//
// AWS (RegisterTaskDefinition, `cpu`): "can be expressed as an integer using CPU units (for
// example, 1024) or as a string using vCPUs (for example, 1 vCPU or 1 vcpu) ... converted to an
// integer indicating the CPU units when the task definition is registered."
// `memory`: "can be expressed as an integer using MiB (for example, 1024) or as a string using
// GB (for example, 1GB or 1 GB) ... converted to an integer indicating the MiB". One vCPU is
// 1024 units and one GB is 1024 MiB in these conversions (the Fargate table pairs 1 vCPU with
// 1024 and 2 GB with 2048). DescribeTaskDefinition returns the converted integers as strings.

import { ClientException } from './errors.ts';

const CPU_FORM = /^\s*(\d+(?:\.\d+)?)\s*(vcpus?)?\s*$/i;
const MEMORY_FORM = /^\s*(\d+(?:\.\d+)?)\s*(gb|mb|mib)?\s*$/i;

/**
 * The text AWS returns for a task `cpu` it can't use. Verified wording (seen in Terraform and
 * Waypoint reports of RegisterTaskDefinition failures); which values trigger it is not documented.
 */
export const INVALID_TASK_CPU_MESSAGE =
  "Invalid 'cpu' setting for task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.";

/** Not verified: AWS's text for an unparseable task `memory`, written to mirror the verified cpu message. */
export const INVALID_TASK_MEMORY_MESSAGE =
  "Invalid 'memory' setting for task. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.";

/** `1 vCPU` → 1024, `0.25 vcpu` → 256, `512` → 512; undefined when the text is not one of those forms or not a whole unit count. */
export function parseTaskCpu(text: string): number | undefined {
  const m = CPU_FORM.exec(text);
  if (!m?.[1]) return undefined;
  const value = Number(m[1]);
  const units = m[2] ? value * 1024 : value;
  return Number.isSafeInteger(units) ? units : undefined;
}

/** `2GB` → 2048, `1 GB` → 1024, `0.5GB` → 512, `512` → 512; undefined when the text is not one of those forms or not a whole MiB count. */
export function parseTaskMemory(text: string): number | undefined {
  const m = MEMORY_FORM.exec(text);
  if (!m?.[1]) return undefined;
  const value = Number(m[1]);
  const unit = m[2]?.toLowerCase();
  const mib = unit === 'gb' ? value * 1024 : value;
  return Number.isSafeInteger(mib) ? mib : undefined;
}

/** Parses task cpu or throws ClientException with AWS's invalid-cpu text. `undefined` in, `undefined` out. */
export function taskCpuUnits(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const units = parseTaskCpu(text);
  if (units === undefined || units <= 0) throw new ClientException(INVALID_TASK_CPU_MESSAGE);
  return units;
}

/** Parses task memory or throws ClientException (message not verified). `undefined` in, `undefined` out. */
export function taskMemoryMiB(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const mib = parseTaskMemory(text);
  if (mib === undefined || mib <= 0) throw new ClientException(INVALID_TASK_MEMORY_MESSAGE);
  return mib;
}
