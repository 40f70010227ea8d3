// The task endpoints at 169.254.170.2 (task metadata v4 and task role credentials): what main.ts builds.
export { TaskEndpointServer } from './server.ts';
export { createTaskEndpointHandler, type TaskEndpointDeps } from './handler.ts';
export type {
  ContainerStatsSource, IssuedTaskCredentials, MetadataTarget, StatsTarget, TaskCredentialsDirectory, TaskDiskUsage,
  TaskMetadataDirectory, TaskRoleCredentials,
} from './port.ts';
export { metadataIdFor, metadataUriFor, taskIdOfMetadataId } from './metadata-id.ts';
export { StoreMetadataDirectory } from './store-directory.ts';
export { CgroupReader } from './cgroup-reader.ts';
export { CgroupStatsSource } from './cgroup-stats-source.ts';
export { DockerStatsSource } from './docker-stats-source.ts';
export { WritableLayerUsage } from './disk-usage.ts';
