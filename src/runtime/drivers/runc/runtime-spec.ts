// The part of the OCI runtime spec (config.json, runtime-spec v1.0.2, the version runc 1.1 speaks)
// that Berth writes. Field names are the spec's.
import type { OciSeccomp } from './seccomp.ts';

export interface RuntimeSpec {
  ociVersion: string;
  process: {
    terminal: boolean;
    user: { uid: number; gid: number; additionalGids?: number[] };
    args: string[];
    env: string[];
    cwd: string;
    capabilities: { bounding: string[]; effective: string[]; permitted: string[]; inheritable: string[]; ambient: string[] };
    rlimits: { type: string; soft: number; hard: number }[];
    noNewPrivileges: boolean;
  };
  root: { path: string; readonly: boolean };
  hostname: string;
  mounts: Mount[];
  linux: {
    cgroupsPath: string;
    resources: Resources;
    namespaces: { type: string; path?: string }[];
    maskedPaths: string[];
    readonlyPaths: string[];
    seccomp?: OciSeccomp;
  };
}

export interface Mount {
  destination: string;
  type: string;
  source: string;
  options?: string[];
}

export interface Resources {
  devices: { allow: boolean; access: string }[];
  memory?: { limit?: number; reservation?: number; swap?: number };
  cpu?: { shares?: number };
}
