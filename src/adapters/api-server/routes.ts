/**
 * The API server's routes: health, the model list and chat completions.
 */
import type { FastifyInstance } from 'fastify';
import { type ChatCompletionsDeps, registerChatCompletionsRoute } from './chat-completions.ts';
import { modelList } from './completion-objects.ts';

/** Registers every route of the API server. */
export function registerRoutes(app: FastifyInstance, deps: ChatCompletionsDeps): void {
  const startedAt = Math.floor(Date.now() / 1000);

  /** Liveness for load balancers and front ends; needs no key. */
  app.get('/health', async () => ({ status: 'ok' }));

  app.get('/v1/models', async () => modelList(deps.modelName, startedAt));

  registerChatCompletionsRoute(app, deps);
}
