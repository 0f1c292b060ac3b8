// The one command-line entry (npm run qm9 -- <command>) and the npm scripts that alias it: help,
// clear refusals of unknown commands and flags, and a prediction through the alias as a user runs it.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageOf } from '../../cli/command';
import { COMMANDS, qm9 } from '../../cli/qm9';
import { resolveRegistryReference } from '../../src/model/registrySource';

const exec = promisify(execFile);

interface Result {
  code: number;
  out: string;
  err: string;
}

async function run(file: string, args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await exec(file, args, { maxBuffer: 1 << 24 });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout, err: e.stderr };
  }
}

const cli = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'cli/qm9.ts', ...args]);

/** The command run in-process, its output captured. */
async function inProcess(...args: string[]): Promise<Result> {
  const io = { out: '', err: '' };
  const code = await qm9(args, { out: (s) => (io.out += s), err: (s) => (io.err += s) });
  return { code, ...io };
}

let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'cli-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('npm run qm9', () => {
  it('lists every command with --help', async () => {
    const res = await cli('--help');
    expect(res.code).toBe(0);
    for (const name of [
      'train',
      'evaluate',
      'export',
      'export-ensemble',
      'predict',
      'ablations',
      'baselines',
      'models',
      'runs',
      'sweep',
    ])
      expect(res.out).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });

  it('prints a command usage with --help, naming both the alias and the qm9 form', async () => {
    const res = await cli('predict', '--help');
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/^usage: npm run predict -- <input file> --out /);
    expect(res.out).toContain('or: npm run qm9 -- predict <input file> --out ');
    expect(res.out).toContain('--model');
    expect(await inProcess('help', 'predict')).toEqual({ code: 0, out: res.out, err: '' });
  }, 30_000);

  it('refuses an unknown command and an unknown flag, naming them', async () => {
    const command = await cli('frobnicate');
    expect(command.code).toBe(1);
    expect(command.err).toContain('unknown command "frobnicate"');
    expect(command.err).toContain('usage: npm run qm9 -- <command>');

    const flag = await cli('predict', 'in.smi', '--out', 'out.csv', '--frobnicate');
    expect(flag.code).toBe(1);
    expect(flag.err).toMatch(/^predict: unknown option --frobnicate\nusage: npm run predict -- /);

    // Training takes any config key as a flag; a key the config lacks stops it before any data loads.
    const key = await cli('train', '--epochz', '3');
    expect(key.code).toBe(1);
    expect(key.err).toMatch(/^train: unknown option --epochz\nusage: npm run train -- /);
  }, 60_000);

  it('has an npm script for each command, running it through the same entry', async () => {
    const scripts = (
      JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.qm9).toBe('tsx cli/qm9.ts');
    for (const [name, entry] of Object.entries(COMMANDS)) {
      const command = await entry.load();
      expect(command.name).toBe(name);
      expect(scripts[command.script]).toBe(`tsx cli/qm9.ts ${name}`);
      const help = await inProcess(name, '--help');
      expect(help).toEqual({ code: 0, out: `${usageOf(command)}\n`, err: '' });
    }
  }, 120_000);
});

describe('npm run predict (the alias)', () => {
  it('predicts a file of SMILES with the production model and reports the bad line', async () => {
    const input = path.join(tmp, 'handwritten.smi');
    await writeFile(input, 'CCO ethanol\nC1CC1 cyclopropane\nC1CC unclosed\n');
    const out = path.join(tmp, 'predictions.csv');
    const res = await run('npm', ['run', '--silent', 'predict', '--', input, '--out', out]);
    expect(res.code).toBe(0);
    const { entry } = await resolveRegistryReference('public/models/registry.json');
    expect(res.err).toContain(
      `2 predicted, 1 error; wrote ${out} with ${entry.name} ${entry.version}`,
    );
    expect(res.err).toMatch(/error: handwritten\.smi record 3 \(unclosed\): /);
    const rows = (await readFile(out, 'utf8')).trim().split('\n');
    expect(rows).toHaveLength(3);
    const head = rows[0].split(',');
    expect(head.slice(0, 4)).toEqual(['record', 'name', 'smiles', 'formula']);
    expect(rows[1].split(',').slice(0, 4)).toEqual(['1', 'ethanol', 'CCO', 'C2H6O']);
    expect(rows[2].split(',').slice(0, 4)).toEqual(['2', 'cyclopropane', 'C1CC1', 'C3H6']);
    const gap = Number(rows[1].split(',')[head.indexOf('gap_eV')]);
    expect(Number.isFinite(gap)).toBe(true);
  }, 120_000);
});
