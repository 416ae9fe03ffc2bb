/**
 * Background tasks: each `/background <prompt>` is a persisted background-task
 * actor (one row, kind `background-task`) running an independent agent: its
 * own session key, the chat's model and settings, none of the chat's context.
 * The chat that asked stays interactive; the result comes back to it through
 * the outbox. At start the runtime restores the tasks a restart left behind:
 * pending ones start, running ones are reported failed (never re-run blindly),
 * finished ones deliver.
 */
import { randomBytes } from 'node:crypto';
import { type Actor, createActor, fromPromise, type InspectionEvent } from 'xstate';
import type { Agent } from '../agent/agent.ts';
import type { GatewayConfig } from '../config/schema.ts';
import { errorText, type RuntimeLogger } from '../log/runtime-logger.ts';
import {
  BACKGROUND_TASK_MACHINE_VERSION,
  type BackgroundTaskContext,
  type BackgroundTaskEffectName,
  type BackgroundTaskInput,
  backgroundTaskMachine,
  type TaskOrigin,
  type TaskRunOutput,
} from '../machines/background-task.ts';
import type { ProvidedEffects } from '../machines/provided-effects.ts';
import type { SessionSettings } from '../machines/session.ts';
import type { Store } from '../persistence/store.ts';
import { type IsolatedToolsFor, runIsolated } from './isolated-run.ts';

/** Row kind of background tasks. */
export const BACKGROUND_TASK_KIND = 'background-task';

/** How many characters of the prompt the start reply quotes. */
const QUOTE_LENGTH = 60;

/** What background tasks need from the runtime. */
export interface BackgroundTaskDeps {
  /** XState inspection of every task actor. */
  inspect?: (event: InspectionEvent) => void;
  agent: Agent;
  store: Store;
  log: RuntimeLogger;
  now: () => number;
  config: Pick<GatewayConfig, 'providers' | 'personalities'>;
  /** The MCP tools and toolset of a task's run, by the platform of the chat it answers. */
  toolsFor?: IsolatedToolsFor;
  /** Told on every change of a task. */
  onChange?: (task: { taskId: string; state: string; context: BackgroundTaskContext }) => void;
}

