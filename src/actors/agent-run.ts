/**
 * The agent run actor: runs one turn of the agent for a session and sends its
 * events back to the session (`AGENT.DELTA`, `AGENT.TOOL`, then `AGENT.DONE` or
 * `AGENT.FAILED`). Stopping the actor (the session left its running state)
 * aborts the run; the backend then ends its processes.
 */
import { fromCallback } from 'xstate';
import type { Attachment } from '../adapters/contract.ts';
import type { Agent, ApprovalRequest, ChatMessage, ClarifyRequest, Tool } from '../agent/agent.ts';
import type { ContextCompressor } from '../agent/compress/context-compressor.ts';
import { estimateTokens } from '../agent/compress/token-estimate.ts';
import { activeEntries, entryMessage } from '../agent/compress/transcript-view.ts';
import { resolveModel } from '../commands/model-choice.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { AbortedError } from '../errors.ts';
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import type {
  AgentRunCommand,
  AgentRunInput,
  PendingMessage,
  SessionEvent,
  SessionSettings,
} from '../machines/session.ts';
import { mediaRefsOf } from '../media/media-ref.ts';
import type { RunMedia } from '../media/run-media.ts';
import type { Store } from '../persistence/store.ts';

/** Told to the agent when it resumes a turn that a restart cut off. */
export const RESUME_NOTE =
  'Note: the gateway restarted while you were working on the previous message, so that turn was interrupted. ' +
  'Do not re-run tool calls from the interrupted turn; check the current state first if it matters, ' +
  'then continue from the last answer you gave.';

/** What the agent run needs from the runtime. */
export interface AgentRunDeps {
  agent: Agent;
  store: Store;
  log: RuntimeLogger;
  /** Per-session model override, when one is set. */
  modelFor?: (sessionKey: string) => string | undefined;
  /** Whether a person can be asked (approvals, the agent's questions) on this platform (not on the API server). */
  canAskApproval?: (platform: string) => boolean;
  /** Providers (for `/model provider:model`) and personalities (for `/personality`). */
  config?: Pick<GatewayConfig, 'providers' | 'personalities'>;
  /** Tools bound to the run's chat (the `cronjob` tool), besides the backend's own. */
  toolsFor?: (input: AgentRunInput) => Tool[];
  /** The toolset of the run's platform: which tool names the model is offered (all when absent). */
  allowToolsFor?: (input: AgentRunInput) => (toolName: string) => boolean;
  /**
   * Sends a message to the run's chat outside its reply (a background process's
   * output and end), also after the run has ended; `key` names it uniquely.
   * Tools get it as `ToolContext.notify`.
   */
  notifyChat?: (input: AgentRunInput, text: string, key?: string) => void;
  /**
   * Files both ways: the user's attachments reach the agent, files the agent names
   * with `MEDIA:` lines go out with the reply. Without it the agent sees text only.
   */
  media?: RunMedia;
  /**
   * The spoken copy of the answer (`/voice on|tts`), attached to the reply; undefined when the
   * session's voice mode or the platform asks for none. `endpoint` is the session's `/model` provider.
   */
  voiceReply?: (
    input: AgentRunInput,
    text: string,
    options: { endpoint?: { baseURL: string; apiKey?: string }; signal: AbortSignal },
  ) => Promise<Attachment | undefined>;
  /** Compresses the conversation before a run that would not fit the context window (`agent.auto_compress`). */
  compressor?: ContextCompressor;
}

/** What a session's settings ask of the agent: model and endpoint, personality prompt, reasoning. */
export function agentOptionsFor(
  settings: SessionSettings,
  config: Pick<GatewayConfig, 'providers' | 'personalities'> | undefined,
): {
  model?: string;
  endpoint?: { baseURL: string; apiKey?: string };
  personality?: string;
  reasoningEffort?: string;
} {
  const options: ReturnType<typeof agentOptionsFor> = {};
  if (settings.model) {
    const resolved = config ? resolveModel(config, settings.model) : undefined;
    if (resolved) {
      options.model = resolved.model;
      options.endpoint = {
        baseURL: resolved.baseUrl,
        ...(resolved.apiKey ? { apiKey: resolved.apiKey } : {}),
      };
    } else {
      options.model = settings.model;
    }
  }
  const personality = settings.personality ? config?.personalities[settings.personality] : undefined;
  if (personality) options.personality = personality;
  if (settings.reasoning) options.reasoningEffort = settings.reasoning;
  return options;
}

/**
 * Builds the conversation for a run: the committed transcript of the
 * conversation (without this turn's own user messages, which the session records
 * as the turn starts), or the history the client sent when there is none; the
 * resume note; then this turn's user messages with their files. User messages
 * of the transcript that no answer followed yet (a turn an interrupt or a
 * restart cut off, answered now) get their files again too.
 */
