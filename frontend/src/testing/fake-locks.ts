/**
 * A minimal Web Locks `LockManager` (exclusive mode only) shared by "tabs" in one test: jsdom
 * has no `navigator.locks`. Requests for the same name run one at a time, in order.
 */
export function createFakeLockManager() {
  const queues = new Map<string, Promise<unknown>>();
  const requested: string[] = [];
  const request = <T>(name: string, optionsOrTask: unknown, maybeTask?: () => Promise<T>): Promise<T> => {
    const task = (typeof optionsOrTask === 'function' ? optionsOrTask : maybeTask) as () => Promise<T>;
    requested.push(name);
    const previous = queues.get(name) ?? Promise.resolve();
    const run = previous.then(
      () => task(),
      () => task(),
    );
    queues.set(
      name,
      run.catch(() => undefined),
    );
    return run;
  };
  return { request, requested };
}

export function installFakeLocks(manager: ReturnType<typeof createFakeLockManager>): () => void {
  Object.defineProperty(navigator, 'locks', { value: manager, configurable: true });
  return () => {
    Reflect.deleteProperty(navigator, 'locks');
  };
}
