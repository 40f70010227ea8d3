// nftables behind one small interface, and its real implementation: `nft -f -` run inside a network
// namespace (entered by its path with util-linux's nsenter), scripts passed on stdin, never through a shell.
import { execFile } from 'node:child_process';

/**
 * The nftables operations Berth performs inside task namespaces. `netnsPath` is a network namespace's file
 * (`/var/run/netns/<name>`, or `/proc/<pid>/ns/net`). Every method rejects with NftCommandError when nft (or
 * the kernel) refuses.
 */
export interface Nftables {
  /** Why nft cannot be used here (not installed, no permission), or undefined when it can. */
  unavailable(): Promise<string | undefined>;
  /**
   * Runs a script with `nft -f -` in the namespace. nft commits a whole script as one netlink batch: every
   * command in it applies, or none does (nft(8): "the entire ruleset is loaded atomically").
   */
  apply(netnsPath: string, script: string): Promise<void>;
  /** `nft list table <family> <name>` in the namespace; undefined when the table does not exist. */
  listTable(netnsPath: string, family: string, name: string): Promise<string | undefined>;
}

/** nft (or entering the namespace) failed; `stderr` holds its words. */
export class NftCommandError extends Error {
  override readonly name = 'NftCommandError';
  readonly code = 'BERTH_NFT_COMMAND_FAILED';
  readonly stderr: string;
  constructor(what: string, stderr: string) {
    super(`${what}: ${stderr.trim() || 'failed'}`);
    this.stderr = stderr;
  }
}

export interface NftCommandOptions {
  /** The nft binary; `nft` on PATH by default. */
  nftPath?: string;
  /** util-linux's nsenter; `nsenter` on PATH by default. */
  nsenterPath?: string;
}

/** Nftables by `nsenter --net=<path> nft …`: nsenter only switches the network namespace, no mounts. */
export class NftCommand implements Nftables {
  #nft: string;
  #nsenter: string;

  constructor(options: NftCommandOptions = {}) {
    this.#nft = options.nftPath ?? 'nft';
    this.#nsenter = options.nsenterPath ?? 'nsenter';
  }

  async unavailable(): Promise<string | undefined> {
    try {
      await this.#run(this.#nft, ['--version']);
    } catch {
      return 'nft is not installed (apt-get install nftables)';
    }
    try {
      await this.#run(this.#nsenter, ['--version']);
    } catch {
      return 'nsenter is not installed (apt-get install util-linux)';
    }
    // Listing needs CAP_NET_ADMIN: this is what fails without root.
    try {
      await this.#run(this.#nft, ['list', 'tables']);
    } catch (error) {
      return `nft cannot read the ruleset: ${error instanceof Error ? error.message : String(error)}`;
    }
    return undefined;
  }

  async apply(netnsPath: string, script: string): Promise<void> {
    await this.#run(this.#nsenter, [`--net=${netnsPath}`, '--', this.#nft, '-f', '-'], script);
  }

  async listTable(netnsPath: string, family: string, name: string): Promise<string | undefined> {
    try {
      return await this.#run(this.#nsenter, [`--net=${netnsPath}`, '--', this.#nft, 'list', 'table', family, name]);
    } catch (error) {
      // "Error: No such file or directory" is nft's answer for a table that does not exist.
      if (error instanceof NftCommandError && /No such file or directory/.test(error.stderr)) return undefined;
      throw error;
    }
  }

  #run(command: string, args: string[], input?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = execFile(command, args, { encoding: 'utf8', timeout: 10_000 }, (error, stdout, stderr) => {
        if (error) reject(new NftCommandError([command, ...args].join(' '), stderr || error.message));
        else resolve(stdout);
      });
      // A child that exits before reading its script (nsenter into a namespace that just went) closes the pipe: the
      // write's EPIPE must not become an uncaught exception; the exit status already reports the failure.
      child.stdin?.on('error', () => undefined);
      if (input !== undefined) child.stdin?.end(input);
      else child.stdin?.end();
    });
  }
}
