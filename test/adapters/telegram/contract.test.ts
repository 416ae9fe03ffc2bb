/**
 * The adapter contract suite against the Telegram adapter on the fake Bot API.
 */
import { runAdapterContract } from '../contract/adapter-contract.ts';
import { createTelegramHarness } from './harness.ts';

runAdapterContract('telegram', createTelegramHarness);
