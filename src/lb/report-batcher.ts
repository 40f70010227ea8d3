// Reports leave the worker in batches: everything reported within one turn of the event loop (a health check
// round, a listener set bound) travels as one message, and the controller writes it in one transaction.
import type { PlaneReport } from './plane.ts';

export class ReportBatcher {
  readonly #send: (reports: PlaneReport[]) => void;
  #pending: PlaneReport[] = [];
  #scheduled = false;

  constructor(send: (reports: PlaneReport[]) => void) {
    this.#send = send;
  }

  add(report: PlaneReport): void {
    this.#pending.push(report);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#send(batch);
  }
}
