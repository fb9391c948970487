import { CompressionLibraryMissingError } from '../errors/codec-error.js';
import { optionalRequire } from '../primitives/optional-require.js';

/**
 * Loads an optional compression package on first use and remembers the outcome. Compression
 * libraries are optional dependencies so that users who never see snappy or lz4 batches don't have to
 * install native addons; when one is needed and missing, the error names the package to install.
 */
export function optionalModule<T>(packageName: string, codecName: string): () => T {
  let loaded: T | undefined;
  let failure: unknown;
  return () => {
    if (loaded !== undefined) return loaded;
    if (failure === undefined) {
      try {
        loaded = optionalRequire(packageName) as T;
        return loaded;
      } catch (e) {
        failure = e;
      }
    }
    const reason = failure instanceof Error ? failure.message.split('\n')[0] : String(failure);
    throw new CompressionLibraryMissingError(
      `${codecName} compression needs the optional package "${packageName}"; install it with \`npm install ${packageName}\` (${reason})`,
      'compression',
      0,
      packageName,
    );
  };
}