/** A new task id: `bg_HHMMSS_xxxxxx` (local time of day, six random hex digits). */
export function newTaskId(now: number): string {
  const d = new Date(now);
  const hhmmss = [d.getHours(), d.getMinutes(), d.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join('');
  return `bg_${hhmmss}_${randomBytes(3).toString('hex')}`;
}

/** The immediate answer to `/background`. */
export function startedText(taskId: string, prompt: string): string {
  const quote = prompt.length > QUOTE_LENGTH ? `${prompt.slice(0, QUOTE_LENGTH)}…` : prompt;
  return `🔄 Background task started: "${quote}"\nTask ID: ${taskId}`;
}

/** The result message of a finished task. */
export function resultText(context: BackgroundTaskContext, ok: boolean): string {
  return ok
    ? `✅ Background task complete (${context.taskId})\n\n${context.result ?? ''}`
    : `❌ Background task failed: ${context.error ?? 'unknown error'} (${context.taskId})`;
}

type TaskActor = Actor<typeof backgroundTaskMachine>;

/**
 * Owns the background-task actors.
 *
 * @example
 * const tasks = new BackgroundTasks(deps);
 * await tasks.recover(); // at boot
 * const { taskId } = await tasks.start(origin, 'summarise the logs', sessionSettings);
 */
export class BackgroundTasks {
  readonly #deps: BackgroundTaskDeps;
  readonly #actors = new Map<string, TaskActor>();
  readonly #machine;
  #stopped = false;

  constructor(deps: BackgroundTaskDeps) {
    this.#deps = deps;
    this.#machine = backgroundTaskMachine.provide({
      actors: {
        runTask: fromPromise<TaskRunOutput, BackgroundTaskContext>(({ input, signal }) =>
          this.#run(input, signal),
        ),
      },
      actions: {
        deliverResult: ({ context }) => void this.#deliver(context),
      } satisfies ProvidedEffects<typeof backgroundTaskMachine, BackgroundTaskEffectName>,
    });
  }

  /**
   * Starts a task for a chat: saves its row, queues the "🔄 Background task
   * started" answer to the chat, then begins the run.
   */
  async start(origin: TaskOrigin, prompt: string, settings: SessionSettings): Promise<{ taskId: string }> {
    const taskId = newTaskId(this.#deps.now());
    const actor = this.#spawn(taskId, undefined, {
      taskId,
      prompt,
      origin,
      settings: settings as unknown as Record<string, unknown>,
      at: this.#deps.now(),
    });
    await this.#persist(actor);
    // the "started" answer is queued before the run begins, so it always comes before the result
    await this.#deps.store.outbox.enqueue(origin.platform, {
      chatId: origin.chatId,
      chatType: origin.chatType,
      ...(origin.threadId ? { threadId: origin.threadId } : {}),
      text: startedText(taskId, prompt),
      inReplyTo: [origin.platformMessageId],
      idempotencyKey: `background-started:${taskId}`,
      sessionKey: origin.sessionKey,
    });
    this.#deps.log.info({ taskId, sessionKey: origin.sessionKey }, 'Background task started');
    actor.send({ type: 'START', at: this.#deps.now() });
    return { taskId };
  }

  /** Tasks not yet delivered, with their state (for `/status` and tests). */
  active(): { taskId: string; state: string; context: BackgroundTaskContext }[] {
    return [...this.#actors].map(([taskId, a]) => ({
      taskId,
      state: String(a.getSnapshot().value),
      context: a.getSnapshot().context,
    }));
  }

  /** Restores the tasks a previous life left: pending ones start, running ones fail, finished ones deliver. */
  async recover(): Promise<number> {
    const rows = await this.#deps.store.actors.list(BACKGROUND_TASK_KIND, [
      'pending',
      'running',
      'succeeded',
      'failed',
    ]);
    for (const row of rows) {
      if (row.machineVersion !== BACKGROUND_TASK_MACHINE_VERSION) {
        this.#deps.log.error(
          { taskId: row.actorId },
          'A background task of another machine version cannot be restored',
        );
        continue;
      }
      const saved = row.snapshot as { value: string; context: BackgroundTaskContext };
      // restored without its run: a cut-off run is never restarted by the restore itself
      const state = backgroundTaskMachine.resolveState({ value: saved.value, context: saved.context });
      const actor = this.#spawn(row.actorId, backgroundTaskMachine.getPersistedSnapshot(state));
      const at = this.#deps.now();
      if (saved.value === 'pending') actor.send({ type: 'START', at });
      else if (saved.value === 'running') {
        this.#deps.log.warn(
          { taskId: row.actorId },
          'Background task cut off by a restart; reporting it failed',
        );
        actor.send({ type: 'RESTARTED', at });
      } else void this.#deliver(saved.context);
    }
    return rows.length;
  }

  /** Stops every task actor (gateway stop): running tasks stay `running` in their rows and are reported at the next start. */
  stop(): void {
    this.#stopped = true;
    for (const actor of this.#actors.values()) actor.stop();
    this.#actors.clear();
  }

  #spawn(taskId: string, snapshot: unknown, input?: BackgroundTaskInput): TaskActor {
    const actor = createActor(this.#machine, {
      input: input as BackgroundTaskInput,
      ...(snapshot ? { snapshot: snapshot as never } : {}),
      ...(this.#deps.inspect ? { inspect: this.#deps.inspect } : {}),
    });
    this.#actors.set(taskId, actor);
    let last = '';
    actor.subscribe({
      next: (snap) => {
        if (this.#stopped) return;
        const state = String(snap.value);
        if (state === last) return;
        last = state;
        if (state !== 'pending') void this.#persist(actor);
        this.#deps.onChange?.({ taskId, state, context: snap.context });
        if (snap.status === 'done') this.#actors.delete(taskId);
      },
      error: (error) =>
        this.#deps.log.error({ taskId, err: errorText(error) }, 'Background task actor error'),
    });
    actor.start();
    return actor;
  }

  async #persist(actor: TaskActor): Promise<void> {
    const snap = actor.getSnapshot();
    try {
      await this.#deps.store.actors.save({
        actorId: snap.context.taskId,
        kind: BACKGROUND_TASK_KIND,
        machineVersion: BACKGROUND_TASK_MACHINE_VERSION,
        state: String(snap.value),
        snapshot: actor.getPersistedSnapshot(),
      });
    } catch (error) {
      this.#deps.log.error(
        { taskId: snap.context.taskId, err: errorText(error) },
        'Background task could not be saved',
      );
    }
  }

  async #run(context: BackgroundTaskContext, signal: AbortSignal): Promise<TaskRunOutput> {
    const result = await runIsolated({
      agent: this.#deps.agent,
      config: this.#deps.config,
      sessionKey: `background:${context.taskId}`,
      prompt: context.prompt,
      settings: context.settings as Partial<SessionSettings>,
      signal,
      ...this.#deps.toolsFor?.(context.origin.platform),
    });
    this.#deps.log.info({ taskId: context.taskId, usage: result.usage }, 'Background task finished');
    return { text: result.text, usage: result.usage };
  }

  /** Queues the result to the origin chat (once per task: one idempotency key), then closes the task. */
  async #deliver(context: BackgroundTaskContext): Promise<void> {
    const ok = context.error === null;
    const { origin } = context;
    try {
      await this.#deps.store.outbox.enqueue(origin.platform, {
        chatId: origin.chatId,
        chatType: origin.chatType,
        ...(origin.threadId ? { threadId: origin.threadId } : {}),
        text: resultText(context, ok),
        inReplyTo: [origin.platformMessageId],
        idempotencyKey: `background:${context.taskId}`,
        sessionKey: origin.sessionKey,
        ...(ok ? {} : { failed: true }),
      });
    } catch (error) {
      this.#deps.log.error(
        { taskId: context.taskId, err: errorText(error) },
        'Background task result could not be queued',
      );
      return;
    }
    this.#actors.get(context.taskId)?.send({ type: 'DELIVERED', at: this.#deps.now() });
  }
}
