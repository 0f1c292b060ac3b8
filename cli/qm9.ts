// npm run qm9 -- <command> [arguments]: every command-line tool of the project behind one entry.
// The npm scripts (npm run train, predict, evaluate, ...) run the same commands with the same
// arguments. A command's module is imported only when it runs, so --help does not load tfjs.
import { isMain, runCommand, type Command, type Output } from './command';

interface Entry {
  summary: string;
  load: () => Promise<Command>;
}

export const COMMANDS: Record<string, Entry> = {
  predict: {
    summary: 'predict the properties of the molecules in a file; CSV or SDF out',
    load: async () => (await import('./predict')).predictCommand,
  },
  evaluate: {
    summary: 'per-target metrics of a model (or an average of several) on a QM9 split',
    load: async () => (await import('../training/evaluate')).evaluateCommand,
  },
  models: {
    summary: 'the model registry: list, register, promote (gated), rollback',
    load: async () => (await import('../training/models')).modelsCommand,
  },
  train: {
    summary: 'train a model from a config with overrides; export and record the run',
    load: async () => (await import('../training/train')).trainCommand,
  },
  export: {
    summary: 'publish a training run as a model directory with its model card',
    load: async () => (await import('../training/export')).exportCommand,
  },
  'export-ensemble': {
    summary: 'publish an ensemble of exported models with its own model card',
    load: async () => (await import('../training/exportEnsemble')).exportEnsembleCommand,
  },
  ablations: {
    summary: 'train architecture and loss variants at an equal small budget',
    load: async () => (await import('../training/ablations')).ablationsCommand,
  },
  baselines: {
    summary: 'test MAE of the training mean and of the linear atom reference',
    load: async () => (await import('../training/trivialBaselines')).baselinesCommand,
  },
  runs: {
    summary: 'recorded runs: list, show, compare',
    load: async () => (await import('../training/runs')).runsCommand,
  },
  sweep: {
    summary: 'a hyperparameter sweep: run it, work on its queue, or print its leaderboard',
    load: async () => (await import('../training/sweep')).sweepCommand,
  },
};

export function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  return [
    'usage: npm run qm9 -- <command> [arguments]',
    '       npm run qm9 -- <command> --help',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, e]) => `  ${name.padEnd(width)}${e.summary}`),
    '',
    'Each command is also an npm script: npm run predict, train, evaluate, export, export:ensemble,',
    'ablations, baselines, models, runs, sweep.',
  ].join('\n');
}

/** Dispatches argv (the arguments after `qm9`) to its command; the exit code. */
export async function qm9(argv: string[], io?: Output): Promise<number> {
  const [name, ...rest] = argv;
  const write = io ?? {
    out: (s: string) => process.stdout.write(s),
    err: (s: string) => process.stderr.write(s),
  };
  if (name === 'help' && rest.length) return qm9([rest[0], '--help'], io);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    write.out(`${helpText()}\n`);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    const what = name.startsWith('-') ? 'option' : 'command';
    write.err(`qm9: unknown ${what} "${name}"\n${helpText()}\n`);
    return 1;
  }
  return runCommand(await COMMANDS[name].load(), rest, io);
}

if (isMain(import.meta.url)) {
  const code = await qm9(process.argv.slice(2));
  if (code !== 0) process.exit(code);
}
