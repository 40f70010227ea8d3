// Which manifest of an image index (or Docker manifest list) a Linux host runs, chosen as
// containerd's default platform matcher (platforms.Only) chooses: the host's own os/architecture/
// variant first, then the platforms its CPU also runs (amd64 runs 386; arm64 runs 32-bit arm v8
// down to v5), each in the index's order. Entries without a platform are not candidates.
import type { Descriptor } from './oci.ts';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** containerd's platforms.Normalize: GOARCH spellings, and the variant a bare architecture implies. */
export function normalizePlatform(platform: Platform): Platform {
  // Index entries come from remote JSON: a member may be missing whatever the type says.
  const os = String(platform.os ?? '').toLowerCase();
  let architecture = String(platform.architecture ?? '').toLowerCase();
  let variant = (platform.variant ?? '').toLowerCase();
  switch (architecture) {
    case 'i386': architecture = '386'; variant = ''; break;
    case 'x86_64': case 'x86-64': case 'amd64':
      architecture = 'amd64';
      if (variant === 'v1') variant = '';
      break;
    case 'aarch64': case 'arm64':
      architecture = 'arm64';
      // A bare arm64 is arm64/v8 (containerd matches "" and "v8" alike).
      if (['', '8', 'v8', 'v8.0'].includes(variant)) variant = 'v8';
      break;
    case 'armhf': architecture = 'arm'; variant = 'v7'; break;
    case 'armel': architecture = 'arm'; variant = 'v6'; break;
    case 'arm':
      if (variant === '' || variant === '7') variant = 'v7';
      else if (/^[5-8]$/.test(variant)) variant = `v${variant}`;
      break;
  }
  return { os, architecture, ...(variant !== '' ? { variant } : {}) };
}

/** The host's platform from Node's process.arch (GOARCH names, as image configs use them). */
export function hostPlatform(arch: string = process.arch): Platform {
  const goarch: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' };
  return normalizePlatform({ os: 'linux', architecture: goarch[arch] ?? arch });
}

/** The platforms a host runs, best first (containerd's platformVector). */
export function compatiblePlatforms(host: Platform): Platform[] {
  const own = normalizePlatform(host);
  const vector = [own];
  if (own.architecture === 'amd64') vector.push({ os: own.os, architecture: '386' });
  if (own.architecture === 'arm64' || own.architecture === 'arm') {
    const top = own.architecture === 'arm64' ? 8 : Number((own.variant ?? 'v7').slice(1));
    for (let v = top; v >= 5; v--) {
      if (own.architecture === 'arm' && v === top) continue;
      vector.push({ os: own.os, architecture: 'arm', variant: `v${v}` });
    }
  }
  return vector;
}

const same = (a: Platform, b: Platform) => a.os === b.os && a.architecture === b.architecture && (a.variant ?? '') === (b.variant ?? '');

/** The index entry the host runs, or undefined (containerd's "no match for platform in manifest"). */
export function pickManifest(manifests: readonly Descriptor[], host: Platform): Descriptor | undefined {
  for (const wanted of compatiblePlatforms(host)) {
    const found = manifests.find((m) => m.platform !== undefined && same(normalizePlatform(m.platform), wanted));
    if (found) return found;
  }
  return undefined;
}
