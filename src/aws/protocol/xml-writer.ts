// Serializes an output value to XML by model shape, as awsQuery and EC2 responses carry it:
// lists wrapped in <member>/<item> unless flattened, maps as <entry><key/><value/></entry>.
import type { ModelIndex } from '../models/model-index.ts';
import type { MemberRef, Shape } from '../models/types.ts';

export type XmlFlavor = 'query' | 'ec2';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** The members of a structure value, as a sequence of XML elements (no wrapping element). */
export function writeMembers(model: ModelIndex, shapeName: string, value: unknown, flavor: XmlFlavor): string {
  return members(model, model.shape(shapeName), value as Record<string, unknown>, flavor);
}

function members(model: ModelIndex, shape: Shape, record: Record<string, unknown>, flavor: XmlFlavor): string {
  let xml = '';
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const value = record[name];
    if (value === undefined || value === null) continue;
    xml += element(model, ref, ref.locationName ?? name, value, flavor);
  }
  return xml;
}

function element(model: ModelIndex, ref: MemberRef, name: string, value: unknown, flavor: XmlFlavor): string {
  const shape = model.target(ref);
  switch (shape.type) {
    case 'structure':
      return `<${name}>${members(model, shape, value as Record<string, unknown>, flavor)}</${name}>`;
    case 'list': {
      const member = shape.member;
      if (!member) return '';
      const items = value as unknown[];
      if (shape.flattened || ref.flattened) {
        const itemName = member.locationName ?? name;
        return items.map((item) => element(model, member, itemName, item, flavor)).join('');
      }
      const itemName = member.locationName ?? (flavor === 'ec2' ? 'item' : 'member');
      return `<${name}>${items.map((item) => element(model, member, itemName, item, flavor)).join('')}</${name}>`;
    }
    case 'map': {
      const keyName = shape.key?.locationName ?? 'key';
      const valueName = shape.value?.locationName ?? 'value';
      const valueRef = shape.value;
      if (!valueRef) return '';
      const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) =>
        `<${keyName}>${escapeXml(k)}</${keyName}>${element(model, valueRef, valueName, v, flavor)}`);
      if (shape.flattened) return entries.map((e) => `<${name}>${e}</${name}>`).join('');
      return `<${name}>${entries.map((e) => `<entry>${e}</entry>`).join('')}</${name}>`;
    }
    default:
      return `<${name}>${escapeXml(scalar(shape, ref, value, flavor))}</${name}>`;
  }
}

function scalar(shape: Shape, ref: MemberRef, value: unknown, flavor: XmlFlavor): string {
  switch (shape.type) {
    case 'timestamp': {
      const date = value instanceof Date ? value : new Date(value as string | number);
      const format = ref.timestampFormat ?? shape.timestampFormat ?? 'iso8601';
      if (format === 'unixTimestamp') return String(date.getTime() / 1000);
      if (format === 'rfc822') return date.toUTCString();
      // IAM/STS print whole seconds (2019-04-18T21:02:44Z); EC2 prints milliseconds.
      return flavor === 'ec2' ? date.toISOString() : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    case 'blob':
      return Buffer.from(value as Uint8Array).toString('base64');
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return String(value);
  }
}
