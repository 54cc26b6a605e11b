/** Option values shared by several commands, checked with messages that say what was expected. */
import { availableParallelism } from 'node:os';
import type { AutoChoice } from '../../run/result-files.ts';
import { UsageError } from '../exit.ts';

/** Commander's argument parser for a repeatable flag: every value, in order. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `--seed <n>`: a non-negative safe integer. */
export function seedOption(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value)) throw new UsageError(`--seed: expected a non-negative integer, found ${JSON.stringify(text)}`);
  return value;
}

/** Why `url` is not an MQTT broker URL, or undefined. */
export function brokerUrlProblem(url: string): string | undefined {
  return /^mqtts?:\/\/[^\s/]+$/.test(url) ? undefined : `expected mqtt://host:port, found ${JSON.stringify(url)}`;
}

/** `auto`, `on` or `off` (default `auto`), as `--compress` and `--write-thread` take. */
export function autoChoiceOption(flag: string, text: string | undefined): AutoChoice {
  const value = text ?? 'auto';
  if (value !== 'auto' && value !== 'on' && value !== 'off') throw new UsageError(`${flag}: expected "auto", "on" or "off", found ${JSON.stringify(value)}`);
  return value;
}

/** A positive number of seconds. */
export function secondsOption(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(value > 0)) throw new UsageError(`${flag}: expected a positive number of seconds, found ${JSON.stringify(text)}`);
  return value;
}

/** `[host:]port` for a listener; host 127.0.0.1 by default. */
export function listenOption(text: string): { host: string; port: number } {
  const match = /^(?:(\[[0-9A-Fa-f:.]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) {
    const hint = /^[0-9A-Fa-f]*:[0-9A-Fa-f:]*:\d+$/.test(text.trim()) ? ' (an IPv6 address goes in brackets: [::1]:1883)' : '';
    throw new UsageError(`--listen: expected [host:]port with a port 0..65535, found ${JSON.stringify(text)}${hint}`);
  }
  // An IPv6 address is written in brackets, as in URLs (RFC 3986 §3.2.2), and listened on without them.
  const host = match[1] === undefined ? '127.0.0.1' : match[1].replace(/^\[(.*)\]$/, '$1');
  return { host, port };
}

/** A TCP port option, 0..65535 (0: a free port). */
export function portOption(flag: string, text: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text.trim()) || port > 65535) throw new UsageError(`${flag}: expected a port 0..65535, found ${JSON.stringify(text)}`);
  return port;
}

/**
 * `run --dashboard [--pace F|max] [--dashboard-port P]`, checked before anything runs. With
 * --broker, the run publishes the live feed there and `dashboard --attach` serves the page.
 * Without --pace, the run is paced so that a person can watch it (`watchablePace`); `max` runs
 * it as fast as it can. `pace` is in virtual seconds per wall second; undefined is `max`.
 */
export function liveDashboardOptions(
  options: { dashboard?: boolean; pace?: string; dashboardPort?: string; transport: string; broker?: string },
  durationMs: number,
): { port: number; pace: number | undefined } | undefined {
  if (!options.dashboard) {
    if (options.pace !== undefined) throw new UsageError('--pace paces the live dashboard: add --dashboard');
    if (options.dashboardPort !== undefined) throw new UsageError('--dashboard-port sets the live dashboard\'s port: add --dashboard');
    return undefined;
  }
  if (options.transport === 'memory') throw new UsageError('--dashboard follows the run through the embedded broker\'s WebSocket listener: leave out --transport memory');
  if (options.broker !== undefined && options.dashboardPort !== undefined) {
    throw new UsageError('--dashboard-port: with --broker the run serves no page (it publishes the live feed there); serve it with `loraswarm dashboard --attach … --port`');
  }
  return { port: options.dashboardPort === undefined ? 0 : portOption('--dashboard-port', options.dashboardPort), pace: paceOption(options.pace, durationMs) };
}

function paceOption(text: string | undefined, durationMs: number): number | undefined {
  if (text === undefined) return watchablePace(durationMs);
  if (text.trim() === 'max') return undefined;
  const pace = Number(text);
  if (text.trim() === '' || !Number.isFinite(pace) || pace <= 0) throw new UsageError(`--pace: expected virtual seconds per wall second, a number > 0 (e.g. 60), or max, found ${JSON.stringify(text)}`);
  return pace;
}

/** Wall seconds a paced run's duration takes by default: long enough to watch, short enough to wait for. */
export const watchSeconds = 120;

/**
 * The default pace of a watched run: the scenario's duration in about `watchSeconds` of wall
 * time, rounded up to 1, 2 or 5 times a power of ten, and at least 1 (real time).
 */
export function watchablePace(durationMs: number): number {
  const raw = durationMs / 1000 / watchSeconds;
  if (raw <= 1) return 1;
  const decade = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].map((step) => step * decade).find((nice) => nice >= raw * (1 - 1e-12)))!;
}

/** Most training threads `auto` starts: each holds its own model and sample lists (~40-70 MB of RSS for the shipped tasks). */
export const autoTrainingThreads = 4;

/** `--training-threads`: `auto` (the cores less the simulation's, at most `autoTrainingThreads`) or a count 0..64. */
export function trainingThreadsOption(text: string | undefined): number {
  const value = text ?? 'auto';
  if (value === 'auto') return Math.max(0, Math.min(autoTrainingThreads, availableParallelism() - 1));
  if (!/^\d{1,2}$/.test(value.trim()) || Number(value) > 64) throw new UsageError(`--training-threads: expected "auto" or a count 0..64, found ${JSON.stringify(value)}`);
  return Number(value);
}
