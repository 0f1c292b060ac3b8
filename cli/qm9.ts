// npm run qm9 -- <command> [arguments]: every command-line tool of the project behind one entry.
// The npm scripts (npm run train, predict, evaluate, ...) run the same commands with the same
// arguments. A command's module is imported only when it runs, so --help does not load tfjs.
import { isMain, runCommand, type Command, type Output } from './command';

interface Entry {
  summary: string;
  load: () => Promise<Command>;
}

/** What --help says of each command, in the order it lists them. */
const SUMMARIES = {
  predict: 'predict the properties of the molecules in a file; CSV or SDF out',
  evaluate: 'per-target metrics of a model (or an average of several) on a QM9 split',
  models: 'the model registry: list, register, promote (gated), rollback',
  train: 'train a model from a config with overrides; export and record the run',
  export: 'publish a training run as a model directory with its model card',
  'export-ensemble': 'publish an ensemble of exported models with its own model card',
  ablations: 'train architecture and loss variants at an equal small budget',
  baselines: 'test MAE of the training mean and of the linear atom reference',
  runs: 'recorded runs: list, show, compare',
  sweep: 'a hyperparameter sweep: run it, work on its queue, or print its leaderboard',
};

type CommandName = keyof typeof SUMMARIES;

/** Each command's module; the type makes it name exactly the commands above. */
const LOADERS: Record<CommandName, () => Promise<Command>> = {
  predict: async () => (await import('./predict')).predictCommand,
  evaluate: async () => (await import('../training/evaluate')).evaluateCommand,
  models: async () => (await import('../training/models')).modelsCommand,
  train: async () => (await import('../training/train')).trainCommand,
  export: async () => (await import('../training/export')).exportCommand,
  'export-ensemble': async () => (await import('../training/exportEnsemble')).exportEnsembleCommand,
  ablations: async () => (await import('../training/ablations')).ablationsCommand,
  baselines: async () => (await import('../training/trivialBaselines')).baselinesCommand,
  runs: async () => (await import('../training/runs')).runsCommand,
  sweep: async () => (await import('../training/sweep')).sweepCommand,
};

export const COMMANDS: Record<string, Entry> = Object.fromEntries(
  (Object.keys(SUMMARIES) as CommandName[]).map((name) => [
    name,
    { summary: SUMMARIES[name], load: LOADERS[name] },
  ]),
);

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
