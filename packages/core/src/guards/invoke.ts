/** Calls a plugin method so that a synchronous throw becomes a rejected promise. */
export function invoke<T>(call: () => Promise<T>): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (error) {
    return Promise.reject(error);
  }
}
