/**
 * docker-compose.yml, checked without a Docker engine: statically (services, images, ports,
 * volumes, every mounted path and every command it runs), then by running its commands as
 * written — paths and host names mapped to a temporary directory and a port of the test's
 * choosing — against Debian's Mosquitto, stopped by its PID.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.ts';
import { runCli, repoRoot, spawnCli, type RunningCli } from '../helpers/cli.ts';
import { freePorts, startMosquitto, stopProcess } from '../helpers/mosquitto.ts';

interface Service {
  readonly image?: string;
  readonly build?: string;
  readonly command: readonly string[];
  readonly volumes?: readonly string[];
  readonly ports?: readonly string[];
  readonly depends_on?: Readonly<Record<string, { condition: string }>>;
  readonly deploy?: { readonly replicas: string | number };
  readonly profiles?: readonly string[];
}

const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  name: string;
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const loraswarmServices = Object.entries(services).filter(([, service]) => service.build !== undefined);
/** `${VAR:-default}` as Compose interpolates it with VAR unset. */
const interpolate = (text: string): string => text.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
const option = (command: readonly string[], flag: string): string => command[command.indexOf(flag) + 1]!;

describe('docker-compose.yml, statically', () => {
  it('has Mosquitto 2, the setup, the run, a scalable worker and the live dashboard', () => {
    expect(Object.keys(services).sort()).toEqual(['dashboard', 'mosquitto', 'run', 'setup', 'worker']);
    expect(services.mosquitto!.image).toBe('eclipse-mosquitto:2');
    expect(loraswarmServices.map(([name]) => name).sort()).toEqual(['dashboard', 'run', 'setup', 'worker']);
    for (const [, service] of loraswarmServices) expect(service.build).toBe('.');
    expect(services.dashboard!.profiles).toEqual(['dashboard']);
    // As many worker replicas as the run expects workers.
    expect(interpolate(String(services.worker!.deploy!.replicas))).toBe(interpolate(option(services.run!.command, '--workers')));
    // The broker's files have a partition user for each process the run will have.
    expect(option(services.setup!.command, '--workers')).toBe(option(services.run!.command, '--workers'));
    expect(services.mosquitto!.depends_on).toEqual({ setup: { condition: 'service_completed_successfully' } });
    for (const name of ['run', 'worker', 'dashboard']) expect(services[name]!.depends_on).toEqual({ mosquitto: { condition: 'service_started' } });
  });

  it('publishes Mosquitto\u2019s port, the one setup configures and every client uses, and the dashboard\u2019s', () => {
    expect(services.mosquitto!.ports).toEqual(['1883:1883']);
    expect(services.dashboard!.ports).toEqual(['8080:8080']);
    for (const [name, service] of Object.entries(services)) if (name !== 'mosquitto' && name !== 'dashboard') expect(service.ports, name).toBeUndefined();
    expect(option(services.setup!.command, '--port')).toBe('1883');
    for (const name of ['run', 'worker']) expect(option(services[name]!.command, '--broker')).toBe('mqtt://mosquitto:1883');
    // The dashboard follows the run through the WebSocket listener setup configures, and serves on the published port.
    expect(option(services.dashboard!.command, '--attach')).toBe(`ws://mosquitto:${option(services.setup!.command, '--ws-port')}/mqtt`);
    expect(option(services.dashboard!.command, '--port')).toBe('8080');
    expect(option(services.dashboard!.command, '--host')).toBe('0.0.0.0');
    expect(services.run!.command).toContain('--dashboard');
  });

  it('mounts only declared volumes and paths that exist; credentials and config live where setup writes them', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const [source, target] = volume.split(':') as [string, string];
        if (source.startsWith('.')) expect(existsSync(join(repoRoot, source)), `${name}: ${source}`).toBe(true);
        else expect(Object.keys(compose.volumes), `${name}: ${source}`).toContain(source);
        expect(target.startsWith('/')).toBe(true);
      }
    }
    const brokerDir = option(services.setup!.command, '--dir');
    expect(services.mosquitto!.command).toEqual(['mosquitto', '-c', `${brokerDir}/mosquitto.conf`]);
    for (const name of ['run', 'worker', 'dashboard']) expect(option(services[name]!.command, '--credentials')).toBe(`${brokerDir}/credentials.json`);
    for (const name of ['setup', 'mosquitto', 'run', 'worker', 'dashboard']) expect(services[name]!.volumes).toContain(`broker:${brokerDir}`);
    // The image holds what the commands need.
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    for (const [, source] of dockerfile.matchAll(/^COPY (\S+)/gm)) expect(existsSync(join(repoRoot, source!)), source).toBe(true);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "bin\/loraswarm\.js"\]$/m);
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends mosquitto/);
  });

  it('runs only loraswarm commands and options that exist, on files that exist, for one run id', () => {
    const program = buildProgram({ out: () => undefined, err: () => undefined });
    for (const [name, service] of loraswarmServices) {
      const [commandName, ...args] = service.command;
      const command = program.commands.find((candidate) => candidate.name() === commandName);
      expect(command, `${name}: ${commandName}`).toBeDefined();
      const flags = command!.options.map((candidate) => candidate.long);
      for (const arg of args.filter((candidate) => candidate.startsWith('--'))) expect(flags, `${name}: ${arg}`).toContain(arg);
      for (const arg of args.filter((candidate) => candidate.startsWith('scenarios/'))) expect(existsSync(join(repoRoot, arg)), arg).toBe(true);
      if (args.includes('--run')) expect(option(service.command, '--run'), name).toBe('compose');
    }
    // The setup sizes the broker's files for the scenario the run runs.
    expect(option(services.setup!.command, '--scenario')).toBe(services.run!.command[1]);
  });
});

