/**
 * Small machines that together use every construct the diagram generators draw:
 * nesting, parallel regions, guards, invoked actors with onDone/onError, delays,
 * eventless transitions, final and history states, machine-wide events.
 */
import { and, createMachine, fromPromise, not, setup, stateIn } from 'xstate';

/** A chat session in miniature: nested running state, an invoked run, timers, a final state. */
export const chatMachine = setup({
  actors: { agentRun: fromPromise(async () => 'reply') },
  guards: { hasQueue: () => false, isAdmin: () => false, withinBudget: () => true },
  actions: { enqueue: () => {}, notify: () => {} },
  delays: { probeDelay: 5000 },
}).createMachine({
  id: 'chat',
  initial: 'idle',
  states: {
    idle: {
      on: {
        MESSAGE: { target: 'running', guard: 'hasQueue' },
        PING: { actions: 'enqueue' },
        NOISE: {},
        FORCE: { target: 'closed', guard: and(['isAdmin', not('withinBudget')]) },
      },
    },
    running: {
      initial: 'thinking',
      invoke: {
        src: 'agentRun',
        id: 'agentRun',
        onDone: 'idle',
        onError: { target: 'idle', actions: 'notify' },
      },
      after: { 1000: '.streaming', probeDelay: 'closed' },
      on: { MESSAGE: { actions: ['enqueue', 'notify'] } },
      states: {
        thinking: { always: { guard: 'isAdmin', target: 'streaming' } },
        streaming: { on: { END: 'finished' } },
        finished: { type: 'final' },
      },
      onDone: 'idle',
    },
    closed: { type: 'final' },
  },
});

/** A machine whose root is parallel, with a history state and a machine-wide event. */
export const deviceMachine = createMachine({
  id: 'device',
  type: 'parallel',
  on: { RESET: { target: '.power.off' } },
  states: {
    power: {
      initial: 'off',
      states: {
        off: { on: { TOGGLE: 'on' } },
        on: {
          initial: 'dim',
          states: { dim: { on: { UP: 'bright' } }, bright: {}, recall: { type: 'history', history: 'deep' } },
        },
      },
    },
    link: {
      initial: 'offline',
      states: {
        offline: { on: { CONNECT: { target: 'online', guard: stateIn('#device.power.on') } } },
        online: { on: { DROP: 'offline' } },
      },
    },
  },
});

/** Every sample machine by name, as `MACHINES` lists the gateway's. */
export const SAMPLE_MACHINES = { chat: chatMachine, device: deviceMachine };
