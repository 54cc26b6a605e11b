/** The dashboard's options: bad input gets a clear message, exit status 2, and nothing written. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'loraswarm-cli-dashboard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dashboard options', () => {
  it('refuses a busy --dashboard-port before the run starts, and writes nothing', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const out = join(dir, 'busy');
      const result = await runCli(['run', 'scenarios/quickstart.yaml', '--dashboard', '--dashboard-port', String(port), '--out', out]);
      expect(result.stderr).toContain(`--dashboard-port: cannot listen on 127.0.0.1:${port} (listen EADDRINUSE`);
      expect(result.status).toBe(2);
      expect(existsSync(out) || existsSync(`${out}.partial`)).toBe(false);
      const served = await runCli(['dashboard', 'runs', '--port', String(port)]);
      expect(served.stderr).toContain(`--port/--host: cannot listen on 127.0.0.1:${port}`);
      expect(served.status).toBe(2);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('exits when the run directory cannot be made, its dashboard port closed', async () => {
    const result = await runCli(['run', 'scenarios/quickstart.yaml', '--dashboard', '--out', join(dir, 'a'.repeat(300))]);
    expect(result.stderr).toContain('ENAMETOOLONG');
    expect(result.status).toBe(1);
  });

  it.each([
    [['run', 'scenarios/quickstart.yaml', '--pace', '60'], '--pace paces the live dashboard: add --dashboard'],
    [['run', 'scenarios/quickstart.yaml', '--dashboard-port', '8080'], '--dashboard-port sets the live dashboard\'s port: add --dashboard'],
    [['run', 'scenarios/quickstart.yaml', '--dashboard', '--pace', '0'], '--pace: expected virtual seconds per wall second, a number > 0 (e.g. 60), or max, found "0"'],
    [['run', 'scenarios/quickstart.yaml', '--dashboard', '--pace', 'fast'], '--pace: expected virtual seconds per wall second, a number > 0 (e.g. 60), or max, found "fast"'],
    [['run', 'scenarios/quickstart.yaml', '--dashboard', '--dashboard-port', '70000'], '--dashboard-port: expected a port 0..65535, found "70000"'],
    [['run', 'scenarios/quickstart.yaml', '--dashboard', '--transport', 'memory'], '--dashboard follows the run through the embedded broker\'s WebSocket listener: leave out --transport memory'],
    [['dashboard', join(dir, 'nowhere')], `RUN_DIR: expected a run directory, found nothing at ${join(dir, 'nowhere')}`],
    [['dashboard', '--attach', 'http://127.0.0.1:1/mqtt', '--run', 'r1', '--user', 'viewer', '--password', 'x'], '--attach: expected the broker\'s MQTT-over-WebSocket URL, ws://host:port/mqtt, found "http://127.0.0.1:1/mqtt"'],
    [['dashboard', '--attach', 'ws://127.0.0.1:1/mqtt', '--run', 'r1'], '--attach needs the viewer\'s credentials: --credentials FILE as `run --dashboard` printed it, or --user and --password'],
    [['dashboard', '--attach', 'ws://127.0.0.1:1/mqtt', '--run', 'bad id', '--user', 'viewer', '--password', 'x'], '--run: expected the run id that `run` printed (letters, digits, ".", "_" or "-"), found "bad id"'],
    [['dashboard', '--run', 'r1'], '--run, --credentials, --user and --password go with --attach'],
    [['dashboard', '--password', 'x'], '--run, --credentials, --user and --password go with --attach'],
    [['run', 'scenarios/quickstart.yaml', '--dashboard', '--broker', 'mqtt://127.0.0.1:1', '--credentials', 'nowhere.json', '--dashboard-port', '8080'], '--dashboard-port: with --broker the run serves no page'],
    [['dashboard', 'runs', '--port', 'http'], '--port: expected a port 0..65535, found "http"'],
  ])('%j', async (args, message) => {
    const out = join(dir, 'out');
    const result = await runCli([...args, ...(args[0] === 'run' ? ['--out', out] : [])]);
    expect(result.stderr).toContain(message);
    expect(result.status).toBe(2);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});
