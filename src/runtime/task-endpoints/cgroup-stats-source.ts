// Container stats for the runc driver: samples read from each container's cgroup (cgroup-reader.ts) and
// turned into Docker's stats JSON, with the container's previous sample as precpu_stats. The previous
// samples live only in this object's memory, bounded: the oldest entries go first past `maxContainers`.
import type { Clock } from '../../platform/clock.ts';
import type { CgroupReader } from './cgroup-reader.ts';
import type { ContainerStatsSource, StatsTarget } from './port.ts';
import { dockerStats, type ContainerSample, type DockerStats } from './stats-json.ts';

export interface CgroupStatsSourceOptions {
  reader: Pick<CgroupReader, 'sample' | 'startedAt'>;
  clock: Clock;
  /** How many containers' previous samples are kept (default 4096). */
  maxContainers?: number;
}

const DEFAULT_MAX_CONTAINERS = 4096;

export class CgroupStatsSource implements ContainerStatsSource {
  readonly #reader: CgroupStatsSourceOptions['reader'];
  readonly #clock: Clock;
  readonly #max: number;
  /** runtimeId → its last sample; Map keeps insertion order, so the first key is the least recently read. */
  readonly #previous = new Map<string, ContainerSample>();

  constructor(options: CgroupStatsSourceOptions) {
    this.#reader = options.reader;
    this.#clock = options.clock;
    this.#max = options.maxContainers ?? DEFAULT_MAX_CONTAINERS;
  }

  async stats(target: StatsTarget): Promise<DockerStats | undefined> {
    const sample = await this.#reader.sample(target.taskId, target.runtimeId, this.#clock.now());
    if (!sample) {
      // Exited (or never started): a later container of the same id would not continue its counters.
      this.#previous.delete(target.runtimeId);
      return undefined;
    }
    const previous = this.#previous.get(target.runtimeId);
    this.#remember(target.runtimeId, sample);
    return dockerStats(sample, previous, { id: target.runtimeId, name: target.name });
  }

  async startedAt(target: StatsTarget): Promise<Date | undefined> {
    return this.#reader.startedAt(target.taskId, target.runtimeId);
  }

  #remember(runtimeId: string, sample: ContainerSample): void {
    this.#previous.delete(runtimeId);
    this.#previous.set(runtimeId, sample);
    while (this.#previous.size > this.#max) {
      const oldest = this.#previous.keys().next().value;
      if (oldest === undefined) break;
      this.#previous.delete(oldest);
    }
  }
}