export async function buildRunMessages(
  store: Store,
  input: AgentRunInput,
  media?: RunMedia,
): Promise<ChatMessage[]> {
  const own = new Set(input.run.messages.map((m) => m.inboxId));
  // the previous turn may still sit in the group commit (a queued message runs right after it):
  // once the transition that started this run has enqueued all its writes, wait for their commit
  await new Promise((resolve) => setImmediate(resolve));
  await store.flush();
  const transcript = await store.transcript.list(input.conversationId);
  // the latest summary (`/compress`) stands for the entries before it
  const entries = activeEntries(
    transcript
      .filter((e) => !(e.role === 'user' && e.inboxId !== null && own.has(e.inboxId)))
      .filter((e) => e.role !== 'tool'),
  );
  const history: ChatMessage[] = entries.map(entryMessage);
  if (media) {
    // the user messages after the last answer are answered by this run: their files come along
    for (let i = entries.length - 1; i >= 0 && entries[i]!.role === 'user'; i--) {
      const inboxId = entries[i]!.inboxId;
      const row = inboxId === null ? undefined : await store.inbox.get(inboxId);
      if (!row?.message.attachments?.length) continue;
      history[i] = {
        role: 'user',
        content: row.message.text,
        attachments: await media.attachmentsFor(mediaRefsOf(row.message.attachments), input.platform),
      };
    }
  }
  if (history.length === 0 && input.run.messages[0]) {
    const first = await store.inbox.get(input.run.messages[0].inboxId);
    for (const m of first?.message.history ?? []) history.push({ role: m.role, content: m.content });
  }
  const messages = [...history];
  if (input.run.resume) messages.push({ role: 'system', content: RESUME_NOTE });
  // snapshots of older versions hold messages without `attachments`
  const refs = input.run.messages.flatMap((m) => m.attachments ?? []);
  const attachments = media && refs.length > 0 ? await media.attachmentsFor(refs, input.platform) : [];
  messages.push({
    role: 'user',
    content: input.run.messages.map((m) => m.text).join('\n\n'),
    ...(attachments.length > 0 ? { attachments } : {}),
  });
  return messages;
}

/** Binds `notifyChat` to the run's chat. */
function notifyChat(
  send: NonNullable<AgentRunDeps['notifyChat']>,
  input: AgentRunInput,
): (text: string, key?: string) => void {
  return (text, key) => send(input, text, key);
}

/**
 * Creates the `agentRun` actor logic for the session machine. It takes two
 * commands from the session: `ABORT` (the run is aborted; once it has ended it
 * reports `AGENT.STOPPED`) and `STEER` (the text is handed to the agent after
 * its next tool call; `AGENT.DONE` lists the ones it took).
 *
 * @example
 * sessionMachine.provide({ actors: { agentRun: createAgentRunLogic({ agent, store, log }) } })
 */
