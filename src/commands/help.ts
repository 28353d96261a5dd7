// `tally help`: a topic's text, the global flags, or the help of the command the words name.
import type { Command } from 'commander';
import type { Context } from '../core/context.js';
import { UsageError } from '../core/errors.js';
import { closest } from '../core/suggest.js';
import { HELP_TOPIC_NAMES, HELP_TOPICS } from './help-topics.js';

/** `tally help options`: the flags every command takes, shown here and in `tally --help` only. */
function globalFlags(program: Command): string {
  const helper = program.createHelp();
  const options = helper.visibleOptions(program).filter((o) => o.long !== '--help' && o.long !== '--version');
  const width = Math.max(...options.map((o) => helper.optionTerm(o).length));
  const items = options.map((o) => helper.formatItem(helper.optionTerm(o), width, helper.optionDescription(o), helper));
  return `Global flags, for every command\n\n${items.join('\n')}\n\nEnvironment variables: tally help environment\n`;
}

export async function run(ctx: Context, { topic }: { topic: string[] }): Promise<number> {
  const text = topic.length === 1 ? HELP_TOPICS[topic[0] as string] : undefined;
  if (text) {
    ctx.io.out(text);
    return 0;
  }
  const { buildProgram } = await import('../cli.js');
  if (topic.length === 1 && topic[0] === 'options') {
    ctx.io.out(globalFlags(await buildProgram(ctx.io, undefined, undefined, [])));
    return 0;
  }
  let target: Command = await buildProgram(ctx.io);
  for (const word of topic) {
    const next = target.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) {
      const known = target.commands.map((c) => c.name());
      const near = closest(word, topic.length === 1 ? [...HELP_TOPIC_NAMES, ...known] : known);
      const path = [...topic.slice(0, topic.indexOf(word)), near].join(' ');
      throw new UsageError(
        `no help for "${topic.join(' ')}"`,
        near ? `did you mean \`tally help ${path}\`?` : `run \`tally --help\` for the commands; topics: ${HELP_TOPIC_NAMES.join(', ')}`,
      );
    }
    target = next;
  }
  target.outputHelp();
  return 0;
}
