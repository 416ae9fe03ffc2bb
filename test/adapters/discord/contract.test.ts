/**
 * The adapter contract suite against discord.js and the fake Discord
 * (requireMention off: see harness.ts).
 */
import { runAdapterContract } from '../contract/adapter-contract.ts';
import { createDiscordHarness } from './harness.ts';

runAdapterContract('discord', createDiscordHarness);
