/** Public API of @idem/memory-broker. Everything a user may import is re-exported here; other modules are internal. */
export const packageName = '@idem/memory-broker';
