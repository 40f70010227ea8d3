// The metadata half of the endpoint's directory over the store: a metadata id starts with its task's id,
// so the task is one 'ecs.task' read per scope that holds tasks (task-scopes.ts), and the container is
// the one whose metadata id (metadata-id.ts) matches.
import type { Scope, Store } from '../../store/store.ts';
import { containerOfMetadataId, taskIdOfMetadataId } from './metadata-id.ts';
import type { MetadataTarget, TaskMetadataDirectory } from './port.ts';

export interface StoreMetadataDirectoryOptions {
  store: Store;
  /** The scopes that hold tasks (taskScopes in src/services/ecs/task-scopes.ts). */
  scopes(): Promise<Scope[]>;
}

export class StoreMetadataDirectory implements TaskMetadataDirectory {
  readonly #options: StoreMetadataDirectoryOptions;

  constructor(options: StoreMetadataDirectoryOptions) {
    this.#options = options;
  }

  async taskForMetadataId(metadataId: string): Promise<MetadataTarget | undefined> {
    const taskId = taskIdOfMetadataId(metadataId);
    if (taskId === undefined) return undefined;
    const scopes = await this.#options.scopes();
    return this.#options.store.read(async (tx) => {
      for (const scope of scopes) {
        const record = await tx.get('ecs.task', scope, taskId);
        if (!record) continue;
        const names = (record.task.containers ?? []).map((c) => c.name ?? '');
        const containerName = containerOfMetadataId(metadataId, taskId, names);
        return containerName === undefined ? undefined : { record, containerName };
      }
      return undefined;
    });
  }
}
