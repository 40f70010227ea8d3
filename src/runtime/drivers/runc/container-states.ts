// A runc container's lifecycle as a transition table; any other move throws.

export type ContainerState = 'starting' | 'running' | 'stopping' | 'exited' | 'removed';

const TRANSITIONS: Record<ContainerState, readonly ContainerState[]> = {
  starting: ['running', 'exited'],
  // running → removed: a released container (its exit no longer watched) is deleted without waiting for it.
  running: ['stopping', 'exited', 'removed'],
  stopping: ['exited'],
  exited: ['removed'],
  removed: [],
};

export class InvalidStateTransitionError extends Error {
  override readonly name = 'InvalidStateTransitionError';
  readonly code = 'BTH_INVALID_STATE_TRANSITION';
  constructor(readonly from: ContainerState, readonly to: ContainerState) {
    super(`invalid state transition from ${from} to ${to}`);
  }
}

export class ContainerLifecycle {
  #state: ContainerState = 'starting';
  get state(): ContainerState {
    return this.#state;
  }
  canMove(to: ContainerState): boolean {
    return TRANSITIONS[this.#state].includes(to);
  }
  moveTo(to: ContainerState): void {
    if (!this.canMove(to)) throw new InvalidStateTransitionError(this.#state, to);
    this.#state = to;
  }
}
