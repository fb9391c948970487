/** Public API of @idem/codec. Everything a user may import is re-exported here; other modules are internal. */
export const packageName = '@idem/codec';