export function createAgentRunLogic(deps: AgentRunDeps) {
  return fromCallback<AgentRunCommand, AgentRunInput>(({ input, sendBack, receive }) => {
    const controller = new AbortController();
    const { runId } = input.run;
    const log = deps.log.child({ sessionKey: input.sessionKey, runId });
    /** Stopped by the session leaving its running state: nothing is reported any more. */
    let detached = false;
    /** Aborted on the session's request: the end is reported as AGENT.STOPPED. */
    let abortRequested = false;
    const steers: PendingMessage[] = [];
    const taken: number[] = [];
    const approvals = new Map<string, (approved: boolean) => void>();
    let approvalCount = 0;
    const questions = new Map<string, (answer: string | null) => void>();
    let questionCount = 0;
    receive((command) => {
      if (command.type === 'ABORT') {
        abortRequested = true;
        controller.abort();
      } else if (command.type === 'STEER') {
        steers.push(command.message);
      } else if (command.type === 'APPROVAL') {
        approvals.get(command.approvalId)?.(command.approved);
        approvals.delete(command.approvalId);
      } else if (command.type === 'CLARIFY') {
        questions.get(command.clarifyId)?.(command.answer);
        questions.delete(command.clarifyId);
      }
    });
    controller.signal.addEventListener('abort', () => {
      for (const answer of approvals.values()) answer(false);
      approvals.clear();
      for (const answer of questions.values()) answer(null);
      questions.clear();
    });
    const requestApproval = (request: ApprovalRequest) =>
      new Promise<boolean>((resolve) => {
        if (controller.signal.aborted) return resolve(false);
        const approvalId = `${runId}:a${++approvalCount}`;
        approvals.set(approvalId, resolve);
        report({
          type: 'AGENT.APPROVAL_REQUEST',
          runId,
          approvalId,
          command: request.command,
          reason: request.reason,
        });
      });
    const clarify = (request: ClarifyRequest) =>
      new Promise<string | null>((resolve) => {
        if (controller.signal.aborted) return resolve(null);
        const clarifyId = `${runId}:c${++questionCount}`;
        questions.set(clarifyId, resolve);
        report({
          type: 'AGENT.CLARIFY_REQUEST',
          runId,
          clarifyId,
          question: request.question,
          ...(request.choices?.length ? { choices: request.choices } : {}),
        });
      });
    const canAsk = deps.canAskApproval?.(input.platform) ?? true;
    const report = (event: SessionEvent) => {
      if (!detached) sendBack(event);
    };
    void (async () => {
      try {
        const options = agentOptionsFor(input.settings, deps.config);
        const sendingNote = deps.media?.sendingNote(input.platform);
        const assemble = async (): Promise<ChatMessage[]> => [
          ...(options.personality ? [{ role: 'system' as const, content: options.personality }] : []),
          ...(sendingNote ? [{ role: 'system' as const, content: sendingNote }] : []),
          ...(await buildRunMessages(deps.store, input, deps.media)),
        ];
        let messages = await assemble();
        if (controller.signal.aborted) throw new AbortedError();
        const model = options.model ?? deps.modelFor?.(input.sessionKey);
        const before = estimateTokens(messages);
        if (deps.compressor?.shouldCompress(before)) {
          const outcome = await deps.compressor.tryCompress({
            sessionKey: input.sessionKey,
            conversationId: input.conversationId,
            ...(model ? { model } : {}),
            ...(options.endpoint ? { endpoint: options.endpoint } : {}),
            signal: controller.signal,
          });
          if (controller.signal.aborted) throw new AbortedError();
          if (outcome?.kind === 'compressed') {
            messages = await assemble();
            const note = `🗜️ Context compressed: ${before} → ${estimateTokens(messages)} tokens`;
            deps.notifyChat?.(input, note, `compress:${runId}`);
          }
        }
        const result = await deps.agent.run({
          sessionKey: input.sessionKey,
          messages,
          signal: controller.signal,
          ...(model ? { model } : {}),
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
          ...(options.reasoningEffort ? { reasoningEffort: options.reasoningEffort } : {}),
          ...(canAsk ? { requestApproval, clarify } : {}),
          ...(deps.notifyChat ? { notify: notifyChat(deps.notifyChat, input) } : {}),
          ...(deps.toolsFor ? { tools: deps.toolsFor(input) } : {}),
          ...(deps.allowToolsFor ? { allowTools: deps.allowToolsFor(input) } : {}),
          takeSteered: () => {
            const texts = steers.map((m) =>
              deps.media ? deps.media.textWithFiles(m.text, m.attachments ?? [], input.platform) : m.text,
            );
            taken.push(...steers.map((m) => m.inboxId));
            steers.length = 0;
            return texts;
          },
          onEvent: (e) => {
            if (controller.signal.aborted) return;
            if (e.type === 'text.delta') report({ type: 'AGENT.DELTA', runId, text: e.text });
            else if (e.type === 'tool.start')
              report({ type: 'AGENT.TOOL', runId, phase: 'start', name: e.name, detail: e.arguments });
            else
              report({ type: 'AGENT.TOOL', runId, phase: 'end', name: e.name, detail: e.output, ok: e.ok });
          },
        });
        if (controller.signal.aborted) throw new AbortedError();
        // files the agent named with MEDIA: lines (in its answer or a tool's result) go out with the reply
        const toolOutputs = result.messages.filter((m) => m.role === 'tool').map((m) => m.content);
        const files = deps.media?.namesFiles(result.text, toolOutputs)
          ? await deps.media.outbound(result.text, toolOutputs, input.platform)
          : { text: result.text, attachments: [] };
        // `/voice on|tts`: the answer also goes out spoken, as a file of the same reply
        const spoken = await deps.voiceReply?.(input, files.text, {
          ...(options.endpoint ? { endpoint: options.endpoint } : {}),
          signal: controller.signal,
        });
        if (spoken) files.attachments = [...files.attachments, spoken];
        if (controller.signal.aborted) throw new AbortedError();
        report({
          type: 'AGENT.DONE',
          runId,
          steeredTaken: taken,
          result: {
            // `/reasoning show`: the model's reasoning comes first, quoted
            text:
              input.settings.showReasoning && result.reasoning
                ? `> 💭 ${result.reasoning.trim().replace(/\n/g, '\n> ')}\n\n${files.text}`
                : files.text,
            inputTokens: result.usage.inputTokens,
            outputTokens: result.usage.outputTokens,
            model: result.model ?? null,
            ...(files.attachments.length > 0 ? { attachments: files.attachments } : {}),
          },
        });
      } catch (error) {
        if (controller.signal.aborted || error instanceof AbortedError) {
          // the tool calls of the batch that had not started are recorded as cancelled
          const cancelledTools = error instanceof AbortedError ? error.cancelledTools : [];
          log.info({ requested: abortRequested, cancelledTools }, 'Agent run interrupted');
          if (abortRequested) report({ type: 'AGENT.STOPPED', runId });
          return;
        }
        log.warn({ err: errorText(error) }, 'Agent run failed');
        report({ type: 'AGENT.FAILED', runId, error: errorText(error) });
      }
    })();
    return () => {
      detached = true;
      controller.abort();
    };
  });
}
