// Resource bodies as JSON text, keeping Dates and byte arrays intact across a round trip.

export function encodeBody(body: unknown): string {
  return JSON.stringify(body, function replacer(this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.toISOString() };
    if (raw instanceof Uint8Array) return { $bytes: Buffer.from(raw).toString('base64') };
    return value;
  });
}

export function decodeBody<T>(text: string): T {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record);
      if (keys.length === 1 && typeof record['$date'] === 'string') return new Date(record['$date']);
      if (keys.length === 1 && typeof record['$bytes'] === 'string') return Buffer.from(record['$bytes'], 'base64');
    }
    return value;
  }) as T;
}
