/**
 * The layering rule of issue 16: server/store depends on nothing above it. The store (and what
 * it imports, followed transitively) may reach only the layers below it; an import of a layer
 * above, or of a layer nobody has placed yet, is a violation naming the file and the import.
 */
import path from 'node:path';
import ts from 'typescript';

/** A source file as the checker sees it: a repository-relative POSIX path and its text. */
export interface SourceFile {
  path: string;
  source: string;
}

export interface LayerViolation {
  /** The store file the chain starts from, then each file on the way, the importer last. */
  chain: string[];
  /** The specifier as written in the importer. */
  specifier: string;
  /** Where it resolves to, repository-relative. */
  target: string;
  layer: string;
}

/** Directories of server/ (and server/main.ts) that sit above the store. */
export const ABOVE_STORE = ['http', 'jobs', 'ingest', 'export', 'alerts', 'metrics', 'realtime', 'health', 'ops', 'auth', 'main.ts'];
/** What the store may use: itself and the pure or leaf modules below it. */
export const BELOW_STORE = ['store', 'shared', 'config', 'scoring'];

/**
 * Every module specifier of a file: static imports (type-only too), `export … from`, side-effect
 * imports and dynamic import(). TypeScript's own pre-processor, so comments and strings that
 * merely look like imports are not counted.
 */
export function importSpecifiers(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The layer of a repository path: the directory under server/ ('main.ts' for the root), else its top directory. */
export function layerOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] !== 'server') return parts.length > 1 ? `${parts[0]}/ (outside server/)` : file;
  return parts[1]!;
}

/** Violations of the rule in `files`, in a stable order (store files sorted, imports in file order). */
export function findStoreLayerViolations(files: readonly SourceFile[]): LayerViolation[] {
  const byPath = new Map(files.map((f) => [f.path, f.source]));
  const queue: string[][] = [...byPath.keys()].filter((p) => layerOf(p) === 'store').sort().map((p) => [p]);
  const seen = new Set(queue.map((c) => c[0]!));
  const violations: LayerViolation[] = [];
  while (queue.length > 0) {
    const chain = queue.shift()!;
    const file = chain[chain.length - 1]!;
    for (const specifier of importSpecifiers(byPath.get(file)!)) {
      if (!specifier.startsWith('.')) continue; // node: built-ins and packages
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
      const layer = layerOf(target);
      if (!BELOW_STORE.includes(layer)) {
        violations.push({ chain, specifier, target, layer });
      } else if (byPath.has(target) && !seen.has(target)) {
        seen.add(target);
        queue.push([...chain, target]);
      }
    }
  }
  return violations;
}

/** One line per violation, e.g. "server/store/a.ts imports '../export/b.ts' (export: above the store)". */
export function describeViolation(v: LayerViolation): string {
  const why = ABOVE_STORE.includes(v.layer) ? 'above the store' : 'not a layer the store may use; if it lies below, add it to BELOW_STORE';
  return `${v.chain.join(' -> ')} imports '${v.specifier}' (${v.layer}: ${why})`;
}
