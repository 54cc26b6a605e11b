/** Starts Debian's Mosquitto on a port of the test's choosing and stops it by its PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** A free loopback port, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
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
  const log = openSync(`${config}.log`, 'a');
  const broker = spawn('mosquitto', ['-c', config], { stdio: ['ignore', 'ignore', log] });
  closeSync(log);
  try {
    await waitForPort(port, 10_000);
  } catch (error) {
    broker.kill('SIGKILL');
    throw new Error(`${(error as Error).message}; mosquitto said:\n${readFileSync(`${config}.log`, 'utf8').slice(-4096)}`, { cause: error });
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
