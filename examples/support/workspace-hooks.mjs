// Module hooks for running the examples inside this repository. In your own project the packages are
// installed (`npm install @idem/core @idem/memory-broker ...`) and nothing like this is needed. Here
// examples/ is not a workspace package, so a bare import such as `@idem/core` or `kafkajs` written in
// an example is resolved as if from a workspace package that depends on it.
const fallbackParents = [
  new URL('../../tooling/checks/package.json', import.meta.url).href, // every @idem/* library
  new URL('../../packages/kafkajs/package.json', import.meta.url).href, // kafkajs, as @idem/kafkajs uses it
];
const examplesDir = new URL('../', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const bare = !/^(\.|\/|[a-z]+:)/.test(specifier);
    const fromExample = context.parentURL?.startsWith(examplesDir) === true;
    if (!bare || !fromExample || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    for (const parentURL of fallbackParents) {
      try {
        return await nextResolve(specifier, { ...context, parentURL });
      } catch {
        // try the next one
      }
    }
    throw error;
  }
}
