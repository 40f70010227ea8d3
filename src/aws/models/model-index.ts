// Loads one extracted AWS model and answers lookups on it (shapes, operations, error traits).
import { readFileSync } from 'node:fs';
import type { MemberRef, OperationModel, ServiceModel, Shape } from './types.ts';

export class ModelIndex {
  readonly model: ServiceModel;
  /** Lower-cased operation name → operation, for protocols that are case-insensitive on Action. */
  readonly #byName = new Map<string, OperationModel>();
  /** Compiled shape patterns; null for a pattern JavaScript cannot express. */
  readonly #patterns = new Map<string, RegExp | null>();

  constructor(model: ServiceModel) {
    this.model = model;
    for (const op of Object.values(model.operations)) this.#byName.set(op.name, op);
  }

  /** Reads `src/aws/models/data/<name>.json`, the output of scripts/extract-models.ts. */
  static load(name: string): ModelIndex {
    const url = new URL(`./data/${name}.json`, import.meta.url);
    return new ModelIndex(JSON.parse(readFileSync(url, 'utf8')) as ServiceModel);
  }

  get metadata(): ServiceModel['metadata'] {
    return this.model.metadata;
  }

  operation(name: string): OperationModel | undefined {
    return this.#byName.get(name);
  }

  /** The shape by name; a missing shape is a broken model file, not a client error. */
  shape(name: string): Shape {
    const shape = this.model.shapes[name];
    if (!shape) throw new Error(`model ${this.metadata.serviceId} has no shape ${name}`);
    return shape;
  }

  /**
   * The shape's pattern as a whole-string JavaScript RegExp; undefined when the shape has none or
   * JavaScript cannot compile it (then Berth does not check it rather than guess).
   */
  pattern(shapeName: string): RegExp | undefined {
    if (!this.#patterns.has(shapeName)) {
      const source = this.shape(shapeName).pattern;
      let compiled: RegExp | null = null;
      if (source !== undefined) {
        // Java writes code points past U+FFFF as \u10000; JavaScript's u-mode spells them \u{10000}.
        const js = source.replace(/\\u([0-9A-Fa-f]{5,6})/g, '\\u{$1}');
        try {
          compiled = new RegExp(`^(?:${js})$`, 'u');
        } catch {
          compiled = null;
        }
      }
      this.#patterns.set(shapeName, compiled);
    }
    return this.#patterns.get(shapeName) ?? undefined;
  }

  /** The shape a member reference points to. */
  target(ref: MemberRef): Shape {
    return this.shape(ref.shape);
  }

  /** The error trait of an exception shape: its wire code and HTTP status. */
  errorTrait(shapeName: string): { code: string; httpStatus: number; senderFault: boolean } | undefined {
    const shape = this.model.shapes[shapeName];
    if (!shape?.exception) return undefined;
    return {
      code: shape.error?.code ?? shapeName,
      httpStatus: shape.error?.httpStatusCode ?? 400,
      senderFault: shape.error?.senderFault ?? true,
    };
  }
}
