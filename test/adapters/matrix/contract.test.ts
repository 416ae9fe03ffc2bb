/**
 * The adapter contract, run against the Matrix adapter on the loopback
 * homeserver with a second matrix-js-sdk client as the human.
 */
import { runAdapterContract } from '../contract/adapter-contract.ts';
import { createMatrixHarness } from './matrix-world.ts';

runAdapterContract('matrix', createMatrixHarness);
