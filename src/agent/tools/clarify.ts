/**
 * The `clarify` tool: the agent asks the user a question, optionally with
 * choices, and waits for the answer. The session shows the question in the
 * chat and keeps waiting as a durable state; the user's next message is the
 * answer. Without an answer in time the tool says so and the agent goes on.
 */
import type { Tool, ToolContext } from '../agent.ts';

/** The tool's name. */
export const CLARIFY_TOOL_NAME = 'clarify';

/** The most choices one question may offer. */
export const MAX_CHOICES = 10;

/** The tool result when nobody answered in time (or the run was stopped). */
export const NO_ANSWER_RESULT =
  'Nobody answered the question in time. Go on without the answer: make a sensible choice and say which one you made.';

/** The tool result where nobody can be asked (the API server, cron jobs). */
export const NOBODY_TO_ASK_RESULT =
  'Nobody can be asked here: there is no person reading this chat live. Decide yourself and say what you assumed.';

function choicesOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((c) => (typeof c === 'string' || typeof c === 'number' ? String(c).trim() : ''))
    .filter((c) => c !== '')
    .slice(0, MAX_CHOICES);
}

/**
 * The tool result for an answer: a number that picks a choice names the choice.
 *
 * @example
 * answerResult('2', ['staging', 'production']) // 'The user chose 2: production'
 */
export function answerResult(answer: string, choices: readonly string[]): string {
  const trimmed = answer.trim();
  const picked = /^\d+$/.test(trimmed) ? choices[Number(trimmed) - 1] : undefined;
  if (picked !== undefined) return `The user chose ${trimmed}: ${picked}`;
  const named = choices.find((c) => c.toLowerCase() === trimmed.toLowerCase());
  if (named !== undefined) return `The user chose: ${named}`;
  return `The user answered: ${trimmed}`;
}

/**
 * Creates the clarify tool.
 *
 * @example
 * const tool = createClarifyTool();
 * await tool.execute({ question: 'Which environment?', choices: ['staging', 'production'] }, ctx);
 */
export function createClarifyTool(): Tool {
  return {
    name: CLARIFY_TOOL_NAME,
    description:
      'Ask the user a question and wait for the answer, when you cannot go on without it (an ambiguous ' +
      'request, a choice only the user can make). Offer choices when there are a few clear options; the user ' +
      'may answer with a choice number or in their own words.',
    parameters: {
      type: 'object',
      properties: {
        question: { type: 'string', description: 'The question, short and self-contained.' },
        choices: {
          type: 'array',
          items: { type: 'string' },
          maxItems: MAX_CHOICES,
          description: 'Answers to offer, shown as numbered lines (optional).',
        },
      },
      required: ['question'],
      additionalProperties: false,
    },
    async execute(args: Record<string, unknown>, ctx: ToolContext): Promise<string> {
      const question = typeof args.question === 'string' ? args.question.trim() : '';
      if (!question) throw new Error('the question is empty; give the question to ask');
      if (!ctx.clarify) return NOBODY_TO_ASK_RESULT;
      const choices = choicesOf(args.choices);
      const answer = await ctx.clarify({ question, ...(choices.length > 0 ? { choices } : {}) });
      return answer === null || answer.trim() === '' ? NO_ANSWER_RESULT : answerResult(answer, choices);
    },
  };
}
