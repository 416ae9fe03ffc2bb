/**
 * The adapter contract suite against the Slack adapter: once over Socket Mode
 * and once over the Events API with signed HTTP deliveries.
 */
import { runAdapterContract } from '../contract/adapter-contract.ts';
import { createSlackHarness } from './harness.ts';

runAdapterContract('slack (Socket Mode)', () => createSlackHarness('socket'));
runAdapterContract('slack (Events API)', () => createSlackHarness('http'));
