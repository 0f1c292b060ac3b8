// What every command of `npm run qm9 --` shares: its usage text, --help, and how a bad flag or a
// failure is reported (one line naming the command, the usage after a usage mistake, exit code 1).
// Arguments are parsed with node:util parseArgs; nothing here reads process.argv except isMain.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface Command {
  /** The subcommand: `npm run qm9 -- <name>`. */
  name: string;
  /** The npm script that runs the same command (`npm run <script> --`), as the READMEs show it. */
  script: string;
  /** What follows the command: one line per form. */
  synopsis: string[];
  /** More --help lines: subcommands, options, defaults. */
  details?: string;
  run(argv: string[]): Promise<void>;
}

/** A mistake in the arguments: reported with the command's usage. */
export class UsageError extends Error {}

export function usageOf(command: Command): string {
  const [first, ...more] = command.synopsis;
  const lines = [
    `usage: npm run ${command.script} -- ${first}`,
    ...more.map((s) => `       npm run ${command.script} -- ${s}`),
    more.length
      ? `   or: npm run qm9 -- ${command.name} <any form above>`
      : `   or: npm run qm9 -- ${command.name} ${first}`,
  ];
  return command.details ? `${lines.join('\n')}\n${command.details}` : lines.join('\n');
}

/** --help or -h anywhere before a `--`, whatever grammar the command itself parses. */
export function wantsHelp(argv: string[]): boolean {
  const { tokens } = parseArgs({ args: argv, strict: false, allowPositionals: true, tokens: true });
  return tokens.some((t) => t.kind === 'option' && (t.name === 'help' || t.name === 'h'));
}

function isParseArgsError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/** parseArgs's messages, shortened to name the flag or argument at fault. */
function messageOf(error: Error): string {
  if (!isParseArgsError(error)) return error.message;
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return `unknown option ${/'([^']+)'/.exec(error.message)?.[1] ?? error.message}`;
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return `unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? error.message}`;
  return error.message;
}

export interface Output {
  out: (s: string) => void;
  err: (s: string) => void;
}

const processOutput: Output = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
};

/** Runs a command on its arguments; the exit code it should end with. */
export async function runCommand(
  command: Command,
  argv: string[],
  io: Output = processOutput,
): Promise<number> {
  const usage = usageOf(command);
  if (wantsHelp(argv)) {
    io.out(`${usage}\n`);
    return 0;
  }
  try {
    await command.run(argv);
    return 0;
  } catch (error) {
    const e = error as Error;
    const message = messageOf(e);
    const showUsage = (e instanceof UsageError || isParseArgsError(e)) && !message.includes(usage);
    io.err(`${command.name}: ${message}\n${showUsage ? `${usage}\n` : ''}`);
    return 1;
  }
}

/** Whether the module at moduleUrl is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && moduleUrl === pathToFileURL(path.resolve(entry)).href;
}

/**
 * Runs the command when its file is the script itself (`node --import tsx training/runs.ts list`),
 * as tests and sweep workers start them; a failure exits at once, whatever handles are still open.
 */
export function runIfMain(moduleUrl: string, command: Command): void {
  if (!isMain(moduleUrl)) return;
  void runCommand(command, process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exit(code);
  });
}

/**
 * A command's flags and positionals, strict: an unknown flag or a missing value is an error that
 * names it (runCommand prints it with the usage).
 */
export function parseCommandArgs<T extends ParseArgsConfig['options']>(argv: string[], options: T) {
  return parseArgs({ args: argv, allowPositionals: true, options });
}
