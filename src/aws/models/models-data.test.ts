// The committed model files are facts only, and complete enough for every protocol.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { ServiceModel } from './types.ts';

const dir = new URL('./data/', import.meta.url);

for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  test(`${file}: no documentation strings, and every shape reference resolves`, () => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    assert.ok(!text.includes('"documentation"'), 'documentation was dropped');
    const model = JSON.parse(text) as ServiceModel;
    for (const op of Object.values(model.operations)) {
      for (const name of [op.input, op.output, ...op.errors]) if (name) assert.ok(model.shapes[name], `${op.name} → ${name}`);
    }
    for (const [name, shape] of Object.entries(model.shapes)) {
      for (const ref of [...Object.values(shape.members ?? {}), shape.member, shape.key, shape.value]) {
        if (ref) assert.ok(model.shapes[ref.shape], `${name} → ${ref.shape}`);
      }
    }
  });
}