describe('docker-compose.yml, its commands against Debian\u2019s Mosquitto', () => {
  let dir: string;
  let mosquitto: ChildProcess | undefined;
  const running: RunningCli[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'loraswarm-compose-'));
  });

  afterEach(async () => {
    for (const process of running.splice(0)) {
      if (process.child.exitCode === null && process.child.signalCode === null) process.child.kill('SIGKILL');
      await process.exited;
    }
    await stopProcess(mosquitto);
    mosquitto = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('sets up the broker, runs the city-sink swarm with two workers and the live dashboard, and writes what one process writes', { timeout: 120_000 }, async () => {
    const [port, wsPort] = (await freePorts(2)) as [number, number];
    const wsFlag = option(services.setup!.command, '--ws-port');
    const brokerDir = option(services.setup!.command, '--dir');
    // Container paths and names → this machine: the broker volume, the service name, the port.
    const map = (args: readonly string[]): string[] =>
      args.map((arg) =>
        interpolate(arg)
          .replace(brokerDir, join(dir, 'broker'))
          .replace('mqtt://mosquitto:1883', `mqtt://127.0.0.1:${port}`)
          .replace(`ws://mosquitto:${wsFlag}/mqtt`, `ws://127.0.0.1:${wsPort}/mqtt`)
          .replace(/^runs\//, `${dir}/runs/`)
          .replace(/^0\.0\.0\.0$/, '127.0.0.1')
          .replace(/^1883$/, String(port))
          .replace(new RegExp(`^${wsFlag}$`), String(wsPort))
          .replace(/^8080$/, '0'),
      );
    const setup = await runCli(map(services.setup!.command));
    expect(setup.status).toBe(0);
    const [binary, ...mosquittoArgs] = map(services.mosquitto!.command);
    expect(binary).toBe('mosquitto');
    mosquitto = await startMosquitto(mosquittoArgs[1]!, port);
    // A shorter day, so that the test stays short: two hours of the city-sink swarm.
    const shorter = ['--set', 'duration=2h'];
    const start = (args: string[]): RunningCli => {
      const process = spawnCli(args);
      running.push(process);
      return process;
    };
    const dashboard = start(map(services.dashboard!.command));
    const [, dashboardUrl] = await dashboard.waitForStdout(/dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/);
    const replicas = Number(interpolate(String(services.worker!.deploy!.replicas)));
    const workers = Array.from({ length: replicas }, () => start(map(services.worker!.command)));
    // As fast as it can: without --pace a watched run plays its duration in about two minutes.
    const run = start([...map(services.run!.command), ...shorter, '--pace', 'max', '--quiet']);
    expect(await run.exited).toBe(0);
    expect(await Promise.all(workers.map((worker) => worker.exited))).toEqual(workers.map(() => 0));
    const out = map([option(services.run!.command, '--out')])[0]!;
    const memory = await runCli(['run', services.run!.command[1]!, ...shorter, '--transport', 'memory', '--out', join(dir, 'memory'), '--quiet']);
    expect(memory.status).toBe(0);
    for (const file of ['summary.json', 'frames.csv', 'receptions.csv', 'nodes.csv', 'series.csv']) {
      expect(readFileSync(join(out, file), 'utf8'), file).toBe(readFileSync(join(dir, 'memory', file), 'utf8'));
    }
    // The dashboard followed the whole run through Mosquitto's WebSocket listener: every node,
    // and the run's frames to the last one.
    const history = (await (await fetch(`${dashboardUrl}history.json`)).json()) as { start: { files: Record<string, string> }; deltas: { seq: number; files: Record<string, string>; totals: { framesSent: number; nodesAlive: number } }[] };
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { frames: { sent: number } };
    expect(history.start.files['nodes.csv']!.trim().split('\n')).toHaveLength(1 + 401);
    expect(history.deltas.map((delta) => delta.seq)).toEqual(history.deltas.map((_, i) => i));
    expect(history.deltas.at(-1)!.totals).toMatchObject({ framesSent: summary.frames.sent, nodesAlive: 401 });
    const framesSeen = history.deltas.reduce((sum, delta) => sum + (delta.files['frames.csv']?.trim().split('\n').length ?? 1) - 1, 0);
    expect(framesSeen).toBe(readFileSync(join(out, 'frames.csv'), 'utf8').trim().split('\n').length - 1);
    dashboard.child.kill('SIGTERM');
    expect(await dashboard.exited).toBe(0);
    expect(workers.map((worker) => /ran nodes (\S+)/.exec(worker.stdout())![1]).sort()).toEqual(['134-267', '268-400']);
    // Three processes, a connection for each 64 of their nodes (not one per node of the 401).
    const users = [...readFileSync(`${mosquittoArgs[1]}.log`, 'utf8').matchAll(/ u'([^']+)'/g)].map((match) => match[1]!);
    expect(users.filter((user) => user.includes('-partition-')).map((user) => user.slice('compose-partition-'.length)).sort((a, b) => parseInt(a) - parseInt(b))).toEqual(['0-63', '64-127', '128-133', '134-197', '198-261', '262-267', '268-331', '332-395', '396-400']);
    expect(users.filter((user) => user.includes('-node-'))).toEqual([]);
  });
});
