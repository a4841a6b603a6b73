/** Types of run-compiled.js (plain JavaScript: it runs before any TypeScript can). */
export declare function cacheNameOf(args: string[]): string;
export declare function cacheDirOf(
  root: string,
  options: { distWritable: boolean; env: Record<string, string | undefined>; bundle: Buffer },
): string | undefined;
export declare function runCompiled(root: string, args: string[]): void;
