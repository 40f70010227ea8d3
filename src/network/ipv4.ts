// The little IPv4 arithmetic task networking needs: parse, prefix lengths, the subnet gateway, overlap. Pure.

export interface Ipv4Block {
  /** The network address as an unsigned 32-bit integer, host bits cleared. */
  network: number;
  prefixLength: number;
}

const DOTTED_QUAD = /^(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}$/;

/** `10.0.1.7` as an unsigned 32-bit integer; undefined when not a dotted quad. */
export function parseAddress(text: string): number | undefined {
  if (!DOTTED_QUAD.test(text)) return undefined;
  return text.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

export function formatAddress(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** `a.b.c.d/n` with host bits cleared, or undefined when malformed. */
export function parseBlock(text: string): Ipv4Block | undefined {
  const [address, prefix, extra] = text.split('/');
  if (address === undefined || prefix === undefined || extra !== undefined || !/^(3[0-2]|[12]?[0-9])$/.test(prefix)) return undefined;
  const value = parseAddress(address);
  if (value === undefined) return undefined;
  const prefixLength = Number(prefix);
  const size = 2 ** (32 - prefixLength);
  return { network: Math.floor(value / size) * size, prefixLength };
}

export function formatBlock(block: Ipv4Block): string {
  return `${formatAddress(block.network)}/${block.prefixLength}`;
}

export function blockContains(block: Ipv4Block, address: number): boolean {
  return address >= block.network && address < block.network + 2 ** (32 - block.prefixLength);
}

/** CIDR blocks overlap exactly when one contains the other's network address. */
export function blocksOverlap(a: Ipv4Block, b: Ipv4Block): boolean {
  return blockContains(a, b.network) || blockContains(b, a.network);
}

/**
 * The subnet's router address: "the second address of the subnet's range (.1) is reserved by AWS for the VPC
 * router" (Amazon VPC User Guide, "Subnet CIDR blocks"). Berth puts exactly that address on the VPC's bridge.
 */
export function gatewayOf(block: Ipv4Block): string {
  return formatAddress(block.network + 1);
}
