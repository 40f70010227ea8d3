// Container dependencies (ContainerDefinition.dependsOn) as the ECS agent resolves them: which
// containers may start now, which never can, and the order they stop in. Pure: from the definitions,
// what the runner observed of each container, and the time.
//
// The agent's rules (amazon-ecs-agent dependencygraph/graph.go, ecs-behaviour.md §5):
// - START: the dependency has started (also when it has already exited).
// - COMPLETE: it has exited, with any code. SUCCESS: it has exited with 0; a non-zero exit can never
//   satisfy it ("terminal dependency error": the dependent is not started, and its reason says why;
//   amazon-ecs-agent#3218).
// - HEALTHY: its health check reports HEALTHY. The dependency must have a healthCheck (the agent's
//   containerOrderingDependenciesCanResolve needs HealthStatusShouldBeReported), else it never can.
// - startTimeout on the dependency (hasDependencyTimedOut): for SUCCESS, COMPLETE and HEALTHY only, once
//   the dependency has started and while it has not stopped, counted from the dependency's own start;
//   past it, the dependent gives up.
// - Shutdown runs in reverse: a container stops only after the containers that depend on it.
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import type { ObservedContainer } from './model.ts';

export interface DependencyState {
  /** Containers that may start now (every dependency satisfied), in definition order. */
  ready: string[];
  /** Containers that can never start, with the reason the agent would give. */
  blocked: { name: string; reason: string }[];
}

/** `containers` holds what has started (and exited); `blocked` what was already found unstartable. */
export function resolveDependencies(definitions: readonly ContainerDefinition[], containers: Readonly<Record<string, ObservedContainer>>,
  waitingSince: Date, now: Date): DependencyState {
  const byName = new Map(definitions.map((d) => [d.name ?? '', d]));
  const state: DependencyState = { ready: [], blocked: [] };
  for (const definition of definitions) {
    const name = definition.name ?? '';
    if (containers[name]) continue;
    let waiting = false;
    let reason: string | undefined;
    for (const { containerName = '', condition = 'START' } of definition.dependsOn ?? []) {
      const dependency = containers[containerName];
      const dependencyDefinition = byName.get(containerName);
      const verdict = judge(condition, dependency, dependencyDefinition);
      if (verdict === 'met') continue;
      if (verdict === 'never') {
        reason = unresolvable(containerName, dependencyDefinition, dependency, name, definition, condition);
        break;
      }
      if (timedOut(condition, dependency, dependencyDefinition, waitingSince, now)) {
        // The agent's words (graph.go verifyContainerOrderingStatusResolvable).
        reason = `CannotStartContainerError: dependency graph: container ordering dependency [${describeContainer(containerName, dependencyDefinition, dependency)}] `
          + `for target [${name}(${definition.image ?? ''}) (NONE->RUNNING)] has timed out.`;
        break;
      }
      waiting = true;
    }
    if (reason !== undefined) state.blocked.push({ name, reason });
    else if (!waiting) state.ready.push(name);
  }
  return state;
}

function judge(condition: string, dependency: ObservedContainer | undefined, dependencyDefinition: ContainerDefinition | undefined): 'met' | 'wait' | 'never' {
  if (dependency?.never) return 'never';
  if (condition === 'HEALTHY' && !dependencyDefinition?.healthCheck) return 'never';
  if (!dependency) return 'wait';
  switch (condition) {
    case 'START': return 'met';
    case 'COMPLETE': return dependency.exit ? 'met' : 'wait';
    case 'SUCCESS':
      if (!dependency.exit) return 'wait';
      return dependency.exit.exitCode === 0 ? 'met' : 'never';
    case 'HEALTHY':
      if (dependency.health === 'HEALTHY') return 'met';
      // Stopped without having been healthy: its health check has stopped with it. (The agent would wait for
      // ever here; Berth gives the dependent up rather than leave the task ACTIVATING.)
      return dependency.exit ? 'never' : 'wait';
    default: return 'never';
  }
}

/** hasDependencyTimedOut: SUCCESS, COMPLETE and HEALTHY, a dependency that started and has not stopped, past its startTimeout. */
function timedOut(condition: string, dependency: ObservedContainer | undefined, dependencyDefinition: ContainerDefinition | undefined,
  waitingSince: Date, now: Date): boolean {
  const timeout = dependencyDefinition?.startTimeout;
  if (timeout === undefined || timeout <= 0 || !dependency || dependency.exit) return false;
  if (condition !== 'SUCCESS' && condition !== 'COMPLETE' && condition !== 'HEALTHY') return false;
  // A container re-attached after a restart has no start time here: the task's start of its containers stands in.
  const since = dependency.startedAt ?? waitingSince;
  return now.getTime() - since.getTime() >= timeout * 1000;
}

/** The agent's container String(): `name(image) (KNOWN->DESIRED)`, desired being RUNNING while a task starts. */
function describeContainer(name: string, definition: ContainerDefinition | undefined, observed: ObservedContainer | undefined): string {
  const status = observed?.exit ? 'STOPPED' : observed && !observed.never ? 'RUNNING' : 'NONE';
  return `${name}(${definition?.image ?? ''}) (${status}->RUNNING)`;
}

/** The agent's text for a terminal dependency error (amazon-ecs-agent#3218), or Berth's for HEALTHY. */
function unresolvable(dependencyName: string, dependencyDefinition: ContainerDefinition | undefined, dependency: ObservedContainer | undefined,
  name: string, definition: ContainerDefinition, condition: string): string {
  const target = `for target [${name}(${definition.image ?? ''}) (NONE->RUNNING)]`;
  if (condition === 'HEALTHY' && !dependency?.never) {
    // Not verified: the agent refuses such a task as unresolvable (ValidDependencies) without a per-container text.
    const why = dependencyDefinition?.healthCheck ? 'as dependency stopped before it became healthy' : 'as dependency has no health check';
    return `CannotStartContainerError: dependency graph: failed to resolve container ordering dependency [${describeContainer(dependencyName, dependencyDefinition, dependency)}] ${target} ${why}.`;
  }
  const status = dependency?.exit ? 'STOPPED' : 'NONE';
  const exit = dependency?.exit?.exitCode !== undefined ? ` - Exit: ${dependency.exit.exitCode}` : '';
  const why = dependency?.never ? 'as dependency will never start' : 'as dependency did not exit successfully';
  return `CannotStartContainerError: dependency graph: failed to resolve container ordering dependency [${dependencyName}(${dependencyDefinition?.image ?? ''}) (${status}->RUNNING)${exit}] `
    + `${target} ${why}.`;
}

/**
 * The order containers stop in: waves, each a set that may stop together, dependents before what they
 * depend on. Cycles cannot occur (RegisterTaskDefinition refuses them), but a wave that finds nothing
 * free takes everything left rather than loop.
 */
export function stopWaves(definitions: readonly ContainerDefinition[], names: readonly string[]): string[][] {
  const left = new Set(names);
  const waves: string[][] = [];
  while (left.size > 0) {
    const neededBy = new Set<string>();
    for (const definition of definitions) {
      if (!left.has(definition.name ?? '')) continue;
      for (const dependency of definition.dependsOn ?? []) if (dependency.containerName !== definition.name) neededBy.add(dependency.containerName ?? '');
    }
    let wave = [...left].filter((name) => !neededBy.has(name));
    if (wave.length === 0) wave = [...left];
    for (const name of wave) left.delete(name);
    waves.push(wave);
  }
  return waves;
}
