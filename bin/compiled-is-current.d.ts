/** Types of compiled-is-current.js (plain JavaScript: it runs before any TypeScript can). */
export declare const BUILD_STAMP: string;
export declare const ANSWERS_FILE: string;
export declare const MAIN_FILE: string;
export declare const CODE_CACHE_DIR: string;
export type CompiledState = 'current' | 'stale' | 'missing' | 'compiled-only';
export declare function compiledState(root: string): CompiledState;
