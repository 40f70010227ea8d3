// Container dependencies (ContainerDefinition.dependsOn) as the ECS agent resolves them: which
// containers may start now, which never can, and the order they stop in. Pure: from the definitions,
// what the runner observed of each container, and the time.
//
// The agent's rules (amazon-ecs-agent dependencygraph/graph.go, ecs-behaviour.md §5):
// - START: the dependency has started (also when it has already exited).
// - COMPLETE: it has exited, with any code. SUCCESS: it has exited with 0; a non-zero exit can never
//   satisfy it ("terminal dependency error": the dependent is not started, and its reason says why;
//   amazon-ecs-agent#3218).
// - HEALTHY: it reports HEALTHY by its health check; Berth runs no health checks yet, so it never can.
// - startTimeout on the dependency: when it has not reached the condition that long after the task
//   began starting containers, the dependent gives up.
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
      const verdict = judge(condition, dependency);
      if (verdict === 'met') continue;
      if (verdict === 'never') {
        reason = unresolvable(containerName, byName.get(containerName), dependency, name, definition, condition);
        break;
      }
      const timeout = byName.get(containerName)?.startTimeout;
      if (timeout !== undefined && now.getTime() - waitingSince.getTime() >= timeout * 1000) {
        reason = `CannotStartContainerError: dependency graph: container ${containerName} did not reach ${condition} within its startTimeout of ${timeout} s, so ${name} was not started`;
        break;
      }
      waiting = true;
    }
    if (reason !== undefined) state.blocked.push({ name, reason });
    else if (!waiting) state.ready.push(name);
  }
  return state;
}

function judge(condition: string, dependency: ObservedContainer | undefined): 'met' | 'wait' | 'never' {
  if (dependency?.never) return 'never';
  if (condition === 'HEALTHY') return 'never';
  if (!dependency) return 'wait';
  switch (condition) {
    case 'START': return 'met';
    case 'COMPLETE': return dependency.exit ? 'met' : 'wait';
    case 'SUCCESS':
      if (!dependency.exit) return 'wait';
      return dependency.exit.exitCode === 0 ? 'met' : 'never';
    default: return 'never';
  }
}

/** The agent's text for a terminal dependency error (amazon-ecs-agent#3218), or Berth's for HEALTHY. */
function unresolvable(dependencyName: string, dependencyDefinition: ContainerDefinition | undefined, dependency: ObservedContainer | undefined,
  name: string, definition: ContainerDefinition, condition: string): string {
  if (condition === 'HEALTHY' && !dependency?.never) {
    return `CannotStartContainerError: dependency graph: container ${dependencyName} cannot become HEALTHY: Berth does not run container health checks yet, so ${name} was not started`;
  }
  const status = dependency?.exit ? 'STOPPED' : 'NONE';
  const exit = dependency?.exit?.exitCode !== undefined ? ` - Exit: ${dependency.exit.exitCode}` : '';
  const why = dependency?.never ? 'as dependency will never start' : 'as dependency did not exit successfully';
  return `CannotStartContainerError: dependency graph: failed to resolve container ordering dependency [${dependencyName}(${dependencyDefinition?.image ?? ''}) (${status}->RUNNING)${exit}] `
    + `for target [${name}(${definition.image ?? ''}) (NONE->RUNNING)] ${why}.`;
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
