const marker = Symbol.for('drift-spark.guarded');

/** Marks a guarded plugin, so that guarding it again returns it as it is. */
export function markGuarded<T extends object>(plugin: T): T {
  Object.defineProperty(plugin, marker, { value: true, enumerable: false });
  return plugin;
}

export function isGuarded(plugin: object): boolean {
  return (plugin as Record<symbol, unknown>)[marker] === true;
}
