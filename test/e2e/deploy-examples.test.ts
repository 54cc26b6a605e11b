/**
 * The cluster examples in deploy/ (a Kubernetes Indexed Job, a Slurm array), checked without a
 * cluster: their fields are read and compared, and the command lines they run are run here,
 * shard by shard with the environment the cluster would give, then their merge step; the
 * merged sweep.csv must be the serial sweep's.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { repoRoot } from '../helpers/cli.ts';

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  resources?: { requests?: { cpu?: string } };
  volumeMounts: { name: string; mountPath: string }[];
}
interface PodSpec {
  restartPolicy: string;
  containers: Container[];
  volumes: { name: string; persistentVolumeClaim: { claimName: string } }[];
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: { completionMode?: string; completions?: number; parallelism?: number; accessModes?: string[]; template: { spec: PodSpec } };
}

const read = (path: string): string => readFileSync(join(repoRoot, path), 'utf8');
const sweepManifests = parseAllDocuments(read('deploy/kubernetes/sweep-job.yaml')).map((document) => document.toJS() as Manifest);
const sweepJob = sweepManifests.find((manifest) => manifest.kind === 'Job')!;
const claim = sweepManifests.find((manifest) => manifest.kind === 'PersistentVolumeClaim')!;
const mergeJob = parse(read('deploy/kubernetes/merge-job.yaml')) as Manifest;
const sweepContainer = sweepJob.spec.template.spec.containers[0]!;
const mergeContainer = mergeJob.spec.template.spec.containers[0]!;
const dockerfile = read('Dockerfile');
const workdir = /^WORKDIR (\S+)$/m.exec(dockerfile)![1]!;
const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
const sweepScript = read('deploy/slurm/sweep.sbatch');
const mergeScript = read('deploy/slurm/merge.sbatch');
/** `#SBATCH --name=value` directives of a script. */
const directive = (script: string, name: string): string | undefined => new RegExp(`^#SBATCH --${name}=(\\S+)$`, 'm').exec(script)?.[1];

/** The value after `flag` in an argv. */
const after = (argv: readonly string[], flag: string): string | undefined => argv[argv.indexOf(flag) + 1];

let tmp: string;

/** A directory laid out as the image's /app (the sources linked in) with an empty runs/ for the shared volume. */
function appDirectory(name: string): string {
  const app = join(tmp, name);
  mkdirSync(join(app, 'runs'), { recursive: true });
  for (const entry of ['bin', 'scenarios']) symlinkSync(join(repoRoot, entry), join(app, entry));
  return app;
}

