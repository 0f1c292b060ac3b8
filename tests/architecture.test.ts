// The module graph has no cycle, type-only imports included: a cycle makes the load order decide
// what a module sees at import time, and it usually means two modules share a concept that
// belongs in a third. The layer boundaries themselves are ESLint's (eslint.config.js).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOTS = ['src', 'server', 'training', 'cli', 'bench', 'scripts'];
// `import … from`, `export … from`, a bare `import './x'` and a dynamic `import('./x')`: a lazy
// import still makes a cycle (train.ts loads export.ts on demand, so export.ts must not need train.ts).
const IMPORT =
  /(?:^\s*(?:import|export)\b[^'"]*?\bfrom\s+|^\s*import\s+|\bimport\(\s*)['"](\.{1,2}\/[^'"]+)['"]/gm;

function importedPaths(text: string): string[] {
  return [...text.matchAll(IMPORT)].map((m) => m[1]);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [file] : [];
  });
}

function resolve(from: string, spec: string, files: Set<string>): string | null {
  const base = path.normalize(path.join(path.dirname(from), spec));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')])
    if (files.has(candidate)) return candidate;
  return null;
}

/** Strongly connected components with more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('module graph', () => {
  it('finds a cycle when there is one (the check itself)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
  });

  it('reads static, bare and dynamic relative imports (the check itself)', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      "export * from './c';",
      "import './d.css';",
      "const { e } = await import('./e');",
      "  load: async () => (await import( '../f/g')).run,",
      "import tf from '@tensorflow/tfjs';",
      "const h = await import('node:path');",
    ].join('\n');
    expect(importedPaths(text)).toEqual(['./a', '../b', './c', './d.css', './e', '../f/g']);
  });

  it('has no import cycle in src, server, training, cli, bench or scripts', () => {
    const files = ROOTS.flatMap(sourceFiles);
    const known = new Set(files);
    const graph = new Map<string, string[]>();
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const deps = importedPaths(text)
        .map((spec) => resolve(file, spec, known))
        .filter((d): d is string => d !== null);
      graph.set(file, deps);
    }
    expect(files.length).toBeGreaterThan(150);
    expect(cycles(graph)).toEqual([]);
  });
});
