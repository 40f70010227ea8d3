// The nginx peer of the load balancer benchmark: Debian's nginx (nginx-light) as the equivalent reverse
// proxy in front of the same backend tasks, started as a child with its own config, pid file, logs and
// temp dirs on a free loopback port, and stopped by PID (its worker too).
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './host-commands.ts';
import { ChildServer, freePort, ServerStartError, type BenchServer } from './servers.ts';

export interface NginxConfigInput {
  /** Where nginx keeps its pid file, error log and temp dirs (absolute). */
  dir: string;
  listenAddress: string;
  port: number;
  upstreams: { address: string; port: number }[];
  /** Idle keep-alive connections each worker keeps to the upstreams. */
  keepalive: number;
  /** How long a request waits for the upstream's answer (ALB's idle_timeout, 60 s by default). */
  readTimeoutSeconds: number;
}

/**
 * nginx.conf for the equivalent of the ALB's forward action: round robin over the upstreams with
 * keep-alive (HTTP/1.1 and an empty Connection header, as nginx's docs require for `keepalive`), the
 * X-Forwarded-* headers an ALB adds, and nothing written outside `dir`. One worker process: Berth's data
 * plane is one thread.
 */
export function renderNginxConfig(input: NginxConfigInput): string {
  if (input.upstreams.length === 0) throw new RangeError('nginx needs at least one upstream');
  if (!input.dir.startsWith('/')) throw new RangeError(`nginx's directory must be absolute, got '${input.dir}'`);
  const servers = input.upstreams.map((u) => `    server ${u.address}:${u.port};`).join('\n');
  return `# Written by Berth's benchmark (bench/peer-nginx.ts); removed with its directory.
daemon off;
master_process on;
worker_processes 1;
pid ${input.dir}/nginx.pid;
error_log ${input.dir}/error.log warn;

events {
  worker_connections 4096;
}

http {
  access_log off;
  client_body_temp_path ${input.dir}/client_body;
  proxy_temp_path ${input.dir}/proxy;
  fastcgi_temp_path ${input.dir}/fastcgi;
  uwsgi_temp_path ${input.dir}/uwsgi;
  scgi_temp_path ${input.dir}/scgi;
  # An ALB does not close a client's keep-alive connection after a number of requests; nginx does (1000).
  keepalive_requests 1000000;

  upstream backends {
${servers}
    keepalive ${input.keepalive};
  }

  server {
    listen ${input.listenAddress}:${input.port};
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Port $server_port;
      proxy_set_header X-Amzn-Trace-Id $request_id;
      proxy_read_timeout ${input.readTimeoutSeconds}s;
    }
  }
}
`;
}

/** Why nginx cannot be the peer (with how to install it), or undefined with its version. */
export async function nginxInstall(): Promise<{ version: string } | { missing: string }> {
  const result = await run('nginx', ['-V'], 10_000);
  const howTo = 'install Debian\'s nginx-light (apt-get install -y nginx-light; its service need not run)';
  if (result.code === null) return { missing: `nginx is not installed: ${howTo}` };
  // nginx -V prints to stderr.
  const text = `${result.stdout}\n${result.stderr}`;
  if (result.code !== 0) return { missing: `nginx -V failed (${text.trim()}): ${howTo}` };
  for (const module of ['http_proxy_module', 'http_upstream_keepalive_module']) {
    if (text.includes(`--without-${module}`)) return { missing: `this nginx was built without ${module}: ${howTo}` };
  }
  return { version: /nginx version: (\S+)/.exec(text)?.[1] ?? 'unknown' };
}

/** PIDs whose parent is `pid` (nginx's workers are its master's children). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = /^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (Number(ppid) === pid) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** SIGKILL to a process that is still an nginx worker (its PID may have been reused since). */
function killWorker(pid: number): void {
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('nginx: worker process')) return;
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

export interface NginxPeer extends BenchServer {
  readonly port: number;
  readonly config: string;
}

/**
 * Starts `nginx -p dir -c dir/nginx.conf -e dir/error.log` on a free port of 127.0.0.1 in front of
 * `upstreams`; ready when it answers HTTP. `dir` must exist and is the caller's to remove.
 */
export async function startNginx(dir: string, upstreams: NginxConfigInput['upstreams'], version: string, onStarted: (peer: BenchServer) => void): Promise<NginxPeer> {
  const port = await freePort();
  const config = renderNginxConfig({ dir, listenAddress: '127.0.0.1', port, upstreams, keepalive: 64, readTimeoutSeconds: 60 });
  for (const temp of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, temp), { recursive: true });
  writeFileSync(join(dir, 'nginx.conf'), config);
  const test = await run('nginx', ['-t', '-q', '-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')]);
  if (test.code !== 0) throw new ServerStartError(`nginx rejected the benchmark's config: ${test.stderr.trim()}`);
  const child = spawn('nginx', ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const master = child.pid;
  let workers: number[] = [];
  const server = new ChildServer('nginx', `http://127.0.0.1:${port}`, child, {
    // After the master is gone (a graceful stop takes its worker with it; a SIGKILL does not).
    cleanup: () => workers.forEach(killWorker),
    isProblem: (line) => /\[(emerg|alert|crit)\]/.test(line),
  });
  server.version = version;
  onStarted(server);
  await server.waitReady(async () => {
    const response = await fetch(`${server.endpoint}/`, { signal: AbortSignal.timeout(2_000) });
    await response.arrayBuffer();
    return true;
  });
  if (master !== undefined) workers = childrenOf(master);
  return Object.assign(server, { port, config });
}
