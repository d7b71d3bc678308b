/** Tracks calls in flight, so that close() can wait for them to settle. */
export interface InFlight {
  track<T>(call: Promise<T>): Promise<T>;
  settled(): Promise<void>;
}

export function createInFlight(): InFlight {
  const calls = new Set<Promise<unknown>>();
  return {
    track<T>(call: Promise<T>): Promise<T> {
      const settled = call.then(
        () => undefined,
        () => undefined,
      );
      calls.add(settled);
      void settled.then(() => calls.delete(settled));
      return call;
    },
    async settled(): Promise<void> {
      while (calls.size > 0) await Promise.all([...calls]);
    },
  };
}
