/** Starts Debian's Mosquitto on a port of the test's choosing and stops it by its PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/**
 * Ports for brokers that a test starts and restarts: below the kernel's range for ports it hands
 * out itself (32768–60999 on Linux), which every listen(0) and outgoing connection of the other
 * test worker draws from, so a port checked free here is not taken before Mosquitto binds it (or
 * while a test restarts it). Each vitest worker has a block of its own (VITEST_POOL_ID).
 */
const portBlock = 20_000 + 400 * (Number(process.env.VITEST_POOL_ID ?? 0) % 32);
let nextPort = 0;

/** A free loopback port of this worker's block. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

/** `count` different free loopback ports of this worker's block, each checked with a listen. */
export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let tried = 0; ports.length < count; tried++) {
    if (tried === 400) throw new Error(`no free port in ${portBlock}–${portBlock + 399}`);
    const port = portBlock + (nextPort++ % 400);
    if (await canListen(port)) ports.push(port);
  }
  return ports;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listened on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * `mosquitto -c <config>`, listening on `port` once this resolves. Its log (a line per
 * connection) goes to `<config>.log`, not to a pipe: a pipe nobody drains while a test blocks
 * in spawnSync would fill and stall the broker.
 */
export async function startMosquitto(config: string, port: number): Promise<ChildProcess> {
  const logPath = `${config}.log`;
  const log = openSync(logPath, 'a');
  // A restarted broker appends to the same log: only what this one writes counts.
  const from = statSync(logPath).size;
  const broker = spawn('mosquitto', ['-c', config], { stdio: ['ignore', 'ignore', log] });
  closeSync(log);
  /** What this broker has logged (clients reconnecting at once can log far past its first lines). */
  const logged = (): string => readFileSync(logPath).subarray(from).toString('utf8');
  const said = (): string => logged().slice(-4096);
  try {
    // Mosquitto says "running" once it listens, or exits (a port taken since the test chose it):
    // waiting for either, never for a listener on the port alone, which could be another's.
    const deadline = Date.now() + 10_000;
    while (!/ running$/m.test(logged())) {
      if (broker.exitCode !== null || broker.signalCode !== null) throw new Error(`mosquitto exited (${broker.exitCode ?? broker.signalCode}) before it listened on ${port}`);
      if (Date.now() > deadline) throw new Error(`mosquitto did not say it was running within 10000 ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await waitForPort(port, 10_000);
  } catch (error) {
    broker.kill('SIGKILL');
    throw new Error(`${(error as Error).message}; mosquitto said:\n${said()}`, { cause: error });
  }
  return broker;
}

/** Stops a child process by its PID and waits for it to exit. */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
