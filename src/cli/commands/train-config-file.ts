/**
 * A training config file read and checked (`model train --config`, `model info`): no further
 * than `maxTrainConfigBytes`, then parsed (model/train-config.ts). `flag` starts the messages and
 * `readable` says what the command takes, for a file that cannot be read.
 *
 * @example
 * readTrainConfigFile('models/tinyseek-names.yaml', '--config', 'a readable training config')
 */
import { maxTrainConfigBytes, parseTrainConfig } from '../../model/train-config.ts';
import { readBoundedText, TooLargeError } from '../../scenario/bounded-text.ts';
import { UsageError } from '../exit.ts';

export function readTrainConfigFile(file: string, flag: string, readable: string): ReturnType<typeof parseTrainConfig> {
  let text: string;
  try {
    text = readBoundedText(file, maxTrainConfigBytes);
  } catch (error) {
    if (error instanceof TooLargeError) throw new UsageError(`${flag}: expected a training config of at most ${maxTrainConfigBytes / 2 ** 20} MiB, found more at ${file}`);
    throw new UsageError(`${flag}: expected ${readable}, found ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} at ${file}`);
  }
  return parseTrainConfig(text, file);
}
