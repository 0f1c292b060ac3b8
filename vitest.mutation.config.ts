// The unit-test config narrowed to the test files named in MUTATION_TESTS (comma-separated globs):
// scripts/mutation.ts gives each mutated folder the tests that exercise it, so a mutant does not
// pay for unrelated slow suites (training runs, child-process servers).
import { configDefaults, defineConfig } from 'vitest/config';
import base from './vitest.config';

const only = process.env.MUTATION_TESTS?.split(',').filter(Boolean);
const skip = process.env.MUTATION_EXCLUDE?.split(',').filter(Boolean) ?? [];
const skipTitles = JSON.parse(process.env.MUTATION_SKIP_TESTS ?? '[]') as string[];
const escape = (title: string) => title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export default defineConfig({
  test: {
    ...base.test,
    include: only?.length ? only : base.test?.include,
    exclude: [...(base.test?.exclude ?? configDefaults.exclude), ...skip],
    // Every test except those whose full name ends with one of the skipped titles.
    ...(skipTitles.length
      ? { testNamePattern: new RegExp(`^(?!.*(?:${skipTitles.map(escape).join('|')})$)`) }
      : {}),
    // StrykerJS switches mutants through a global, so the instrumented modules can stay loaded
    // between runs: importing tfjs and RDKit again for every mutant would cost seconds each.
    // Static mutants (module-level initializers) need a reload and are ignored (ignoreStatic).
    isolate: false,
  },
});
