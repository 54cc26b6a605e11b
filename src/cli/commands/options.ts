/** Option values shared by several commands, checked with messages that say what was expected. */
import { UsageError } from '../exit.ts';

/** Why `url` is not an MQTT broker URL, or undefined. */
export function brokerUrlProblem(url: string): string | undefined {
  return /^mqtts?:\/\/[^\s/]+$/.test(url) ? undefined : `expected mqtt://host:port, found ${JSON.stringify(url)}`;
}

/** A positive number of seconds. */
export function secondsOption(flag: string, text: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(value > 0)) throw new UsageError(`${flag}: expected a positive number of seconds, found ${JSON.stringify(text)}`);
  return value;
}

/** `[host:]port` for a listener; host 127.0.0.1 by default. */
export function listenOption(text: string): { host: string; port: number } {
  const match = /^(?:(.+):)?(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw new UsageError(`--listen: expected [host:]port with a port 0..65535, found ${JSON.stringify(text)}`);
  return { host: match[1] ?? '127.0.0.1', port };
}