/** A command run as the cluster would: its cwd, the given variables, none of this machine's Slurm or Job variables. */
function runAs(command: string, args: readonly string[], cwd: string, env: Readonly<Record<string, string>> = {}): SpawnSyncReturns<string> {
  const inherited = Object.entries(process.env).filter(([name]) => name !== 'JOB_COMPLETION_INDEX' && !name.startsWith('SLURM_'));
  const path = `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`;
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000, env: { ...Object.fromEntries(inherited), PATH: path, ...env } });
  if (result.error) throw result.error;
  expect(result.status, `${command} ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'loraswarm-deploy-'));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('deploy/kubernetes: an Indexed Job per shard, then a merge Job', () => {
  it('is an Indexed Job whose completions, parallelism and --shards agree, on the image of the Dockerfile, with a shared volume where sweeps are written', () => {
    expect(sweepJob.spec.completionMode).toBe('Indexed');
    const shards = sweepJob.spec.completions!;
    expect(shards).toBeGreaterThan(1);
    expect(sweepJob.spec.parallelism).toBe(shards);
    const args = sweepContainer.args!;
    expect(args.slice(0, 2)).toEqual(['sweep', 'scenarios/aloha.yaml']);
    expect(args).toContain('--shard-from-env');
    expect(after(args, '--shards')).toBe(String(shards));
    // One child process per CPU the pod asks for.
    expect(after(args, '--jobs')).toBe(sweepContainer.resources!.requests!.cpu);
    expect(sweepJob.spec.template.spec.restartPolicy).toBe('Never');
    // The image's entrypoint runs the args in its workdir; sweep directories default to runs/ there.
    expect(entrypoint).toEqual(['node', 'bin/loraswarm.js']);
    expect(sweepContainer.command).toBeUndefined();
    for (const job of [sweepJob, mergeJob]) {
      const pod = job.spec.template.spec;
      expect(pod.containers[0]!.image).toBe(sweepContainer.image);
      expect(pod.containers[0]!.volumeMounts).toEqual([{ name: 'shards', mountPath: `${workdir}/runs` }]);
      expect(pod.volumes).toEqual([{ name: 'shards', persistentVolumeClaim: { claimName: claim.metadata.name } }]);
    }
    expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(mergeContainer.command!.slice(0, 2)).toEqual(['sh', '-c']);
    expect(mergeContainer.command![2]).toContain(`sweep merge runs/aloha-sweep-shard-*-of-${shards} `);
  });

  it('runs the exact container command line for each index (entrypoint and args, JOB_COMPLETION_INDEX set), and the merge Job\'s shell line prints the serial sweep\'s sweep.csv', () => {
    const app = appDirectory('k8s');
    const [node, ...bin] = entrypoint;
    expect(node).toBe('node');
    for (let index = 0; index < sweepJob.spec.completions!; index++) {
      runAs(process.execPath, [...bin, ...sweepContainer.args!], app, { JOB_COMPLETION_INDEX: String(index) });
    }
    const merged = runAs(mergeContainer.command![0]!, mergeContainer.command!.slice(1), app);
    // The same sweep, serial, in one process.
    const args = sweepContainer.args!;
    const serialArgs = args.filter((arg, i) => !['--shard-from-env', '--shards', '--jobs', '--quiet'].includes(arg) && !['--shards', '--jobs'].includes(args[i - 1]!));
    runAs(process.execPath, [...bin, ...serialArgs, '--jobs', '1', '--quiet', '--out', join(tmp, 'k8s-serial')], app);
    const serialCsv = readFileSync(join(tmp, 'k8s-serial', 'sweep.csv'), 'utf8');
    expect(merged.stdout).toBe(serialCsv);
    expect(readFileSync(join(app, 'runs', 'aloha-sweep', 'sweep.csv'), 'utf8')).toBe(serialCsv);
  });
});

describe('deploy/slurm: an array task per shard, then a merge job', () => {
  it('declares an array of N tasks that run the sweep with --shard-from-env, and a merge of N shards', () => {
    const [first, last] = directive(sweepScript, 'array')!.split('-').map(Number) as [number, number];
    expect(first).toBe(0);
    expect(mergeScript).toContain(`sweep merge runs/aloha-sweep-shard-*-of-${last - first + 1} `);
    expect(sweepScript).toContain('--shard-from-env');
    expect(sweepScript).toContain('--jobs "${SLURM_CPUS_PER_TASK:-1}"');
    expect(directive(sweepScript, 'output')).toMatch(/^runs\//);
  });

  it('runs each array task\'s script under bash with the variables Slurm sets, then the merge script, giving the sweep.csv of the Kubernetes example (the same sweep)', () => {
    const app = appDirectory('slurm');
    const [first, last] = directive(sweepScript, 'array')!.split('-').map(Number) as [number, number];
    for (let id = first; id <= last; id++) {
      runAs('bash', [join(repoRoot, 'deploy/slurm/sweep.sbatch')], tmp, {
        SLURM_SUBMIT_DIR: app,
        SLURM_ARRAY_JOB_ID: '42',
        SLURM_ARRAY_TASK_ID: String(id),
        SLURM_ARRAY_TASK_MIN: String(first),
        SLURM_ARRAY_TASK_MAX: String(last),
        SLURM_ARRAY_TASK_STEP: '1',
        SLURM_ARRAY_TASK_COUNT: String(last - first + 1),
        SLURM_CPUS_PER_TASK: directive(sweepScript, 'cpus-per-task')!,
      });
    }
    runAs('bash', [join(repoRoot, 'deploy/slurm/merge.sbatch')], tmp, { SLURM_SUBMIT_DIR: app, SLURM_JOB_ID: '43' });
    expect(readFileSync(join(app, 'runs', 'aloha-sweep', 'sweep.csv'), 'utf8')).toBe(readFileSync(join(tmp, 'k8s-serial', 'sweep.csv'), 'utf8'));
  });
});
