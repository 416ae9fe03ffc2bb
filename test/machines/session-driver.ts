/**
 * Drives the pure session machine with a controllable agent run: the test
 * decides when a run answers, fails or streams.
 */
import { createActor, fromCallback } from 'xstate';
import { silentLogger } from '../../src/log/runtime-logger.ts';
import {
  type AgentRunCommand,
  type AgentRunInput,
  type BusyMode,
  type PendingMessage,
  type SessionEvent,
  sessionMachine,
} from '../../src/machines/session.ts';
import { createSessionEffects } from '../../src/runtime/session-effects.ts';

export interface Driver {
  actor: ReturnType<typeof createActor<typeof sessionMachine>>;
  /** Inputs of every run started, in order. */
  runs: AgentRunInput[];
  /** Runs whose actor was stopped (aborted). */
  aborted: string[];
  /** Commands the runs received (`ABORT`, `STEER <text>`), with their run id. */
  commands: string[];
  /** Named effects called, in order, with the event type. */
  effects: string[];
  message(n: number, text?: string, mode?: BusyMode, at?: number, queueCap?: number): void;
  /** The current run reports that it ended after an abort. */
  stopped(): void;
  done(text?: string, steeredTaken?: number[]): void;
  fail(error?: string): void;
  state(): string;
}

export function pending(n: number, text = `message ${n}`): PendingMessage {
  return { inboxId: n, platformMessageId: `p${n}`, userId: 'u1', text, attachments: [] };
}

/** The names of the session machine's effects, from the runtime's own implementation of them. */
export const EFFECTS = Object.keys(
  createSessionEffects({ store: null as never, adapters: new Map(), log: silentLogger }),
);

export function drive(snapshot?: unknown): Driver {
  const runs: AgentRunInput[] = [];
  const aborted: string[] = [];
  const commands: string[] = [];
  const effects: string[] = [];
  const actions = Object.fromEntries(
    EFFECTS.map((name) => [
      name,
      ({ event }: { event: SessionEvent }) => effects.push(`${name}:${event.type}`),
    ]),
  );
  const logic = sessionMachine.provide({
    actors: {
      agentRun: fromCallback<AgentRunCommand, AgentRunInput>(({ input, receive }) => {
        runs.push(input);
        receive((c) =>
          commands.push(`${input.run.runId} ${c.type === 'STEER' ? `STEER ${c.message.text}` : c.type}`),
        );
        return () => aborted.push(input.run.runId);
      }),
    },
    actions: actions as never,
  });
  const actor = snapshot
    ? createActor(logic, { snapshot } as never)
    : createActor(logic, {
        input: { sessionKey: 'test:dm:1', platform: 'test', chatType: 'dm', chatId: '1' },
      });
  actor.start();
  const currentRun = () => actor.getSnapshot().context.run!.runId;
  return {
    actor,
    runs,
    aborted,
    effects,
    commands,
    message: (n, text, mode, at, queueCap) =>
      actor.send({
        type: 'MESSAGE',
        message: pending(n, text),
        ...(mode ? { mode } : {}),
        ...(at !== undefined ? { at } : {}),
        ...(queueCap !== undefined ? { queueCap } : {}),
      }),
    stopped: () => actor.send({ type: 'AGENT.STOPPED', runId: currentRun() }),
    done: (text = 'answer', steeredTaken?: number[]) =>
      actor.send({
        type: 'AGENT.DONE',
        runId: currentRun(),
        result: { text, inputTokens: 3, outputTokens: 5, model: 'm' },
        ...(steeredTaken ? { steeredTaken } : {}),
      }),
    fail: (error = 'boom') => actor.send({ type: 'AGENT.FAILED', runId: currentRun(), error }),
    state: () => statePath(actor.getSnapshot().value),
  };
}

/** A state value as a dotted path: `idle`, `running.working`. */
export function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value as Record<string, unknown>)[0]!;
  return `${key}.${statePath(child)}`;
}
