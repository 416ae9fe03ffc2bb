import { runAdapterContract } from '../contract/adapter-contract.ts';
import { describeWithDovecot } from './dovecot-suite.ts';
import { createEmailHarness } from './email-harness.ts';

describeWithDovecot('email on Dovecot', (dovecot) => {
  runAdapterContract('email', () => createEmailHarness(dovecot()));
});
