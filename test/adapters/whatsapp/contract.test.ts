/**
 * The adapter contract suite against the WhatsApp adapter, with a fake
 * WhatsApp at the baileys event boundary and real WAProto messages.
 */
import { runAdapterContract } from '../contract/adapter-contract.ts';
import { makeWhatsAppHarness } from './harness.ts';

runAdapterContract('whatsapp', makeWhatsAppHarness);
