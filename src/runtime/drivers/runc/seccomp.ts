// The default seccomp profile, as Docker and podman apply it: the containers-common profile
// (Debian's golang-github-containers-common installs /usr/share/containers/seccomp.json, moby's
// default profile in containers/common's format), turned into the OCI runtime spec's
// `linux.seccomp` for one container: rules kept or dropped by the host's architecture and by the
// container's capabilities (a rule `includes.caps` needs them all; `excludes.caps` any one drops
// it), as moby's profiles/seccomp.setupSeccomp does.
import { readFile } from 'node:fs/promises';

/** containers/common's seccomp.json (pkg/seccomp/types.go). */
export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  archMap?: { architecture: string; subArchitectures?: string[] }[];
  syscalls?: {
    names?: string[];
    action: string;
    errnoRet?: number;
    args?: { index: number; value: number; valueTwo?: number; op: string }[];
    includes?: { caps?: string[]; arches?: string[]; minKernel?: string };
    excludes?: { caps?: string[]; arches?: string[] };
  }[];
}

/** The runtime spec's linux.seccomp. */
export interface OciSeccomp {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures: string[];
  syscalls: { names: string[]; action: string; errnoRet?: number; args?: { index: number; value: number; valueTwo?: number; op: string }[] }[];
}

export const CONTAINERS_SECCOMP_PROFILE = '/usr/share/containers/seccomp.json';

/** Reads a profile; undefined when the file is absent, an error when it is not a profile. */
export async function readSeccompProfile(path: string): Promise<SeccompProfile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const profile = JSON.parse(text) as SeccompProfile;
  if (typeof profile.defaultAction !== 'string') throw new Error(`${path} is not a seccomp profile (no defaultAction)`);
  return profile;
}

/** Node's process.arch as libseccomp's architecture names (the "arches" of includes/excludes). */
const ARCHES: Record<string, { scmp: string; name: string }> = {
  x64: { scmp: 'SCMP_ARCH_X86_64', name: 'amd64' },
  arm64: { scmp: 'SCMP_ARCH_AARCH64', name: 'arm64' },
  ia32: { scmp: 'SCMP_ARCH_X86', name: '386' },
  arm: { scmp: 'SCMP_ARCH_ARM', name: 'arm' },
  s390x: { scmp: 'SCMP_ARCH_S390X', name: 's390x' },
  ppc64: { scmp: 'SCMP_ARCH_PPC64LE', name: 'ppc64le' },
};

/** The profile for a container with these capabilities (`CAP_…`) on this host's architecture. */
export function seccompFor(profile: SeccompProfile, capabilities: readonly string[], arch: string = process.arch): OciSeccomp {
  const host = ARCHES[arch];
  const entry = profile.archMap?.find((a) => a.architecture === host?.scmp);
  const architectures = entry ? [entry.architecture, ...(entry.subArchitectures ?? [])] : host ? [host.scmp] : [];
  const caps = new Set(capabilities);
  const syscalls: OciSeccomp['syscalls'] = [];
  for (const rule of profile.syscalls ?? []) {
    const { includes = {}, excludes = {} } = rule;
    if (includes.arches && includes.arches.length > 0 && !includes.arches.includes(host?.name ?? '')) continue;
    if (excludes.arches?.includes(host?.name ?? '')) continue;
    if (includes.caps && includes.caps.length > 0 && !includes.caps.every((cap) => caps.has(cap))) continue;
    if (excludes.caps?.some((cap) => caps.has(cap))) continue;
    syscalls.push({
      names: rule.names ?? [], action: rule.action,
      ...(rule.errnoRet !== undefined ? { errnoRet: rule.errnoRet } : {}), ...(rule.args && rule.args.length > 0 ? { args: rule.args } : {}),
    });
  }
  return { defaultAction: profile.defaultAction, ...(profile.defaultErrnoRet !== undefined ? { defaultErrnoRet: profile.defaultErrnoRet } : {}), architectures, syscalls };
}
