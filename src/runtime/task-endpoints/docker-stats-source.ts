// Container stats for the Docker driver: the engine's own stats JSON (GET /containers/{id}/stats with
// stream=false, where the engine samples twice and fills precpu_stats itself), named as the metadata
// endpoint names the container. The engine's container names are Berth's runtime ids.
import { DockerEngineError, type DockerEngine } from '../drivers/docker/engine-client.ts';
import type { ContainerStatsSource, StatsTarget } from './port.ts';
import type { DockerStats } from './stats-json.ts';

/** The engine takes about a second for a stats answer (two samples); this bounds a stuck one. */
const STATS_TIMEOUT_MS = 10_000;

export class DockerStatsSource implements ContainerStatsSource {
  readonly #engine: Pick<DockerEngine, 'json'>;

  constructor(engine: Pick<DockerEngine, 'json'>) {
    this.#engine = engine;
  }

  async stats(target: StatsTarget): Promise<DockerStats | undefined> {
    if (!(await this.#running(target))) return undefined;
    const stats = await this.#engine.json<DockerStats>('GET', `/containers/${encodeURIComponent(target.runtimeId)}/stats`, {
      query: { stream: false }, timeoutMs: STATS_TIMEOUT_MS,
    }).catch(notFound);
    if (!stats) return undefined;
    // The engine writes its own name ("/bth-…") and 64-hex id; the endpoint names containers as ECS does.
    return { ...stats, name: target.name, id: target.runtimeId };
  }

  async startedAt(target: StatsTarget): Promise<Date | undefined> {
    const state = await this.#running(target);
    const started = state?.StartedAt ? new Date(state.StartedAt) : undefined;
    return started && !Number.isNaN(started.getTime()) ? started : undefined;
  }

  async #running(target: StatsTarget): Promise<{ StartedAt?: string } | undefined> {
    const inspect = await this.#engine.json<{ State?: { Running?: boolean; StartedAt?: string } }>(
      'GET', `/containers/${encodeURIComponent(target.runtimeId)}/json`).catch(notFound);
    return inspect?.State?.Running ? inspect.State : undefined;
  }
}

function notFound(error: unknown): undefined {
  if (error instanceof DockerEngineError && error.statusCode === 404) return undefined;
  throw error;
}
