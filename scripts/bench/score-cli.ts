// The whole-process part of `npm run bench -- score`: the score CLI against the AFINN-165 CLI
// (scripts/bench/afinn-cli.ts, the `sentiment` package behind the same JSON-lines contract) on
// the same statements file, start-up to exit: loading, lexicon compilation, reading, scoring,
// writing. Both run the way `npm run score` runs (plain JavaScript bundles built by
// scripts/run-bundled.mjs); the AFINN CLI under tsx (how it was measured before) is shown too.
// The runs alternate (one of each per round), so all see the same machine load; each figure is
// the median of the rounds, and each ratio the median of the per-round ratios. CPU time (user +
// system, from /proc/self/stat's children times on Linux) is printed beside wall time: on a
// loaded machine wall time mostly measures the other processes.

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Statements piped through each CLI. */
export const CLI_STATEMENTS = 400_000;
const CLI_ROUNDS = 5;

interface Variant {
  label: string;
  args: string[];
}

/** `npm run score`'s command (package.json) as node arguments, plus `extra`. */
function scoreCommand(extra: string[]): string[] {
  const script = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['score'] ?? '';
  const words = script.split(' ').filter((w) => w !== '');
  if (words[0] !== 'node') throw new Error(`package.json's score script does not start with node: ${script}`);
  return [...words.slice(1), ...extra];
}

/** CPU seconds (user + system) of this process's children that have been waited for, or NaN off Linux. */
function childrenCpu(): number {
  if (!existsSync('/proc/self/stat')) return NaN;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // after the command name: state is field 3, cutime field 16 and cstime field 17 (1-based)
  return (Number(fields[13]) + Number(fields[14])) / 100; // USER_HZ is 100 on Linux
}

/** One run over the input file (stdout discarded): wall and CPU seconds; throws on failure. */
function runOnce(args: string[], input: string): { wall: number; cpu: number } {
  const fd = openSync(input, 'r');
  try {
    const c0 = childrenCpu();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: [fd, 'ignore', 'pipe'], maxBuffer: 1 << 20 });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${String(r.status)}: ${r.stderr.toString().slice(0, 500)}`);
    return { wall, cpu: childrenCpu() - c0 };
  } finally {
    closeSync(fd);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const fmtInt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const secs = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');

export function wholeProcess(texts: string[], out: (s: string) => boolean): void {
  const variants: Variant[] = [
    { label: 'npm run score (1 thread)', args: scoreCommand([]) },
    { label: 'npm run score -- --threads 2', args: scoreCommand(['--threads', '2']) },
    { label: 'AFINN-165 CLI (same bundling)', args: ['scripts/run-bundled.mjs', 'afinn-cli'] },
    { label: 'AFINN-165 CLI (tsx)', args: ['--import', 'tsx', 'scripts/bench/afinn-cli.ts'] },
  ];
  const ours = 0;
  const afinn = 2;
  const dir = mkdtempSync(path.join(tmpdir(), 'brinkwatch-score-bench-'));
  try {
    const input = path.join(dir, 'statements.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < CLI_STATEMENTS; i++) lines.push(JSON.stringify({ id: `s${i}`, text: texts[i % texts.length]! }));
    writeFileSync(input, lines.join('\n') + '\n');
    // one small run each first: builds a stale bundle, so that no measured run includes a build
    const warm = path.join(dir, 'warm.jsonl');
    writeFileSync(warm, lines.slice(0, 10).join('\n') + '\n');
    for (const v of variants) runOnce(v.args, warm);
    const runs = variants.map(() => [] as Array<{ wall: number; cpu: number }>);
    for (let r = 0; r < CLI_ROUNDS; r++) variants.forEach((v, i) => runs[i]!.push(runOnce(v.args, input)));
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    out(`whole process, ${fmtInt(CLI_STATEMENTS)} statements piped through each CLI (stdout discarded), ${CLI_ROUNDS} alternating rounds, median (load average now ${load}):`);
    out(`  ${''.padEnd(30)} ${'wall s'.padStart(7)} ${'statements/s'.padStart(12)}   ${'CPU s'.padStart(6)} ${'statements/CPU-s'.padStart(16)}`);
    variants.forEach((v, i) => {
      const wall = median(runs[i]!.map((x) => x.wall));
      const cpu = median(runs[i]!.map((x) => x.cpu));
      out(`  ${v.label.padEnd(30)} ${secs(wall).padStart(7)} ${fmtInt(CLI_STATEMENTS / wall).padStart(12)}   ${secs(cpu).padStart(6)} ${fmtInt(CLI_STATEMENTS / cpu).padStart(16)}`);
    });
    const ratio = (a: number, b: number, key: 'wall' | 'cpu'): string =>
      secs(median(runs[a]!.map((x, r) => runs[b]![r]![key] / x[key]))); // statements/s of a over b, per round
    out(`  ratio score (1 thread) / AFINN (same bundling):  wall ${ratio(ours, afinn, 'wall')}, CPU ${ratio(ours, afinn, 'cpu')} (target >= 0.50)`);
    out(`  ratio score (1 thread) / AFINN (tsx):            wall ${ratio(ours, 3, 'wall')}, CPU ${ratio(ours, 3, 'cpu')}`);
    out(`  ratio score (--threads 2) / AFINN (same bundling): wall ${ratio(1, afinn, 'wall')}, CPU ${ratio(1, afinn, 'cpu')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
