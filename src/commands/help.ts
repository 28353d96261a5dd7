// `tally help`: a topic's text, or the help of the command the words name.
import type { Command } from 'commander';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { HELP_TOPICS } from './help-topics.js';

export async function run(ctx: Context, { topic }: { topic: string[] }): Promise<number> {
  const text = topic.length === 1 ? HELP_TOPICS[topic[0] as string] : undefined;
  if (text) {
    ctx.io.out(text);
    return 0;
  }
  const { buildProgram } = await import('../cli.js');
  let target: Command = await buildProgram(ctx.io);
  for (const word of topic) {
    const next = target.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) {
      throw new UsageError(
        `no help for "${topic.join(' ')}"`,
        `run \`tally --help\` for the commands; topics: ${Object.keys(HELP_TOPICS).join(', ')}`,
      );
    }
    target = next;
  }
  target.outputHelp();
  return 0;
}
